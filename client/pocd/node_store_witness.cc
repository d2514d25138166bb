// NodeStore's witness tables (schema in node_store.cc).
#include "client/pocd/node_store.h"
#include "common/status_macros.h"

namespace poc {
namespace {

WitnessedCheckpoint ReadWitnessed(const SqliteStatement& st) {
  WitnessedCheckpoint w;
  w.size = static_cast<uint64_t>(st.ColumnInt(0));
  w.root = st.ColumnBlob(1);
  w.note = st.ColumnText(2);
  w.verified_at = absl::FromUnixMillis(st.ColumnInt(3));
  return w;
}

}  // namespace

absl::StatusOr<std::optional<WitnessedCheckpoint>> NodeStore::LatestWitnessed() {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare("SELECT size, root, note, verified_at_ms FROM witnessed "
                                "ORDER BY size DESC LIMIT 1"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    return std::optional<WitnessedCheckpoint>();
  }
  return std::optional<WitnessedCheckpoint>(ReadWitnessed(st));
}

absl::StatusOr<std::optional<WitnessedCheckpoint>> NodeStore::WitnessedAt(uint64_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare("SELECT size, root, note, verified_at_ms FROM witnessed "
                                "WHERE size = ?"));
  st.Bind(1, static_cast<int64_t>(size));
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    return std::optional<WitnessedCheckpoint>();
  }
  return std::optional<WitnessedCheckpoint>(ReadWitnessed(st));
}

absl::Status NodeStore::SaveWitnessed(const WitnessedCheckpoint& w) {
  std::lock_guard<std::mutex> lock(mu_);
  SqliteTransaction tx(db_.get());
  RETURN_IF_ERROR(tx.begin_status());
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare("INSERT OR REPLACE INTO witnessed(size, root, note, "
                                "verified_at_ms) VALUES(?, ?, ?, ?)"));
  RETURN_IF_ERROR(st.Bind(1, static_cast<int64_t>(w.size))
                      .BindBlob(2, w.root)
                      .Bind(3, w.note)
                      .Bind(4, absl::ToUnixMillis(w.verified_at))
                      .Run());
  ASSIGN_OR_RETURN(SqliteStatement trim,
                   db_->Prepare("DELETE FROM witnessed WHERE size NOT IN (SELECT size FROM "
                                "witnessed ORDER BY size DESC LIMIT ?)"));
  RETURN_IF_ERROR(trim.Bind(1, static_cast<int64_t>(kWitnessHistory)).Run());
  return tx.Commit();
}

absl::StatusOr<bool> NodeStore::RaiseAlarm(const WitnessAlarm& a) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare("INSERT OR IGNORE INTO alarms(kind, conflict, detail, evidence, "
                                "raised_at_ms) VALUES(?, ?, ?, ?, ?)"));
  RETURN_IF_ERROR(st.Bind(1, a.kind)
                      .Bind(2, a.conflict)
                      .Bind(3, a.detail)
                      .Bind(4, a.evidence)
                      .Bind(5, absl::ToUnixMillis(a.raised_at))
                      .Run());
  return db_->Changes() > 0;
}

absl::StatusOr<std::vector<WitnessAlarm>> NodeStore::Alarms() {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare("SELECT id, kind, conflict, detail, evidence, raised_at_ms FROM "
                                "alarms ORDER BY id"));
  std::vector<WitnessAlarm> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      break;
    }
    WitnessAlarm a;
    a.id = st.ColumnInt(0);
    a.kind = st.ColumnText(1);
    a.conflict = st.ColumnText(2);
    a.detail = st.ColumnText(3);
    a.evidence = st.ColumnText(4);
    a.raised_at = absl::FromUnixMillis(st.ColumnInt(5));
    out.push_back(std::move(a));
  }
  return out;
}

absl::StatusOr<std::vector<PendingInclusion>> NodeStore::PendingInclusions(uint64_t tree_size,
                                                                           int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(
      SqliteStatement st,
      db_->Prepare("SELECT id, outgoing, audit_index, hash, received_at_ms FROM messages m "
                   "WHERE NOT EXISTS (SELECT 1 FROM inclusions i WHERE i.message_id = m.id) AND "
                   "((outgoing = 1 AND state = ? AND audit_index IS NOT NULL AND audit_index < ?) "
                   "OR (outgoing = 0 AND delivery_receipt IS NOT NULL)) "
                   "ORDER BY created_at_ms, id LIMIT ?"));
  st.Bind(1, static_cast<int64_t>(v1::OUTBOX_STATE_SUBMITTED))
      .Bind(2, static_cast<int64_t>(tree_size))
      .Bind(3, static_cast<int64_t>(limit));
  std::vector<PendingInclusion> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      break;
    }
    PendingInclusion p;
    p.id = st.ColumnText(0);
    p.outgoing = st.ColumnInt(1) != 0;
    if (!st.ColumnIsNull(2)) {
      p.audit_index = static_cast<uint64_t>(st.ColumnInt(2));
    }
    p.hash = st.ColumnBlob(3);
    if (!st.ColumnIsNull(4)) {
      p.stored_at = absl::FromUnixMillis(st.ColumnInt(4));
    }
    out.push_back(std::move(p));
  }
  return out;
}

absl::Status NodeStore::RecordInclusion(const std::string& id, const std::string& outcome,
                                        uint64_t tree_size, std::optional<uint64_t> leaf_index,
                                        absl::Time at) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare("INSERT OR REPLACE INTO inclusions(message_id, outcome, "
                                "tree_size, leaf_index, checked_at_ms) VALUES(?, ?, ?, ?, ?)"));
  st.Bind(1, id).Bind(2, outcome).Bind(3, static_cast<int64_t>(tree_size));
  if (leaf_index) {
    st.Bind(4, static_cast<int64_t>(*leaf_index));
  } else {
    st.BindNull(4);
  }
  return st.Bind(5, absl::ToUnixMillis(at)).Run();
}

absl::StatusOr<int> NodeStore::CountInclusions(const std::string& outcome) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare("SELECT COUNT(*) FROM inclusions WHERE outcome = ?"));
  st.Bind(1, outcome);
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? static_cast<int>(st.ColumnInt(0)) : 0;
}

}  // namespace poc
