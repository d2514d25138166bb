// The write side of the relay's audit log: leaves with their leaf hashes (table audit_leaves)
// and the hashes of the RFC 9162 tree over them (table merkle_nodes, see sqlite_hash_store.h),
// written through one SQLite connection inside the caller's transaction, so an event commits
// together with the state change it records.
#ifndef POC_SERVER_AUDIT_AUDIT_LEAF_WRITER_H_
#define POC_SERVER_AUDIT_AUDIT_LEAF_WRITER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/merkle/merkle_tree.h"
#include "common/storage/sqlite.h"
#include "poc/v1/audit.pb.h"
#include "server/audit/sqlite_hash_store.h"

namespace poc {

// Not thread-safe: the thread that owns `*db` (the store's writer thread) uses it. `*db` must
// outlive the writer.
class AuditLeafWriter {
 public:
  // Creates the tables when missing, upgrades a file of the older layout (every tree level in
  // merkle_nodes; one transaction, see UpgradeOldLayout), then loads the tree and checks that
  // leaves and tree agree: DATA_LOSS, naming what is wrong, when leaves were deleted or the tree
  // does not cover them. Must not run inside a transaction.
  static absl::StatusOr<std::unique_ptr<AuditLeafWriter>> Open(SqliteDatabase* db);

  AuditLeafWriter(const AuditLeafWriter&) = delete;
  AuditLeafWriter& operator=(const AuditLeafWriter&) = delete;

  // Appends a leaf holding `data` (a serialized poc.v1.AuditEvent), indexed by `message_id`
  // when not empty, and the tree hashes it completes. Returns the leaf's index. Must run inside
  // a transaction; when it fails the caller rolls back and then calls Reload().
  absl::StatusOr<uint64_t> Append(std::string_view data, std::string_view message_id);
  absl::StatusOr<uint64_t> Append(const v1::AuditEvent& event);

  // Re-reads the tree from the file, e.g. after a rolled-back transaction left the in-memory
  // tree ahead of the disk. Same checks as Open().
  absl::Status Reload();

  // Leaves appended so far, including any not yet committed.
  uint64_t size() const { return tree_->size(); }

 private:
  explicit AuditLeafWriter(SqliteDatabase* db) : db_(db), hashes_(db) {}

  SqliteDatabase* const db_;
  SqliteHashStore hashes_;
  std::optional<merkle::MerkleTree> tree_;
  std::optional<SqliteStatement> insert_;  // prepared once; reset after each use
};

}  // namespace poc

#endif  // POC_SERVER_AUDIT_AUDIT_LEAF_WRITER_H_
