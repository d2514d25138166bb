#include "server/audit/sqlite_hash_store.h"

#include "common/status_macros.h"

namespace poc {

absl::StatusOr<uint64_t> SqliteHashStore::LeafCount() const {
  ASSIGN_OR_RETURN(
      SqliteStatement st,
      db_->Prepare("SELECT COALESCE(MAX(idx) + 1, 0) FROM merkle_nodes WHERE level = 0"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? static_cast<uint64_t>(st.ColumnInt(0)) : 0;
}

absl::StatusOr<std::vector<std::string>> SqliteHashStore::Read(
    absl::Span<const merkle::NodeId> ids) const {
  if (!read_) {
    ASSIGN_OR_RETURN(SqliteStatement prepared,
                     db_->Prepare("SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?"));
    read_.emplace(std::move(prepared));
  }
  SqliteStatement& st = *read_;
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (const merkle::NodeId& id : ids) {
    st.Bind(1, static_cast<int64_t>(id.level)).Bind(2, static_cast<int64_t>(id.index));
    absl::StatusOr<bool> row = st.Step();
    if (!row.ok() || !*row) {
      st.Reset();
      RETURN_IF_ERROR(row.status());
      return absl::NotFoundError("merkle node (" + std::to_string(id.level) + ", " +
                                 std::to_string(id.index) + ") is not stored");
    }
    out.push_back(st.ColumnBlob(0));
    st.Reset();
  }
  return out;
}

absl::Status SqliteHashStore::Append(absl::Span<const merkle::StoredNode> nodes) {
  if (!insert_) {
    ASSIGN_OR_RETURN(SqliteStatement prepared,
                     db_->Prepare("INSERT INTO merkle_nodes(level, idx, hash) VALUES(?, ?, ?)"));
    insert_.emplace(std::move(prepared));
  }
  SqliteStatement& st = *insert_;
  for (const merkle::StoredNode& n : nodes) {
    absl::Status s = st.Bind(1, static_cast<int64_t>(n.id.level))
                         .Bind(2, static_cast<int64_t>(n.id.index))
                         .BindBlob(3, n.hash)
                         .Run();
    if (absl::IsAlreadyExists(s)) {
      return absl::FailedPreconditionError("merkle node (" + std::to_string(n.id.level) + ", " +
                                           std::to_string(n.id.index) + ") already stored");
    }
    RETURN_IF_ERROR(s);
  }
  return absl::OkStatus();
}

}  // namespace poc
