// The Merkle tree's complete-subtree hashes in the relay's SQLite file (table merkle_nodes),
// so the tree survives restarts and proofs read O(log n) stored hashes.
#ifndef POC_SERVER_AUDIT_SQLITE_HASH_STORE_H_
#define POC_SERVER_AUDIT_SQLITE_HASH_STORE_H_

#include <optional>

#include "common/merkle/hash_store.h"
#include "common/storage/sqlite.h"

namespace poc {

// Not thread-safe: use it from the thread that owns `*db`, which must outlive the store (its
// statements are prepared once and kept). Append() runs inside the caller's
// transaction, so the hashes commit together with the leaves they cover.
class SqliteHashStore final : public merkle::HashStore {
 public:
  static constexpr char kSchema[] =
      "CREATE TABLE IF NOT EXISTS merkle_nodes(level INTEGER NOT NULL, idx INTEGER NOT NULL, "
      "hash BLOB NOT NULL, PRIMARY KEY(level, idx)) WITHOUT ROWID;";

  explicit SqliteHashStore(SqliteDatabase* db) : db_(db) {}

  absl::StatusOr<uint64_t> LeafCount() const override;
  absl::StatusOr<std::vector<std::string>> Read(
      absl::Span<const merkle::NodeId> ids) const override;
  absl::Status Append(absl::Span<const merkle::StoredNode> nodes) override;

 private:
  SqliteDatabase* const db_;
  mutable std::optional<SqliteStatement> read_;  // prepared on first use
  std::optional<SqliteStatement> insert_;        // prepared on first use
};

}  // namespace poc

#endif  // POC_SERVER_AUDIT_SQLITE_HASH_STORE_H_
