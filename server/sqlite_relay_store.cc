#include "server/sqlite_relay_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>
#include <utility>

#include "common/crypto/sha256.h"
#include "common/status_macros.h"
#include "common/template/validation.h"
#include "common/util/time_format.h"
#include "server/message_rows.h"
#include "server/observer_rules.h"

namespace poc {
namespace {

constexpr char kRelaySchema[] = R"sql(
CREATE TABLE IF NOT EXISTS messages(
  id TEXT PRIMARY KEY,
  hash BLOB NOT NULL,
  sender TEXT NOT NULL,
  envelope BLOB NOT NULL,
  received_at_ms INTEGER NOT NULL,
  audit_index INTEGER NOT NULL,
  receipt BLOB NOT NULL
);
-- Per-recipient FIFO: items leave when the recipient's node answers them.
CREATE TABLE IF NOT EXISTS queue(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  state TEXT NOT NULL,
  kind INTEGER NOT NULL,          -- 1 delivery (payload in messages), 2 receipt notice
  message_id TEXT NOT NULL,
  payload BLOB                    -- receipt notices: the serialized signed receipt
);
CREATE INDEX IF NOT EXISTS queue_by_state ON queue(state, seq);
CREATE TABLE IF NOT EXISTS deliveries(
  message_id TEXT NOT NULL,
  state TEXT NOT NULL,
  delivered_at_ms INTEGER,
  receipt BLOB,
  refused_reason TEXT,
  audit_index INTEGER,
  PRIMARY KEY(message_id, state)
);
-- The audit log's leaves and tree are audit_leaf_writer.h's; these are the notes the relay signed.
CREATE TABLE IF NOT EXISTS checkpoints(
  size INTEGER PRIMARY KEY,
  note TEXT NOT NULL,
  signed_at_ms INTEGER NOT NULL
);
-- States' cosignatures of checkpoints (States as witnesses), the latest per State and size.
CREATE TABLE IF NOT EXISTS cosignatures(
  state TEXT NOT NULL,
  size INTEGER NOT NULL,
  line TEXT NOT NULL,
  received_at_ms INTEGER NOT NULL,
  PRIMARY KEY(size, state)
);
-- Observer accreditations (observers.proto): each proposal, its status, and the States'
-- signed objections.
CREATE TABLE IF NOT EXISTS observer_proposals(
  id TEXT PRIMARY KEY,
  slug TEXT NOT NULL,
  proposal BLOB NOT NULL,            -- serialized poc.v1.ObserverProposal
  status INTEGER NOT NULL,           -- poc.v1.ObserverStatus
  decided_at_ms INTEGER NOT NULL,    -- 0 while PENDING
  audit_index INTEGER NOT NULL       -- the OBSERVER_PROPOSED leaf
);
CREATE TABLE IF NOT EXISTS observer_objections(
  proposal_id TEXT NOT NULL,
  state TEXT NOT NULL,
  objection BLOB NOT NULL,           -- serialized poc.v1.Signed ObserverObjection
  received_at_ms INTEGER NOT NULL,
  audit_index INTEGER NOT NULL,      -- the OBSERVER_OBJECTED leaf
  PRIMARY KEY(proposal_id, state)
);
-- The directory the relay last recorded in the audit log (one row).
CREATE TABLE IF NOT EXISTS served_directory(
  one INTEGER PRIMARY KEY CHECK (one = 1),
  version INTEGER NOT NULL,
  hash BLOB NOT NULL,
  audit_index INTEGER NOT NULL
);
-- The Secretariat's directory file behind the served directory (one row). A store from before
-- key announcements has none: its served_directory row was the file's.
CREATE TABLE IF NOT EXISTS directory_file(
  one INTEGER PRIMARY KEY CHECK (one = 1),
  version INTEGER NOT NULL,
  hash BLOB NOT NULL
);
-- Key announcements the relay accepted, in order (README, "Rotating a signing key").
CREATE TABLE IF NOT EXISTS key_announcements(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  key_id TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  previous_key_id TEXT NOT NULL,
  announcement BLOB NOT NULL,
  hash BLOB NOT NULL,
  received_at_ms INTEGER NOT NULL,
  audit_index INTEGER NOT NULL
);
)sql";

// Reads observer records over either connection; `id` empty reads them all, oldest first.
absl::StatusOr<std::vector<v1::ObserverRecord>> ReadObserverRecords(SqliteDatabase& db,
                                                                    const std::string& id) {
  ASSIGN_OR_RETURN(
      SqliteStatement st,
      db.Prepare(id.empty() ? "SELECT id, proposal, status, decided_at_ms, audit_index "
                              "FROM observer_proposals ORDER BY audit_index"
                            : "SELECT id, proposal, status, decided_at_ms, audit_index "
                              "FROM observer_proposals WHERE id = ?"));
  if (!id.empty()) {
    st.Bind(1, id);
  }
  ASSIGN_OR_RETURN(SqliteStatement objections,
                   db.Prepare("SELECT objection FROM observer_objections WHERE proposal_id = ? "
                              "ORDER BY audit_index"));
  std::vector<v1::ObserverRecord> records;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      break;
    }
    v1::ObserverRecord r;
    if (!r.mutable_proposal()->ParseFromString(st.ColumnBlob(1))) {
      return absl::DataLossError("observer proposal " + st.ColumnText(0) + " is damaged");
    }
    r.set_status(static_cast<v1::ObserverStatus>(st.ColumnInt(2)));
    if (st.ColumnInt(3) != 0) {
      *r.mutable_decided_at() = ToProto(absl::FromUnixMillis(st.ColumnInt(3)));
    }
    r.set_audit_index(static_cast<uint64_t>(st.ColumnInt(4)));
    objections.Bind(1, r.proposal().id());
    while (true) {
      ASSIGN_OR_RETURN(bool more, objections.Step());
      if (!more) {
        break;
      }
      if (!r.add_objections()->ParseFromString(objections.ColumnBlob(0))) {
        return absl::DataLossError("an objection to observer proposal " + r.proposal().id() +
                                   " is damaged");
      }
    }
    objections.Reset();
    records.push_back(std::move(r));
  }
  return records;
}

v1::AuditEvent ObserverEvent(v1::AuditEventType type, const v1::ObserverProposal& p,
                             absl::Time relay_time) {
  v1::AuditEvent event;
  event.set_type(type);
  *event.mutable_relay_time() = ToProto(relay_time);
  event.set_observer_proposal_id(p.id());
  event.set_observer_slug(p.slug());
  return event;
}

// Keeps a result value alive from the op (writer thread, inside the transaction) to `done`.

}  // namespace

template <typename T>
std::function<void(const absl::Status&)> SqliteRelayStore::Answer(
    std::shared_ptr<T> out, std::function<void(absl::StatusOr<T>)> done) {
  return [this, out = std::move(out), done = std::move(done)](const absl::Status& s) {
    audit_size_.store(leaves_->size());
    if (s.ok()) {
      done(std::move(*out));
    } else {
      done(s);
    }
  };
}

absl::StatusOr<std::unique_ptr<SqliteRelayStore>> SqliteRelayStore::Open(
    const std::string& path, int max_batch, int64_t max_queued_per_state) {
  ASSIGN_OR_RETURN(auto writer, SqliteDatabase::Open(path));
  RETURN_IF_ERROR(writer->CheckIntegrity());
  RETURN_IF_ERROR(writer->Exec(kRelaySchema));
  ASSIGN_OR_RETURN(auto leaves, AuditLeafWriter::Open(writer.get()));
  ASSIGN_OR_RETURN(auto reader, SqliteDatabase::Open(path));
  std::unique_ptr<SqliteRelayStore> store(new SqliteRelayStore(
      std::move(writer), std::move(leaves), std::move(reader), max_queued_per_state));
  SqliteRelayStore* raw = store.get();
  RETURN_IF_ERROR(raw->CountQueuedDeliveries(*raw->writer_));
  store->committer_ = std::make_unique<GroupCommitter>(raw->writer_.get(), max_batch, [raw] {
    // A lost batch: the in-memory tree and queue counts ran ahead of the disk; read them back.
    if (absl::Status r = raw->leaves_->Reload(); !r.ok()) {
      spdlog::critical("audit log unreadable after a failed commit: {}", r.ToString());
    }
    if (absl::Status r = raw->CountQueuedDeliveries(*raw->writer_); !r.ok()) {
      spdlog::critical("queue unreadable after a failed commit: {}", r.ToString());
    }
  });
  return store;
}

SqliteRelayStore::SqliteRelayStore(std::unique_ptr<SqliteDatabase> writer,
                                   std::unique_ptr<AuditLeafWriter> leaves,
                                   std::unique_ptr<SqliteDatabase> reader,
                                   int64_t max_queued_per_state)
    : writer_(std::move(writer)),
      leaves_(std::move(leaves)),
      reader_(std::move(reader)),
      reader_hashes_(reader_.get()),
      audit_size_(leaves_->size()),
      max_queued_per_state_(max_queued_per_state) {}

absl::Status SqliteRelayStore::CountQueuedDeliveries(SqliteDatabase& db) {
  ASSIGN_OR_RETURN(SqliteStatement count,
                   db.Prepare("SELECT state, COUNT(*) FROM queue WHERE kind = 1 GROUP BY state"));
  queued_deliveries_.clear();
  while (true) {
    ASSIGN_OR_RETURN(bool row, count.Step());
    if (!row) {
      return absl::OkStatus();
    }
    queued_deliveries_[count.ColumnText(0)] = count.ColumnInt(1);
  }
}

absl::Status SqliteRelayStore::CheckQueueRoom(const std::vector<std::string>& recipients) const {
  if (max_queued_per_state_ <= 0) {
    return absl::OkStatus();
  }
  std::string full;
  for (const std::string& r : recipients) {
    auto it = queued_deliveries_.find(r);
    if (it != queued_deliveries_.end() && it->second >= max_queued_per_state_) {
      full += (full.empty() ? "" : ", ") + r;
    }
  }
  if (full.empty()) {
    return absl::OkStatus();
  }
  return absl::ResourceExhaustedError(
      "recipients: the relay already holds " + std::to_string(max_queued_per_state_) +
      " undelivered messages for " + full +
      ", its limit per recipient State; nothing was stored: retry once that node has collected "
      "its messages (pocd retries by itself)");
}

SqliteRelayStore::~SqliteRelayStore() { Shutdown(); }

void SqliteRelayStore::Shutdown() {
  if (committer_) {
    committer_->Stop();
  }
}

void SqliteRelayStore::Write(WriteOp op, std::function<void(absl::Status)> done) {
  committer_->Enqueue(
      [this, op = std::move(op)](SqliteDatabase& db) -> absl::Status { return op(db, *leaves_); },
      [this, done = std::move(done)](absl::Status s) {
        audit_size_.store(leaves_->size());
        done(std::move(s));
      });
}

absl::Status SqliteRelayStore::Read(const std::function<absl::Status(SqliteDatabase& db)>& read) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  return read(*reader_);
}

void SqliteRelayStore::Submit(NewMessage m, ReceiptMaker make_receipt,
                              std::function<void(absl::StatusOr<SubmitOutcome>)> done) {
  auto out = std::make_shared<SubmitOutcome>();
  auto msg = std::make_shared<NewMessage>(std::move(m));
  committer_->Enqueue(
      [this, out, msg, make_receipt = std::move(make_receipt)](SqliteDatabase& db) -> absl::Status {
        ASSIGN_OR_RETURN(const bool resubmitted, FindResubmission(db, *msg, out.get()));
        if (resubmitted) {
          return absl::OkStatus();
        }
        RETURN_IF_ERROR(CheckQueueRoom(msg->recipients));
        std::vector<QueueItem> queued;
        RETURN_IF_ERROR(QueueMessage(db, msg->id, msg->recipients, &queued));
        v1::AuditEvent event;
        switch (msg->kind) {
          case v1::MESSAGE_TYPE_ACKNOWLEDGEMENT:
            event.set_type(v1::AUDIT_EVENT_ACKNOWLEDGED);
            break;
          case v1::MESSAGE_TYPE_RESPONSE:
            event.set_type(v1::AUDIT_EVENT_RESPONDED);
            break;
          default:
            event.set_type(v1::AUDIT_EVENT_SUBMITTED);
            break;
        }
        *event.mutable_relay_time() = ToProto(msg->relay_time);
        event.set_message_id(msg->id);
        event.set_message_hash(msg->hash);
        event.set_sender(msg->sender);
        for (const auto& r : msg->recipients) {
          event.add_recipients(r);
        }
        const bool expanded = std::any_of(
            msg->addressed_to.begin(), msg->addressed_to.end(),
            [](const std::string& a) { return a == "all" || a.rfind("group:", 0) == 0; });
        if (expanded) {
          for (const auto& a : msg->addressed_to) {
            event.add_addressed_to(a);
          }
        }
        event.set_in_reply_to(msg->in_reply_to);
        // The leaf goes last: once it is appended nothing else in this op can fail.
        const uint64_t index = leaves_->size();
        out->receipt = make_receipt(index);
        RETURN_IF_ERROR(InsertMessage(db, {msg->id, msg->hash, msg->sender, msg->envelope,
                                           msg->relay_time, index, out->receipt}));
        ASSIGN_OR_RETURN(uint64_t appended, leaves_->Append(event));
        (void)appended;
        for (const std::string& r : msg->recipients) {
          ++queued_deliveries_[r];
        }
        out->recipients = msg->recipients;
        for (QueueItem& item : queued) {
          item.payload = msg->envelope;
        }
        out->queued = std::move(queued);
        return absl::OkStatus();
      },
      Answer(out, std::move(done)));
}

void SqliteRelayStore::RecordDelivery(DeliveryRecord r,
                                      std::function<void(absl::StatusOr<DeliveryOutcome>)> done) {
  auto out = std::make_shared<DeliveryOutcome>();
  auto rec = std::make_shared<DeliveryRecord>(std::move(r));
  committer_->Enqueue(
      [this, out, rec](SqliteDatabase& db) -> absl::Status {
        ASSIGN_OR_RETURN(SqliteStatement del,
                         db.Prepare("DELETE FROM queue WHERE seq = ? AND state = ? AND kind = 1 "
                                    "AND message_id = ?"));
        RETURN_IF_ERROR(del.Bind(1, static_cast<int64_t>(rec->seq))
                            .Bind(2, rec->state)
                            .Bind(3, rec->message_id)
                            .Run());
        if (db.Changes() == 0) {
          return absl::OkStatus();  // answered before: nothing to do
        }
        ASSIGN_OR_RETURN(SqliteStatement sender,
                         db.Prepare("SELECT sender, hash FROM messages WHERE id = ?"));
        sender.Bind(1, rec->message_id);
        ASSIGN_OR_RETURN(bool found, sender.Step());
        if (!found) {
          return absl::InternalError("queued message " + rec->message_id + " is missing");
        }
        out->sender = sender.ColumnText(0);
        // An exercise ping's receipt goes to no node: the relay, which sent it, keeps it.
        const bool to_node = out->sender != kSecretariatAddress;
        v1::AuditEvent event;
        event.set_type(v1::AUDIT_EVENT_DELIVERED);
        *event.mutable_relay_time() = ToProto(rec->relay_time);
        event.set_message_id(rec->message_id);
        event.set_message_hash(sender.ColumnBlob(1));
        event.set_sender(out->sender);
        event.set_state(rec->state);
        event.set_receipt_hash(rec->receipt_hash);
        std::optional<QueueItem> notice;
        if (to_node) {
          ASSIGN_OR_RETURN(notice,
                           QueueReceiptNotice(db, out->sender, rec->message_id, rec->receipt));
        }
        ASSIGN_OR_RETURN(SqliteStatement upd,
                         db.Prepare("UPDATE deliveries SET delivered_at_ms = ?, receipt = ?, "
                                    "audit_index = ? WHERE message_id = ? AND state = ?"));
        RETURN_IF_ERROR(upd.Bind(1, absl::ToUnixMillis(rec->relay_time))
                            .BindBlob(2, rec->receipt)
                            .Bind(3, static_cast<int64_t>(leaves_->size()))
                            .Bind(4, rec->message_id)
                            .Bind(5, rec->state)
                            .Run());
        ASSIGN_OR_RETURN(uint64_t index, leaves_->Append(event));
        (void)index;
        --queued_deliveries_[rec->state];
        if (notice.has_value()) {
          out->queued.push_back(*std::move(notice));
        }
        return absl::OkStatus();
      },
      Answer(out, std::move(done)));
}

void SqliteRelayStore::RecordRefusal(std::string state, uint64_t seq, std::string reason,
                                     absl::Time relay_time,
                                     std::function<void(absl::Status)> done) {
  committer_->Enqueue(
      [this, state, seq, reason, relay_time](SqliteDatabase& db) -> absl::Status {
        ASSIGN_OR_RETURN(SqliteStatement find,
                         db.Prepare("SELECT q.message_id, m.hash, m.sender FROM queue q JOIN "
                                    "messages m ON m.id = q.message_id "
                                    "WHERE q.seq = ? AND q.state = ? AND q.kind = 1"));
        find.Bind(1, static_cast<int64_t>(seq)).Bind(2, state);
        ASSIGN_OR_RETURN(bool found, find.Step());
        if (!found) {
          return absl::OkStatus();
        }
        v1::AuditEvent event;
        event.set_type(v1::AUDIT_EVENT_DELIVERY_REFUSED);
        *event.mutable_relay_time() = ToProto(relay_time);
        event.set_message_id(find.ColumnText(0));
        event.set_message_hash(find.ColumnBlob(1));
        event.set_sender(find.ColumnText(2));
        event.set_state(state);
        event.set_reason(reason);
        ASSIGN_OR_RETURN(SqliteStatement del, db.Prepare("DELETE FROM queue WHERE seq = ?"));
        RETURN_IF_ERROR(del.Bind(1, static_cast<int64_t>(seq)).Run());
        ASSIGN_OR_RETURN(SqliteStatement upd, db.Prepare("UPDATE deliveries SET refused_reason = ? "
                                                         "WHERE message_id = ? AND state = ?"));
        RETURN_IF_ERROR(upd.Bind(1, reason).Bind(2, event.message_id()).Bind(3, state).Run());
        ASSIGN_OR_RETURN(uint64_t index, leaves_->Append(event));
        (void)index;
        --queued_deliveries_[state];
        return absl::OkStatus();
      },
      [this, done = std::move(done)](absl::Status s) {
        audit_size_.store(leaves_->size());
        done(std::move(s));
      });
}

void SqliteRelayStore::RecordNoticeAck(std::string state, uint64_t seq,
                                       std::function<void(absl::Status)> done) {
  committer_->Enqueue(
      [state, seq](SqliteDatabase& db) -> absl::Status {
        ASSIGN_OR_RETURN(SqliteStatement del,
                         db.Prepare("DELETE FROM queue WHERE seq = ? AND state = ? AND kind = 2"));
        return del.Bind(1, static_cast<int64_t>(seq)).Bind(2, state).Run();
      },
      std::move(done));
}

absl::StatusOr<bool> SqliteRelayStore::PrepareDirectoryInCommit(SqliteDatabase& db,
                                                                const DirectoryRecord& d,
                                                                uint64_t leaf_index) {
  ASSIGN_OR_RETURN(SqliteStatement last,
                   db.Prepare("SELECT version, hash FROM served_directory WHERE one = 1"));
  ASSIGN_OR_RETURN(bool found, last.Step());
  ASSIGN_OR_RETURN(SqliteStatement file,
                   db.Prepare("SELECT version, hash FROM directory_file WHERE one = 1"));
  ASSIGN_OR_RETURN(bool file_found, file.Step());
  uint64_t last_version = 0;
  std::string last_hash;
  if (found) {
    last_version = static_cast<uint64_t>(last.ColumnInt(0));
    last_hash = last.ColumnBlob(1);
  }
  // Before key announcements the served directory was the file.
  const bool have_file = file_found || found;
  const uint64_t file_version =
      file_found ? static_cast<uint64_t>(file.ColumnInt(0)) : last_version;
  const std::string file_hash = file_found ? file.ColumnBlob(1) : last_hash;
  if (have_file) {
    if (d.file_version < file_version) {
      return absl::FailedPreconditionError(
          "version " + std::to_string(d.file_version) + " is older than version " +
          std::to_string(file_version) + ", which the relay already served; raise version");
    }
    if (d.file_version == file_version && d.file_hash != file_hash) {
      return absl::FailedPreconditionError(
          "the content changed but version is still " + std::to_string(d.file_version) +
          ", which the relay already served with other content; raise version");
    }
  }
  const bool changed = !found || last_version != d.version || last_hash != d.hash;
  if (changed && found) {
    if (d.version < last_version) {
      return absl::FailedPreconditionError(
          "published version " + std::to_string(d.version) + " is older than version " +
          std::to_string(last_version) + ", which the relay already served");
    }
    if (d.version == last_version) {
      return absl::FailedPreconditionError("published version " + std::to_string(d.version) +
                                           " was already served with other content");
    }
  }
  ASSIGN_OR_RETURN(SqliteStatement save_file,
                   db.Prepare("INSERT OR REPLACE INTO directory_file(one, version, hash) "
                              "VALUES(1, ?, ?)"));
  RETURN_IF_ERROR(
      save_file.Bind(1, static_cast<int64_t>(d.file_version)).BindBlob(2, d.file_hash).Run());
  if (!changed) {
    return false;
  }
  ASSIGN_OR_RETURN(SqliteStatement save,
                   db.Prepare("INSERT OR REPLACE INTO served_directory(one, version, hash, "
                              "audit_index) VALUES(1, ?, ?, ?)"));
  RETURN_IF_ERROR(save.Bind(1, static_cast<int64_t>(d.version))
                      .BindBlob(2, d.hash)
                      .Bind(3, static_cast<int64_t>(leaf_index))
                      .Run());
  return true;
}

namespace {

v1::AuditEvent DirectoryLoadedEvent(const DirectoryRecord& d, absl::Time relay_time) {
  v1::AuditEvent event;
  event.set_type(v1::AUDIT_EVENT_DIRECTORY_LOADED);
  *event.mutable_relay_time() = ToProto(relay_time);
  event.set_directory_version(d.version);
  event.set_directory_hash(d.hash);
  return event;
}

}  // namespace

void SqliteRelayStore::RecordDirectory(DirectoryRecord directory, absl::Time relay_time,
                                       std::function<void(absl::StatusOr<bool>)> done) {
  auto appended = std::make_shared<bool>();
  committer_->Enqueue(
      [this, directory = std::move(directory), relay_time,
       appended](SqliteDatabase& db) -> absl::Status {
        ASSIGN_OR_RETURN(bool changed, PrepareDirectoryInCommit(db, directory, leaves_->size()));
        if (!changed) {
          return absl::OkStatus();
        }
        // The leaf goes last: once it is appended nothing else in this op can fail.
        RETURN_IF_ERROR(leaves_->Append(DirectoryLoadedEvent(directory, relay_time)).status());
        *appended = true;
        return absl::OkStatus();
      },
      Answer(appended, std::move(done)));
}

absl::StatusOr<std::optional<DirectoryRecord>> SqliteRelayStore::LastDirectory() {
  std::lock_guard<std::mutex> lock(reader_mu_);
  ASSIGN_OR_RETURN(SqliteStatement last,
                   reader_->Prepare("SELECT version, hash FROM served_directory WHERE one = 1"));
  ASSIGN_OR_RETURN(bool found, last.Step());
  if (!found) {
    return std::nullopt;
  }
  DirectoryRecord d;
  d.version = static_cast<uint64_t>(last.ColumnInt(0));
  d.hash = last.ColumnBlob(1);
  d.file_version = d.version;
  d.file_hash = d.hash;
  ASSIGN_OR_RETURN(SqliteStatement file,
                   reader_->Prepare("SELECT version, hash FROM directory_file WHERE one = 1"));
  ASSIGN_OR_RETURN(bool file_found, file.Step());
  if (file_found) {
    d.file_version = static_cast<uint64_t>(file.ColumnInt(0));
    d.file_hash = file.ColumnBlob(1);
  }
  return d;
}

void SqliteRelayStore::RecordKeyAnnouncement(
    KeyAnnouncementRecord announcement, DirectoryRecord directory, absl::Time relay_time,
    std::function<void(absl::StatusOr<KeyAnnouncementRecord>)> done) {
  auto out = std::make_shared<KeyAnnouncementRecord>(std::move(announcement));
  committer_->Enqueue(
      [this, out, directory = std::move(directory),
       relay_time](SqliteDatabase& db) -> absl::Status {
        KeyAnnouncementRecord& a = *out;
        ASSIGN_OR_RETURN(SqliteStatement find,
                         db.Prepare("SELECT state FROM key_announcements WHERE key_id = ?"));
        find.Bind(1, a.key_id);
        ASSIGN_OR_RETURN(bool exists, find.Step());
        if (exists) {
          return absl::AlreadyExistsError("key " + a.key_id + " was already announced by " +
                                          find.ColumnText(0));
        }
        a.audit_index = leaves_->size();
        ASSIGN_OR_RETURN(SqliteStatement insert,
                         db.Prepare("INSERT INTO key_announcements(key_id, state, previous_key_id, "
                                    "announcement, hash, received_at_ms, audit_index) "
                                    "VALUES(?, ?, ?, ?, ?, ?, ?)"));
        RETURN_IF_ERROR(insert.Bind(1, a.key_id)
                            .Bind(2, a.state)
                            .Bind(3, a.previous_key_id)
                            .BindBlob(4, a.announcement)
                            .BindBlob(5, a.hash)
                            .Bind(6, absl::ToUnixMillis(relay_time))
                            .Bind(7, static_cast<int64_t>(a.audit_index))
                            .Run());
        ASSIGN_OR_RETURN(bool changed, PrepareDirectoryInCommit(db, directory, a.audit_index + 1));
        // The leaves go last: once they are appended nothing else in this op can fail.
        v1::AuditEvent event;
        event.set_type(v1::AUDIT_EVENT_KEY_ANNOUNCED);
        *event.mutable_relay_time() = ToProto(relay_time);
        event.set_state(a.state);
        event.set_sender(a.state);
        event.set_message_hash(a.hash);
        event.set_key_id(a.key_id);
        event.set_previous_key_id(a.previous_key_id);
        RETURN_IF_ERROR(leaves_->Append(event).status());
        if (changed) {
          RETURN_IF_ERROR(leaves_->Append(DirectoryLoadedEvent(directory, relay_time)).status());
        }
        return absl::OkStatus();
      },
      Answer(out, std::move(done)));
}

void SqliteRelayStore::ProposeObserver(
    v1::ObserverProposal p, std::function<void(absl::StatusOr<v1::ObserverRecord>)> done) {
  auto out = std::make_shared<v1::ObserverRecord>();
  auto proposal = std::make_shared<v1::ObserverProposal>(std::move(p));
  committer_->Enqueue(
      [this, out, proposal](SqliteDatabase& db) -> absl::Status {
        ASSIGN_OR_RETURN(std::vector<v1::ObserverRecord> records, ReadObserverRecords(db, ""));
        RETURN_IF_ERROR(CheckNoOpenProposal(records, proposal->slug()));
        const std::string bytes = proposal->SerializeAsString();
        const uint64_t index = leaves_->size();
        ASSIGN_OR_RETURN(SqliteStatement ins,
                         db.Prepare("INSERT INTO observer_proposals(id, slug, proposal, status, "
                                    "decided_at_ms, audit_index) VALUES(?, ?, ?, ?, 0, ?)"));
        RETURN_IF_ERROR(ins.Bind(1, proposal->id())
                            .Bind(2, proposal->slug())
                            .BindBlob(3, bytes)
                            .Bind(4, static_cast<int64_t>(v1::OBSERVER_STATUS_PENDING))
                            .Bind(5, static_cast<int64_t>(index))
                            .Run());
        v1::AuditEvent event = ObserverEvent(v1::AUDIT_EVENT_OBSERVER_PROPOSED, *proposal,
                                             FromProto(proposal->proposed_at()));
        event.set_sender("secretariat");
        *event.mutable_silence_ends_at() = proposal->silence_ends_at();
        event.set_observer_statement_hash(Sha256(bytes));
        // The leaf goes last: once it is appended nothing else in this op can fail.
        RETURN_IF_ERROR(leaves_->Append(event).status());
        *out->mutable_proposal() = *proposal;
        out->set_status(v1::OBSERVER_STATUS_PENDING);
        out->set_audit_index(index);
        return absl::OkStatus();
      },
      Answer(out, std::move(done)));
}

void SqliteRelayStore::ObjectToObserver(
    std::string proposal_id, std::string state, v1::Signed objection, absl::Time relay_time,
    std::function<void(absl::StatusOr<ObjectionOutcome>)> done) {
  auto out = std::make_shared<ObjectionOutcome>();
  auto signed_objection = std::make_shared<v1::Signed>(std::move(objection));
  committer_->Enqueue(
      [this, out, proposal_id, state, signed_objection,
       relay_time](SqliteDatabase& db) -> absl::Status {
        ASSIGN_OR_RETURN(std::vector<v1::ObserverRecord> found,
                         ReadObserverRecords(db, proposal_id));
        if (found.empty()) {
          return absl::NotFoundError("no observer proposal has id " + proposal_id +
                                     "; `pocctl observer list` shows them");
        }
        v1::ObserverRecord& record = found.front();
        ASSIGN_OR_RETURN(ObjectionEffect effect, JudgeObjection(record, state, relay_time));
        if (effect == ObjectionEffect::kDuplicate) {
          out->duplicate = true;
          out->record = std::move(record);
          return absl::OkStatus();
        }
        ASSIGN_OR_RETURN(SqliteStatement ins,
                         db.Prepare("INSERT INTO observer_objections(proposal_id, state, "
                                    "objection, received_at_ms, audit_index) "
                                    "VALUES(?, ?, ?, ?, ?)"));
        RETURN_IF_ERROR(ins.Bind(1, proposal_id)
                            .Bind(2, state)
                            .BindBlob(3, signed_objection->SerializeAsString())
                            .Bind(4, absl::ToUnixMillis(relay_time))
                            .Bind(5, static_cast<int64_t>(leaves_->size()))
                            .Run());
        if (effect == ObjectionEffect::kRecordAndReject) {
          ASSIGN_OR_RETURN(SqliteStatement upd,
                           db.Prepare("UPDATE observer_proposals SET status = ?, "
                                      "decided_at_ms = ? WHERE id = ?"));
          RETURN_IF_ERROR(upd.Bind(1, static_cast<int64_t>(v1::OBSERVER_STATUS_REJECTED))
                              .Bind(2, absl::ToUnixMillis(relay_time))
                              .Bind(3, proposal_id)
                              .Run());
          record.set_status(v1::OBSERVER_STATUS_REJECTED);
          *record.mutable_decided_at() = ToProto(relay_time);
        }
        *record.add_objections() = *signed_objection;
        // The leaves go last.
        v1::AuditEvent objected =
            ObserverEvent(v1::AUDIT_EVENT_OBSERVER_OBJECTED, record.proposal(), relay_time);
        objected.set_state(state);
        objected.set_observer_statement_hash(Sha256(signed_objection->body()));
        RETURN_IF_ERROR(leaves_->Append(objected).status());
        if (effect == ObjectionEffect::kRecordAndReject) {
          v1::AuditEvent rejected =
              ObserverEvent(v1::AUDIT_EVENT_OBSERVER_REJECTED, record.proposal(), relay_time);
          rejected.set_state(state);
          RETURN_IF_ERROR(leaves_->Append(rejected).status());
        }
        out->record = std::move(record);
        return absl::OkStatus();
      },
      Answer(out, std::move(done)));
}

void SqliteRelayStore::DecideObservers(
    absl::Time now, std::function<void(absl::StatusOr<std::vector<v1::ObserverRecord>>)> done) {
  auto out = std::make_shared<std::vector<v1::ObserverRecord>>();
  committer_->Enqueue(
      [this, out, now](SqliteDatabase& db) -> absl::Status {
        ASSIGN_OR_RETURN(std::vector<v1::ObserverRecord> records, ReadObserverRecords(db, ""));
        ASSIGN_OR_RETURN(SqliteStatement upd,
                         db.Prepare("UPDATE observer_proposals SET status = ?, "
                                    "decided_at_ms = ? WHERE id = ?"));
        for (v1::ObserverRecord& r : records) {
          if (!DueForAccreditation(r, now)) {
            continue;
          }
          RETURN_IF_ERROR(upd.Bind(1, static_cast<int64_t>(v1::OBSERVER_STATUS_ACCREDITED))
                              .Bind(2, absl::ToUnixMillis(now))
                              .Bind(3, r.proposal().id())
                              .Run());
          RETURN_IF_ERROR(
              leaves_->Append(ObserverEvent(v1::AUDIT_EVENT_OBSERVER_ACCREDITED, r.proposal(), now))
                  .status());
          r.set_status(v1::OBSERVER_STATUS_ACCREDITED);
          *r.mutable_decided_at() = ToProto(now);
          out->push_back(std::move(r));
        }
        return absl::OkStatus();
      },
      Answer(out, std::move(done)));
}

absl::StatusOr<std::vector<KeyAnnouncementRecord>> SqliteRelayStore::KeyAnnouncements() {
  std::lock_guard<std::mutex> lock(reader_mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   reader_->Prepare("SELECT state, key_id, previous_key_id, announcement, hash, "
                                    "audit_index FROM key_announcements ORDER BY seq"));
  std::vector<KeyAnnouncementRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      break;
    }
    KeyAnnouncementRecord a;
    a.state = st.ColumnText(0);
    a.key_id = st.ColumnText(1);
    a.previous_key_id = st.ColumnText(2);
    a.announcement = st.ColumnBlob(3);
    a.hash = st.ColumnBlob(4);
    a.audit_index = static_cast<uint64_t>(st.ColumnInt(5));
    out.push_back(std::move(a));
  }
  return out;
}

absl::StatusOr<std::vector<v1::ObserverRecord>> SqliteRelayStore::ObserverRecords() {
  std::lock_guard<std::mutex> lock(reader_mu_);
  return ReadObserverRecords(*reader_, "");
}

absl::StatusOr<std::vector<QueueItem>> SqliteRelayStore::FetchQueue(const std::string& state,
                                                                    uint64_t after_seq, int limit) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   reader_->Prepare("SELECT q.seq, q.kind, q.message_id, "
                                    "CASE q.kind WHEN 1 THEN m.envelope ELSE q.payload END "
                                    "FROM queue q LEFT JOIN messages m ON m.id = q.message_id "
                                    "WHERE q.state = ? AND q.seq > ? ORDER BY q.seq LIMIT ?"));
  st.Bind(1, state).Bind(2, static_cast<int64_t>(after_seq)).Bind(3, static_cast<int64_t>(limit));
  std::vector<QueueItem> items;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      break;
    }
    QueueItem item;
    item.seq = static_cast<uint64_t>(st.ColumnInt(0));
    item.kind = static_cast<QueueItem::Kind>(st.ColumnInt(1));
    item.message_id = st.ColumnText(2);
    item.payload = st.ColumnBlob(3);
    items.push_back(std::move(item));
  }
  return items;
}

absl::StatusOr<uint64_t> SqliteRelayStore::QueuedCount(const std::string& state) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   reader_->Prepare("SELECT COUNT(*) FROM queue WHERE state = ?"));
  st.Bind(1, state);
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? static_cast<uint64_t>(st.ColumnInt(0)) : 0;
}

}  // namespace poc

namespace poc {

absl::StatusOr<merkle::MerkleTree> SqliteRelayStore::ReaderTreeLocked() {
  return merkle::MerkleTree::Open(&reader_hashes_);
}

absl::StatusOr<std::string> SqliteRelayStore::RootAt(uint64_t size) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  ASSIGN_OR_RETURN(merkle::MerkleTree tree, ReaderTreeLocked());
  return tree.RootAt(size);
}

absl::StatusOr<std::vector<std::string>> SqliteRelayStore::InclusionProof(uint64_t index,
                                                                          uint64_t size) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  ASSIGN_OR_RETURN(merkle::MerkleTree tree, ReaderTreeLocked());
  return tree.InclusionProof(index, size);
}

absl::StatusOr<std::vector<std::string>> SqliteRelayStore::ConsistencyProof(uint64_t size1,
                                                                            uint64_t size2) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  ASSIGN_OR_RETURN(merkle::MerkleTree tree, ReaderTreeLocked());
  return tree.ConsistencyProof(size1, size2);
}

absl::StatusOr<std::vector<std::string>> SqliteRelayStore::Entries(uint64_t start, uint64_t count) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   reader_->Prepare("SELECT idx, data FROM audit_leaves WHERE idx >= ? AND "
                                    "idx < ? ORDER BY idx"));
  st.Bind(1, static_cast<int64_t>(start)).Bind(2, static_cast<int64_t>(start + count));
  std::vector<std::string> out;
  out.reserve(count);
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      break;
    }
    if (static_cast<uint64_t>(st.ColumnInt(0)) != start + out.size()) {
      return absl::DataLossError("audit leaf " + std::to_string(start + out.size()) +
                                 " is missing from the store");
    }
    out.push_back(st.ColumnBlob(1));
  }
  if (out.size() != count) {
    return absl::NotFoundError("the audit log has no entries " + std::to_string(start) + ".." +
                               std::to_string(start + count - 1) + " yet");
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> SqliteRelayStore::NodeHashes(int level, uint64_t index,
                                                                      uint64_t count) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  std::vector<merkle::NodeId> ids;
  ids.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    ids.push_back(merkle::NodeId{level, index + i});
  }
  return reader_hashes_.Read(ids);
}

absl::StatusOr<std::vector<uint64_t>> SqliteRelayStore::LeafIndexesOf(
    const std::string& message_id) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   reader_->Prepare("SELECT idx FROM audit_leaves WHERE message_id = ? "
                                    "ORDER BY idx"));
  st.Bind(1, message_id);
  std::vector<uint64_t> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      break;
    }
    out.push_back(static_cast<uint64_t>(st.ColumnInt(0)));
  }
  return out;
}

absl::StatusOr<std::optional<RelayStore::StoredCheckpoint>> SqliteRelayStore::LatestCheckpoint() {
  std::lock_guard<std::mutex> lock(reader_mu_);
  ASSIGN_OR_RETURN(
      SqliteStatement st,
      reader_->Prepare("SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    return std::optional<StoredCheckpoint>();
  }
  return std::optional<StoredCheckpoint>(
      StoredCheckpoint{static_cast<uint64_t>(st.ColumnInt(0)), st.ColumnText(1)});
}

absl::Status SqliteRelayStore::SaveCheckpoint(uint64_t size, const std::string& note,
                                              absl::Time at) {
  std::promise<absl::Status> result;
  committer_->Enqueue(
      [size, note, at](SqliteDatabase& db) -> absl::Status {
        ASSIGN_OR_RETURN(SqliteStatement st,
                         db.Prepare("INSERT INTO checkpoints(size, note, signed_at_ms) "
                                    "VALUES(?, ?, ?)"));
        return st.Bind(1, static_cast<int64_t>(size))
            .Bind(2, note)
            .Bind(3, absl::ToUnixMillis(at))
            .Run();
      },
      [&result](const absl::Status& s) { result.set_value(s); });
  return result.get_future().get();
}

absl::StatusOr<std::optional<std::string>> SqliteRelayStore::CheckpointAt(uint64_t size) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   reader_->Prepare("SELECT note FROM checkpoints WHERE size = ?"));
  st.Bind(1, static_cast<int64_t>(size));
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(st.ColumnText(0));
}

absl::Status SqliteRelayStore::SaveCosignature(const std::string& state, uint64_t size,
                                               const std::string& line, absl::Time at) {
  std::promise<absl::Status> result;
  committer_->Enqueue(
      [state, size, line, at](SqliteDatabase& db) -> absl::Status {
        ASSIGN_OR_RETURN(SqliteStatement st,
                         db.Prepare("INSERT OR REPLACE INTO cosignatures(state, size, line, "
                                    "received_at_ms) VALUES(?, ?, ?, ?)"));
        return st.Bind(1, state)
            .Bind(2, static_cast<int64_t>(size))
            .Bind(3, line)
            .Bind(4, absl::ToUnixMillis(at))
            .Run();
      },
      [&result](const absl::Status& s) { result.set_value(s); });
  return result.get_future().get();
}

absl::StatusOr<std::vector<std::string>> SqliteRelayStore::CosignaturesAt(uint64_t size) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   reader_->Prepare("SELECT line FROM cosignatures WHERE size = ? ORDER BY state"));
  st.Bind(1, static_cast<int64_t>(size));
  std::vector<std::string> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      break;
    }
    out.push_back(st.ColumnText(0));
  }
  return out;
}

}  // namespace poc
