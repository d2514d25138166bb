// The Merkle tree's complete-subtree hashes in the relay's SQLite file, so the tree survives
// restarts and proofs read O(log n) stored hashes.
//
// Layout. Level 0 (the leaf hashes) is the leaf_hash column of audit_leaves, which
// AuditLeafWriter writes in the leaf's own row. Above it only every kLevelStride-th level
// (4, 8, 12, ...) is stored, in merkle_nodes; a node of any other level is folded on read from
// the at most 2^(kLevelStride-1) stored nodes of the nearest stored level below it. Appending
// thus writes the leaf row and, on average, 1/15 of a node row per leaf instead of about two
// node rows (the appends' main cost), while a proof still reads O(log n) stored hashes (at most
// 8 per proof hash). The tlog-tiles levels (0, 8, 16, ...) are stored, so tiles are read as is.
#ifndef POC_SERVER_AUDIT_SQLITE_HASH_STORE_H_
#define POC_SERVER_AUDIT_SQLITE_HASH_STORE_H_

#include <optional>

#include "common/merkle/hash_store.h"
#include "common/storage/sqlite.h"

namespace poc {

// Not thread-safe: use it from the thread that owns `*db`, which must outlive the store (its
// statements are prepared once and kept). Needs the audit_leaves table (audit_leaf_writer.h).
//
// Append() runs inside the caller's transaction, so the hashes commit together with the leaves
// they cover. It writes only the nodes of stored levels above 0: a level-0 node is NOT written
// by Append, because the leaf hash is already in the leaf's row (AuditLeafWriter inserts the
// row, then appends its hash to the tree, in one transaction).
class SqliteHashStore final : public merkle::HashStore {
 public:
  // Stored levels are the multiples of this. 4 keeps tlog-tiles levels (multiples of 8) stored
  // and derives a node from at most 8 stored ones.
  static constexpr int kLevelStride = 4;

  static constexpr char kSchema[] =
      "CREATE TABLE IF NOT EXISTS merkle_nodes(level INTEGER NOT NULL, idx INTEGER NOT NULL, "
      "hash BLOB NOT NULL, PRIMARY KEY(level, idx)) WITHOUT ROWID;";

  explicit SqliteHashStore(SqliteDatabase* db) : db_(db) {}

  // The leaf count is that of audit_leaves (the highest index + 1); a leaf row without its hash
  // shows up as a node that is not stored when read.
  absl::StatusOr<uint64_t> LeafCount() const override;
  absl::StatusOr<std::vector<std::string>> Read(
      absl::Span<const merkle::NodeId> ids) const override;
  absl::Status Append(absl::Span<const merkle::StoredNode> nodes) override;

  static bool IsStoredLevel(int level) { return level > 0 && level % kLevelStride == 0; }

 private:
  // Appends to `*out` the `count` stored hashes of `level` (a multiple of kLevelStride) from
  // `first`: NOT_FOUND if one is missing, DATA_LOSS if one is not 32 bytes.
  absl::Status ReadStored(int level, uint64_t first, uint64_t count, std::string* out) const;

  SqliteDatabase* const db_;
  mutable std::optional<SqliteStatement> read_leaves_;  // prepared on first use
  mutable std::optional<SqliteStatement> read_nodes_;   // prepared on first use
  std::optional<SqliteStatement> insert_;               // prepared on first use
};

}  // namespace poc

#endif  // POC_SERVER_AUDIT_SQLITE_HASH_STORE_H_
