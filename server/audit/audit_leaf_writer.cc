#include "server/audit/audit_leaf_writer.h"

#include "common/merkle/hasher.h"
#include "common/status_macros.h"

namespace poc {
namespace {

constexpr char kAuditLeafSchema[] = R"sql(
-- Leaf i of the RFC 9162 tree; data is a serialized poc.v1.AuditEvent and leaf_hash is
-- SHA-256(0x00 || data), the tree's level 0 (sqlite_hash_store.h). leaf_hash may be NULL only
-- so that ALTER TABLE can add it to files from before it existed; the writer always sets it.
CREATE TABLE IF NOT EXISTS audit_leaves(
  idx INTEGER PRIMARY KEY,
  data BLOB NOT NULL,
  message_id TEXT,
  leaf_hash BLOB
);
CREATE INDEX IF NOT EXISTS audit_leaves_by_message ON audit_leaves(message_id);
)sql";

// Files written before leaf_hash existed hold every tree level in merkle_nodes, level 0
// included. They are upgraded in place on the first open, in one transaction (a crash leaves
// the old layout, upgraded again next time): the stored leaf hashes are copied, not
// recomputed, so a leaf altered before the upgrade still fails `poc-relay check`, and the
// nodes this layout derives are dropped (they are the hashes of the stored ones below them).
// Older code cannot read an upgraded file.
absl::Status UpgradeOldLayout(SqliteDatabase* db) {
  ASSIGN_OR_RETURN(SqliteStatement has_column,
                   db->Prepare("SELECT COUNT(*) FROM pragma_table_info('audit_leaves') "
                               "WHERE name = 'leaf_hash'"));
  ASSIGN_OR_RETURN(bool row, has_column.Step());
  if (row && has_column.ColumnInt(0) > 0) {
    return absl::OkStatus();
  }
  SqliteTransaction txn(db);
  RETURN_IF_ERROR(txn.begin_status());
  static_assert(SqliteHashStore::kLevelStride == 4, "the upgrade keeps levels 4, 8, 12, ...");
  RETURN_IF_ERROR(db->Exec(
      "ALTER TABLE audit_leaves ADD COLUMN leaf_hash BLOB; "
      "UPDATE audit_leaves SET leaf_hash = (SELECT hash FROM merkle_nodes n WHERE n.level = 0 "
      "AND n.idx = audit_leaves.idx); "
      "DELETE FROM merkle_nodes WHERE level = 0 OR level % 4 != 0;"));
  return txn.Commit();
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditLeafWriter>> AuditLeafWriter::Open(SqliteDatabase* db) {
  RETURN_IF_ERROR(db->Exec(kAuditLeafSchema));
  RETURN_IF_ERROR(db->Exec(SqliteHashStore::kSchema));
  if (absl::Status s = UpgradeOldLayout(db); !s.ok()) {
    return absl::Status(s.code(), db->path() +
                                      ": upgrading the audit log to leaf hashes in "
                                      "audit_leaves failed: " +
                                      std::string(s.message()));
  }
  std::unique_ptr<AuditLeafWriter> writer(new AuditLeafWriter(db));
  RETURN_IF_ERROR(writer->Reload());
  ASSIGN_OR_RETURN(SqliteStatement insert,
                   db->Prepare("INSERT INTO audit_leaves(idx, data, message_id, leaf_hash) "
                               "VALUES(?, ?, ?, ?)"));
  writer->insert_.emplace(std::move(insert));
  return writer;
}

absl::Status AuditLeafWriter::Reload() {
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare("SELECT COALESCE(MAX(idx) + 1, 0), COUNT(*) FROM audit_leaves"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  const uint64_t size = row ? static_cast<uint64_t>(st.ColumnInt(0)) : 0;
  const uint64_t count = row ? static_cast<uint64_t>(st.ColumnInt(1)) : 0;
  if (count != size) {
    return absl::DataLossError(db_->path() + ": audit log has " + std::to_string(count) +
                               " leaves but its highest index is " + std::to_string(size - 1) +
                               "; leaves were deleted (poc-relay check names them)");
  }
  auto tree = merkle::MerkleTree::Open(&hashes_);
  if (!tree.ok()) {
    return absl::DataLossError(db_->path() +
                               ": Merkle tree unreadable: " + std::string(tree.status().message()));
  }
  if (tree->size() != size) {
    return absl::DataLossError(db_->path() + ": audit log has " + std::to_string(size) +
                               " leaves but its Merkle tree covers " +
                               std::to_string(tree->size()));
  }
  tree_.emplace(*std::move(tree));
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> AuditLeafWriter::Append(std::string_view data,
                                                 std::string_view message_id) {
  const uint64_t index = tree_->size();
  const std::string leaf_hash = merkle::LeafHash(data);
  // `data` and `leaf_hash` outlive Run(), which resets the statement.
  insert_->Bind(1, static_cast<int64_t>(index))
      .BindBlobNoCopy(2, data)
      .BindBlobNoCopy(4, leaf_hash);
  if (message_id.empty()) {
    insert_->BindNull(3);
  } else {
    insert_->Bind(3, message_id);
  }
  RETURN_IF_ERROR(insert_->Run());
  // The row holds the leaf hash (level 0); the tree writes the nodes above it. If the tree's
  // write fails it stays unchanged, and the caller's rollback removes the leaf.
  RETURN_IF_ERROR(tree_->AppendLeafHash(leaf_hash));
  return index;
}

absl::StatusOr<uint64_t> AuditLeafWriter::Append(const v1::AuditEvent& event) {
  return Append(event.SerializeAsString(), event.message_id());
}

}  // namespace poc
