#include "client/pocd/node_store.h"

#include <map>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/crypto/sha256.h"
#include "common/status_macros.h"
#include "common/util/time_format.h"

namespace poc {
namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS messages(
  id TEXT PRIMARY KEY,
  outgoing INTEGER NOT NULL,      -- 1: we sent it; 0: we received it
  envelope BLOB NOT NULL,
  hash BLOB NOT NULL,
  sender TEXT NOT NULL,
  recipients TEXT NOT NULL,       -- as the sender wrote them, comma-separated
  kind INTEGER NOT NULL,
  urgency INTEGER NOT NULL,
  subject TEXT NOT NULL,
  drill INTEGER NOT NULL,
  in_reply_to TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  received_at_ms INTEGER,         -- incoming: when stored here
  acknowledged_at_ms INTEGER,     -- incoming: when our operator acknowledged it
  ack_id TEXT,
  delivery_receipt BLOB,          -- incoming: the receipt we signed
  state INTEGER,                  -- outgoing: poc.v1.OutboxState
  audit_index INTEGER,
  submit_receipt BLOB,
  delivered_recipients TEXT,      -- outgoing: States the relay delivers to
  error TEXT
);
CREATE INDEX IF NOT EXISTS messages_by_reply ON messages(in_reply_to);
CREATE TABLE IF NOT EXISTS receipts(
  message_id TEXT NOT NULL,
  recipient TEXT NOT NULL,
  stored_at_ms INTEGER NOT NULL,
  receipt BLOB NOT NULL,
  PRIMARY KEY(message_id, recipient)
);
CREATE TABLE IF NOT EXISTS kv(key TEXT PRIMARY KEY, value BLOB NOT NULL);
-- The node as a witness of the relay's audit log (witness.h): the relay checkpoints it verified
-- (a bounded history), its alarms (one per distinct conflict) and the messages whose audit
-- entries it checked.
CREATE TABLE IF NOT EXISTS witnessed(
  size INTEGER PRIMARY KEY,
  root BLOB NOT NULL,
  note TEXT NOT NULL,
  verified_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS alarms(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  conflict TEXT NOT NULL UNIQUE,
  detail TEXT NOT NULL,
  evidence TEXT NOT NULL,
  raised_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS inclusions(
  message_id TEXT PRIMARY KEY,
  outcome TEXT NOT NULL,          -- 'verified' or 'missing'
  tree_size INTEGER NOT NULL,
  leaf_index INTEGER,
  checked_at_ms INTEGER NOT NULL
);
)sql";

constexpr char kSummaryColumns[] =
    "id, outgoing, sender, recipients, kind, urgency, subject, drill, in_reply_to, created_at_ms, "
    "received_at_ms, acknowledged_at_ms, state, delivered_recipients, "
    "(SELECT COUNT(*) FROM receipts r WHERE r.message_id = m.id), "
    "(SELECT COUNT(*) FROM messages a WHERE a.in_reply_to = m.id AND a.outgoing = 0 AND a.kind = "
    "5)";

std::vector<std::string> SplitList(const std::string& s) {
  if (s.empty()) {
    return {};
  }
  return absl::StrSplit(s, ',');
}

v1::MessageSummary ReadSummary(const SqliteStatement& st) {
  v1::MessageSummary s;
  s.set_id(st.ColumnText(0));
  const bool outgoing = st.ColumnInt(1) != 0;
  s.set_sender(st.ColumnText(2));
  for (const auto& r : SplitList(st.ColumnText(3))) {
    s.add_recipients(r);
  }
  s.set_kind(static_cast<v1::MessageType>(st.ColumnInt(4)));
  s.set_urgency(static_cast<v1::Urgency>(st.ColumnInt(5)));
  s.set_subject(st.ColumnText(6));
  s.set_drill(st.ColumnInt(7) != 0);
  s.set_in_reply_to(st.ColumnText(8));
  *s.mutable_created_at() = ToProto(absl::FromUnixMillis(st.ColumnInt(9)));
  if (!st.ColumnIsNull(10)) {
    *s.mutable_received_at() = ToProto(absl::FromUnixMillis(st.ColumnInt(10)));
  }
  if (!st.ColumnIsNull(11)) {
    *s.mutable_acknowledged_at() = ToProto(absl::FromUnixMillis(st.ColumnInt(11)));
  }
  if (outgoing) {
    s.set_state(static_cast<v1::OutboxState>(st.ColumnInt(12)));
    s.set_recipient_count(static_cast<uint32_t>(SplitList(st.ColumnText(13)).size()));
    s.set_delivered_to(static_cast<uint32_t>(st.ColumnInt(14)));
    s.set_acknowledged_by(static_cast<uint32_t>(st.ColumnInt(15)));
  }
  return s;
}

}  // namespace

absl::StatusOr<std::unique_ptr<NodeStore>> NodeStore::Open(const std::string& path) {
  ASSIGN_OR_RETURN(auto db, SqliteDatabase::Open(path));
  RETURN_IF_ERROR(db->CheckIntegrity());
  RETURN_IF_ERROR(db->Exec(kSchema));
  return std::unique_ptr<NodeStore>(new NodeStore(std::move(db)));
}

absl::Status NodeStore::AddOutgoing(const v1::Message& m, const v1::Envelope& envelope) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare("INSERT INTO messages(id, outgoing, envelope, hash, sender, "
                                "recipients, kind, urgency, subject, drill, in_reply_to, "
                                "created_at_ms, state) VALUES(?,1,?,?,?,?,?,?,?,?,?,?,?)"));
  return st.Bind(1, m.id())
      .BindBlob(2, envelope.SerializeAsString())
      .BindBlob(3, Sha256(envelope.message()))
      .Bind(4, m.sender())
      .Bind(5, absl::StrJoin(m.recipients(), ","))
      .Bind(6, static_cast<int64_t>(m.kind()))
      .Bind(7, static_cast<int64_t>(m.template_().urgency()))
      .Bind(8, m.template_().subject())
      .Bind(9, static_cast<int64_t>(m.drill() ? 1 : 0))
      .Bind(10, m.in_reply_to())
      .Bind(11, absl::ToUnixMillis(FromProto(m.created_at())))
      .Bind(12, static_cast<int64_t>(v1::OUTBOX_STATE_QUEUED))
      .Run();
}

absl::StatusOr<std::vector<OutboxEntry>> NodeStore::QueuedOutbox() {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare("SELECT id, envelope FROM messages WHERE outgoing = 1 AND "
                                "state = ? ORDER BY created_at_ms, id"));
  st.Bind(1, static_cast<int64_t>(v1::OUTBOX_STATE_QUEUED));
  std::vector<OutboxEntry> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      break;
    }
    OutboxEntry e;
    e.id = st.ColumnText(0);
    if (!e.envelope.ParseFromString(st.ColumnBlob(1))) {
      return absl::DataLossError("stored envelope of " + e.id + " does not parse");
    }
    out.push_back(std::move(e));
  }
  return out;
}

absl::Status NodeStore::MarkSubmitted(const std::string& id, const std::string& signed_receipt,
                                      uint64_t audit_index,
                                      const std::vector<std::string>& recipients) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare("UPDATE messages SET state = ?, submit_receipt = ?, "
                                "audit_index = ?, delivered_recipients = ?, error = NULL "
                                "WHERE id = ? AND outgoing = 1"));
  return st.Bind(1, static_cast<int64_t>(v1::OUTBOX_STATE_SUBMITTED))
      .BindBlob(2, signed_receipt)
      .Bind(3, static_cast<int64_t>(audit_index))
      .Bind(4, absl::StrJoin(recipients, ","))
      .Bind(5, id)
      .Run();
}

absl::Status NodeStore::MarkRejected(const std::string& id, const std::string& error) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare("UPDATE messages SET state = ?, error = ? WHERE id = ? AND "
                                "outgoing = 1 AND state = ?"));
  return st.Bind(1, static_cast<int64_t>(v1::OUTBOX_STATE_REJECTED))
      .Bind(2, error)
      .Bind(3, id)
      .Bind(4, static_cast<int64_t>(v1::OUTBOX_STATE_QUEUED))
      .Run();
}

absl::Status NodeStore::NoteQueuedError(const std::string& id, const std::string& error) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare("UPDATE messages SET error = ? WHERE id = ? AND state = ?"));
  return st.Bind(1, error).Bind(2, id).Bind(3, static_cast<int64_t>(v1::OUTBOX_STATE_QUEUED)).Run();
}

absl::StatusOr<std::string> NodeStore::StoreIncoming(
    const v1::Envelope& envelope, const v1::Message& m, const std::string& hash, absl::Time now,
    const std::function<std::string(absl::Time stored_at)>& make_receipt) {
  std::lock_guard<std::mutex> lock(mu_);
  SqliteTransaction tx(db_.get());
  RETURN_IF_ERROR(tx.begin_status());
  ASSIGN_OR_RETURN(
      SqliteStatement find,
      db_->Prepare("SELECT hash, delivery_receipt, outgoing FROM messages WHERE id = ?"));
  find.Bind(1, m.id());
  ASSIGN_OR_RETURN(bool exists, find.Step());
  if (exists) {
    if (find.ColumnInt(2) != 0 || find.ColumnBlob(0) != hash) {
      return absl::AlreadyExistsError("message id " + m.id() +
                                      " is already stored here with other content");
    }
    return find.ColumnBlob(1);  // a redelivery: answer with the same receipt
  }
  const std::string receipt = make_receipt(now);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare("INSERT INTO messages(id, outgoing, envelope, hash, sender, "
                                "recipients, kind, urgency, subject, drill, in_reply_to, "
                                "created_at_ms, received_at_ms, delivery_receipt) "
                                "VALUES(?,0,?,?,?,?,?,?,?,?,?,?,?,?)"));
  RETURN_IF_ERROR(st.Bind(1, m.id())
                      .BindBlob(2, envelope.SerializeAsString())
                      .BindBlob(3, hash)
                      .Bind(4, m.sender())
                      .Bind(5, absl::StrJoin(m.recipients(), ","))
                      .Bind(6, static_cast<int64_t>(m.kind()))
                      .Bind(7, static_cast<int64_t>(m.template_().urgency()))
                      .Bind(8, m.template_().subject())
                      .Bind(9, static_cast<int64_t>(m.drill() ? 1 : 0))
                      .Bind(10, m.in_reply_to())
                      .Bind(11, absl::ToUnixMillis(FromProto(m.created_at())))
                      .Bind(12, absl::ToUnixMillis(now))
                      .BindBlob(13, receipt)
                      .Run());
  RETURN_IF_ERROR(tx.Commit());
  return receipt;
}

absl::Status NodeStore::StoreDeliveryReceipt(const v1::DeliveryReceipt& receipt,
                                             const std::string& signed_receipt) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare("INSERT OR IGNORE INTO receipts(message_id, recipient, "
                                "stored_at_ms, receipt) VALUES(?,?,?,?)"));
  return st.Bind(1, receipt.message_id())
      .Bind(2, receipt.recipient())
      .Bind(3, absl::ToUnixMillis(FromProto(receipt.stored_at())))
      .BindBlob(4, signed_receipt)
      .Run();
}

absl::Status NodeStore::MarkAcknowledged(const std::string& id, const std::string& ack_id,
                                         absl::Time at) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare("UPDATE messages SET acknowledged_at_ms = ?, ack_id = ? "
                                "WHERE id = ? AND outgoing = 0 AND acknowledged_at_ms IS NULL"));
  RETURN_IF_ERROR(st.Bind(1, absl::ToUnixMillis(at)).Bind(2, ack_id).Bind(3, id).Run());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::MessageSummary>> NodeStore::List(v1::Folder folder,
                                                                bool unacked_only, int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string sql =
      std::string("SELECT ") + kSummaryColumns + " FROM messages m WHERE outgoing = ?";
  if (unacked_only) {
    sql += " AND acknowledged_at_ms IS NULL AND kind NOT IN (4, 5)";
  }
  sql += " ORDER BY rowid DESC LIMIT ?";  // newest first, in the order stored here
  ASSIGN_OR_RETURN(SqliteStatement st, db_->Prepare(sql));
  st.Bind(1, static_cast<int64_t>(folder == v1::FOLDER_SENT ? 1 : 0))
      .Bind(2, static_cast<int64_t>(limit));
  std::vector<v1::MessageSummary> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      break;
    }
    out.push_back(ReadSummary(st));
  }
  return out;
}

absl::StatusOr<v1::ShowResponse> NodeStore::Show(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  v1::ShowResponse out;
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare(std::string("SELECT ") + kSummaryColumns +
                                ", envelope, audit_index, error FROM messages m WHERE id = ?"));
  st.Bind(1, id);
  ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) {
    return absl::NotFoundError("no message " + id + " on this node");
  }
  *out.mutable_summary() = ReadSummary(st);
  v1::Envelope env;
  if (!env.ParseFromString(st.ColumnBlob(16)) ||
      !out.mutable_message()->ParseFromString(env.message())) {
    return absl::DataLossError("stored envelope of " + id + " does not parse");
  }
  out.set_key_id(env.key_id());
  out.set_audit_index(static_cast<uint64_t>(st.ColumnInt(17)));
  out.set_error(st.ColumnText(18));
  const bool outgoing = st.ColumnInt(1) != 0;

  // Replies: acknowledgements and responses that answer this message.
  ASSIGN_OR_RETURN(SqliteStatement replies,
                   db_->Prepare("SELECT id, sender, kind, received_at_ms FROM messages "
                                "WHERE in_reply_to = ? ORDER BY created_at_ms"));
  replies.Bind(1, id);
  std::map<std::string, v1::RecipientProgress> progress;
  if (outgoing) {
    ASSIGN_OR_RETURN(SqliteStatement st2,
                     db_->Prepare("SELECT delivered_recipients FROM messages WHERE id = ?"));
    st2.Bind(1, id);
    ASSIGN_OR_RETURN(bool row, st2.Step());
    if (row) {
      for (const auto& r : SplitList(st2.ColumnText(0))) {
        progress[r].set_state(r);
      }
    }
    ASSIGN_OR_RETURN(
        SqliteStatement rs,
        db_->Prepare("SELECT recipient, stored_at_ms FROM receipts WHERE message_id = ?"));
    rs.Bind(1, id);
    while (true) {
      ASSIGN_OR_RETURN(bool r, rs.Step());
      if (!r) {
        break;
      }
      auto& p = progress[rs.ColumnText(0)];
      p.set_state(rs.ColumnText(0));
      *p.mutable_delivered_at() = ToProto(absl::FromUnixMillis(rs.ColumnInt(1)));
    }
  }
  while (true) {
    ASSIGN_OR_RETURN(bool r, replies.Step());
    if (!r) {
      break;
    }
    out.add_replies(replies.ColumnText(0));
    if (!outgoing) {
      continue;
    }
    auto& p = progress[replies.ColumnText(1)];
    p.set_state(replies.ColumnText(1));
    const auto kind = static_cast<v1::MessageType>(replies.ColumnInt(2));
    if (kind == v1::MESSAGE_TYPE_ACKNOWLEDGEMENT) {
      p.set_acknowledgement_id(replies.ColumnText(0));
      if (!replies.ColumnIsNull(3)) {
        *p.mutable_acknowledged_at() = ToProto(absl::FromUnixMillis(replies.ColumnInt(3)));
      }
    } else if (kind == v1::MESSAGE_TYPE_RESPONSE) {
      p.set_response_id(replies.ColumnText(0));
    }
  }
  for (auto& [state, p] : progress) {
    *out.add_progress() = std::move(p);
  }
  return out;
}

absl::StatusOr<NodeStore::Counts> NodeStore::CountMessages() {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare("SELECT "
                                "(SELECT COUNT(*) FROM messages WHERE outgoing = 1 AND state = 1),"
                                "(SELECT COUNT(*) FROM messages WHERE outgoing = 0),"
                                "(SELECT COUNT(*) FROM messages WHERE outgoing = 0 AND "
                                " acknowledged_at_ms IS NULL AND kind NOT IN (4, 5))"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  Counts c;
  if (row) {
    c.outbox_queued = static_cast<uint32_t>(st.ColumnInt(0));
    c.inbox_total = static_cast<uint32_t>(st.ColumnInt(1));
    c.inbox_unacknowledged = static_cast<uint32_t>(st.ColumnInt(2));
  }
  return c;
}

absl::Status NodeStore::PutValue(const std::string& key, const std::string& value) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare("INSERT INTO kv(key, value) VALUES(?, ?) "
                                "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
  return st.Bind(1, key).BindBlob(2, value).Run();
}

absl::StatusOr<std::optional<std::string>> NodeStore::GetValue(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(SqliteStatement st, db_->Prepare("SELECT value FROM kv WHERE key = ?"));
  st.Bind(1, key);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(st.ColumnBlob(0));
}

}  // namespace poc
