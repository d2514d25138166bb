#include "server/audit/sqlite_hash_store.h"

#include <cstdint>
#include <limits>

#include "absl/strings/str_cat.h"
#include "common/merkle/hasher.h"
#include "common/status_macros.h"

namespace poc {
namespace {

constexpr int kMaxLevel = 63;

absl::Status NotStored(int level, uint64_t index) {
  return absl::NotFoundError(absl::StrCat("merkle node (", level, ", ", index, ") is not stored"));
}

}  // namespace

absl::StatusOr<uint64_t> SqliteHashStore::LeafCount() const {
  ASSIGN_OR_RETURN(SqliteStatement st,
                   db_->Prepare("SELECT COALESCE(MAX(idx) + 1, 0) FROM audit_leaves"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? static_cast<uint64_t>(st.ColumnInt(0)) : 0;
}

absl::Status SqliteHashStore::ReadStored(int level, uint64_t first, uint64_t count,
                                         std::string* out) const {
  std::optional<SqliteStatement>& cached = level == 0 ? read_leaves_ : read_nodes_;
  if (!cached) {
    ASSIGN_OR_RETURN(
        SqliteStatement prepared,
        db_->Prepare(level == 0 ? "SELECT idx, leaf_hash FROM audit_leaves WHERE idx >= ?1 AND "
                                  "idx <= ?2 ORDER BY idx"
                                : "SELECT idx, hash FROM merkle_nodes WHERE level = ?3 AND "
                                  "idx >= ?1 AND idx <= ?2 ORDER BY idx"));
    cached.emplace(std::move(prepared));
  }
  SqliteStatement& st = *cached;
  st.Bind(1, static_cast<int64_t>(first)).Bind(2, static_cast<int64_t>(first + count - 1));
  if (level != 0) {
    st.Bind(3, int64_t{level});
  }
  absl::Status status;
  uint64_t next = first;
  while (status.ok()) {
    absl::StatusOr<bool> row = st.Step();
    if (!row.ok()) {
      status = row.status();
      break;
    }
    if (!*row) {
      break;
    }
    if (static_cast<uint64_t>(st.ColumnInt(0)) != next || st.ColumnIsNull(1)) {
      break;
    }
    const std::string hash = st.ColumnBlob(1);
    if (hash.size() != merkle::kHashSize) {
      status = absl::DataLossError(absl::StrCat("stored hash of merkle node (", level, ", ", next,
                                                ") is ", hash.size(), " bytes"));
    }
    out->append(hash);
    ++next;
  }
  st.Reset();
  RETURN_IF_ERROR(status);
  if (next != first + count) {
    return NotStored(level, next);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> SqliteHashStore::Read(
    absl::Span<const merkle::NodeId> ids) const {
  std::vector<std::string> out;
  out.reserve(ids.size());
  std::string hashes;
  for (const merkle::NodeId& id : ids) {
    if (id.level < 0 || id.level > kMaxLevel) {
      return NotStored(id.level, id.index);
    }
    const int stored = id.level - id.level % kLevelStride;
    const int up = id.level - stored;
    // SQLite keys are signed 64-bit: beyond them nothing is stored.
    if (id.index >= (uint64_t{1} << (kMaxLevel - up))) {
      return NotStored(id.level, id.index);
    }
    const uint64_t count = uint64_t{1} << up;
    hashes.clear();
    RETURN_IF_ERROR(ReadStored(stored, id.index << up, count, &hashes));
    // Fold the run of 2^up stored hashes up to the node: each pass halves it in place.
    for (uint64_t n = count; n > 1; n /= 2) {
      for (uint64_t i = 0; i < n / 2; ++i) {
        const std::string_view left(hashes.data() + 2 * i * merkle::kHashSize, merkle::kHashSize);
        const std::string_view right(left.data() + merkle::kHashSize, merkle::kHashSize);
        hashes.replace(i * merkle::kHashSize, merkle::kHashSize, merkle::NodeHash(left, right));
      }
    }
    out.push_back(hashes.substr(0, merkle::kHashSize));
  }
  return out;
}

absl::Status SqliteHashStore::Append(absl::Span<const merkle::StoredNode> nodes) {
  for (const merkle::StoredNode& n : nodes) {
    if (!IsStoredLevel(n.id.level)) {  // level 0 is in audit_leaves; others are derived
      continue;
    }
    if (!insert_) {
      ASSIGN_OR_RETURN(SqliteStatement prepared,
                       db_->Prepare("INSERT INTO merkle_nodes(level, idx, hash) VALUES(?, ?, ?)"));
      insert_.emplace(std::move(prepared));
    }
    if (n.id.index > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return absl::OutOfRangeError(absl::StrCat("merkle node index ", n.id.index, " is too large"));
    }
    absl::Status s = insert_->Bind(1, static_cast<int64_t>(n.id.level))
                         .Bind(2, static_cast<int64_t>(n.id.index))
                         .BindBlobNoCopy(3, n.hash)
                         .Run();
    if (absl::IsAlreadyExists(s)) {
      return absl::FailedPreconditionError(
          absl::StrCat("merkle node (", n.id.level, ", ", n.id.index, ") already stored"));
    }
    RETURN_IF_ERROR(s);
  }
  return absl::OkStatus();
}

}  // namespace poc
