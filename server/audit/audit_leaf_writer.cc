#include "server/audit/audit_leaf_writer.h"

#include "common/merkle/hasher.h"
#include "common/status_macros.h"

namespace poc {
namespace {

constexpr char kSchema[] = R"sql(
-- Leaf i of the RFC 9162 tree is SHA-256(0x00 || data); data is a serialized poc.v1.AuditEvent.
CREATE TABLE IF NOT EXISTS audit_leaves(
  idx INTEGER PRIMARY KEY,
  data BLOB NOT NULL,
  message_id TEXT
);
CREATE INDEX IF NOT EXISTS audit_leaves_by_message ON audit_leaves(message_id);
)sql";

}  // namespace

absl::StatusOr<std::unique_ptr<AuditLeafWriter>> AuditLeafWriter::Open(SqliteDatabase* db) {
  RETURN_IF_ERROR(db->Exec(kSchema));
  RETURN_IF_ERROR(db->Exec(SqliteHashStore::kSchema));
  std::unique_ptr<AuditLeafWriter> writer(new AuditLeafWriter(db));
  RETURN_IF_ERROR(writer->Reload());
  ASSIGN_OR_RETURN(SqliteStatement insert,
                   db->Prepare("INSERT INTO audit_leaves(idx, data, message_id) VALUES(?, ?, ?)"));
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
  insert_->Bind(1, static_cast<int64_t>(index)).BindBlob(2, data);
  if (message_id.empty()) {
    insert_->BindNull(3);
  } else {
    insert_->Bind(3, message_id);
  }
  RETURN_IF_ERROR(insert_->Run());
  // If the tree's write fails it stays unchanged, and the caller's rollback removes the leaf.
  RETURN_IF_ERROR(tree_->AppendLeafHash(merkle::LeafHash(data)));
  return index;
}

absl::StatusOr<uint64_t> AuditLeafWriter::Append(const v1::AuditEvent& event) {
  return Append(event.SerializeAsString(), event.message_id());
}

}  // namespace poc
