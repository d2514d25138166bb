#include "server/audit/audit_check.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "common/checkpoint/signed_checkpoint.h"
#include "common/merkle/hasher.h"
#include "common/merkle/merkle_tree.h"
#include "common/status_macros.h"
#include "server/audit/sqlite_hash_store.h"

namespace poc {
namespace {

constexpr size_t kMaxProblems = 20;  // enough to see the pattern, not a flood

class Checker {
 public:
  Checker(SqliteDatabase* db, AuditCheckReport* report) : db_(db), report_(report) {}

  void Problem(std::string line) {
    if (report_->problems.size() < kMaxProblems) {
      report_->problems.push_back(std::move(line));
    }
  }
  void BadLeaf(uint64_t index, const std::string& why) {
    bad_leaves_.insert(index);
    if (!report_->first_bad_leaf || index < *report_->first_bad_leaf) {
      report_->first_bad_leaf = index;
    }
    Problem("leaf " + std::to_string(index) + ": " + why);
  }
  // Whether a leaf in [first, last] was already found bad.
  bool HasBadLeafIn(uint64_t first, uint64_t last) const {
    auto it = bad_leaves_.lower_bound(first);
    return it != bad_leaves_.end() && *it <= last;
  }

  // Leaves in index order against their stored leaf hashes (level 0).
  absl::Status CheckLeaves(const std::function<void(uint64_t)>& progress) {
    ASSIGN_OR_RETURN(SqliteStatement has_column,
                     db_->Prepare("SELECT COUNT(*) FROM pragma_table_info('audit_leaves') "
                                  "WHERE name = 'leaf_hash'"));
    ASSIGN_OR_RETURN(bool found, has_column.Step());
    if (!found || has_column.ColumnInt(0) == 0) {
      return absl::FailedPreconditionError(
          db_->path() +
          " holds the audit log in the older layout (no audit_leaves.leaf_hash); start "
          "poc-relay on it once, which upgrades the file, stop it, then check again");
    }
    ASSIGN_OR_RETURN(SqliteStatement st,
                     db_->Prepare("SELECT idx, data, leaf_hash FROM audit_leaves ORDER BY idx"));
    uint64_t expected = 0;
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) {
        break;
      }
      const uint64_t index = static_cast<uint64_t>(st.ColumnInt(0));
      if (index != expected) {  // rows come in index order, so this is a gap
        BadLeaf(expected, "missing (deleted?); the next leaf present is " + std::to_string(index));
      }
      expected = index + 1;
      ++report_->leaves;
      if (st.ColumnIsNull(2)) {
        BadLeaf(index, "has no stored leaf hash (the tree does not cover it)");
      } else if (merkle::LeafHash(st.ColumnBlob(1)) != st.ColumnBlob(2)) {
        BadLeaf(index, "its data does not hash to the stored leaf hash (altered or reordered)");
      }
      if (progress && report_->leaves % 100000 == 0) {
        progress(report_->leaves);
      }
    }
    return absl::OkStatus();
  }

  // Each stored node above level 0 must be the hash of the subtree of stored nodes one stored
  // level below it (sqlite_hash_store.h: 2^kLevelStride of them), leaf hashes at the bottom.
  absl::Status CheckInnerNodes() {
    constexpr int kStride = SqliteHashStore::kLevelStride;
    constexpr uint64_t kChildren = uint64_t{1} << kStride;
    ASSIGN_OR_RETURN(SqliteStatement levels,
                     db_->Prepare("SELECT COALESCE(MAX(level), 0) FROM merkle_nodes"));
    ASSIGN_OR_RETURN(bool row, levels.Step());
    const int top = row ? static_cast<int>(levels.ColumnInt(0)) : 0;
    for (int level = kStride; level <= top; level += kStride) {
      ASSIGN_OR_RETURN(SqliteStatement parents,
                       db_->Prepare("SELECT idx, hash FROM merkle_nodes WHERE level = ? "
                                    "ORDER BY idx"));
      ASSIGN_OR_RETURN(
          SqliteStatement children,
          db_->Prepare(level == kStride ? "SELECT idx, leaf_hash FROM audit_leaves ORDER BY idx"
                                        : "SELECT idx, hash FROM merkle_nodes WHERE level = ? "
                                          "ORDER BY idx"));
      parents.Bind(1, level);
      if (level != kStride) {
        children.Bind(1, level - kStride);
      }
      bool child = false;  // `children` is on a row not yet used
      while (true) {
        ASSIGN_OR_RETURN(bool parent, parents.Step());
        if (!parent) {
          break;
        }
        const uint64_t index = static_cast<uint64_t>(parents.ColumnInt(0));
        // The stored hashes below the node, in order; fewer than kChildren when one is missing.
        std::vector<std::string> hashes;
        while (hashes.size() < kChildren) {
          if (!child) {
            ASSIGN_OR_RETURN(child, children.Step());
          }
          if (!child) {
            break;
          }
          const uint64_t at = static_cast<uint64_t>(children.ColumnInt(0));
          if (at < index * kChildren) {  // below a missing parent: checked by no one here
            child = false;
            continue;
          }
          if (at != index * kChildren + hashes.size()) {
            break;
          }
          hashes.push_back(children.ColumnBlob(1));
          child = false;
        }
        bool sound = hashes.size() == kChildren;
        for (const std::string& h : hashes) {
          sound = sound && h.size() == merkle::kHashSize;
        }
        for (size_t n = hashes.size(); sound && n > 1; n /= 2) {
          for (size_t i = 0; i < n / 2; ++i) {
            hashes[i] = merkle::NodeHash(hashes[2 * i], hashes[2 * i + 1]);
          }
        }
        if (!sound || hashes[0] != parents.ColumnBlob(1)) {
          const uint64_t first_leaf = index << level;
          const uint64_t last_leaf = first_leaf + (uint64_t{1} << level) - 1;
          const std::string what = "the stored subtree hash at level " + std::to_string(level) +
                                   " index " + std::to_string(index) +
                                   " does not match the stored hashes below it";
          if (HasBadLeafIn(first_leaf, last_leaf)) {
            // A leaf below was found bad already and names the damage more precisely.
            Problem(what + " (leaves " + std::to_string(first_leaf) + ".." +
                    std::to_string(last_leaf) + " include a bad leaf)");
          } else {
            // Only the stored hashes disagree: the damage is somewhere under this subtree.
            BadLeaf(first_leaf, what + " (tree altered; leaves " + std::to_string(first_leaf) +
                                    ".." + std::to_string(last_leaf) + ")");
          }
        }
      }
    }
    return absl::OkStatus();
  }

  // The latest signed checkpoint verifies and matches the stored tree.
  absl::Status CheckCheckpoint(const NoteVerifier& log_key) {
    ASSIGN_OR_RETURN(SqliteStatement st,
                     db_->Prepare("SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1"));
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      return absl::OkStatus();
    }
    report_->checkpoint_size = static_cast<uint64_t>(st.ColumnInt(0));
    auto opened = OpenCheckpoint(st.ColumnText(1), log_key, {});
    if (!opened.ok()) {
      Problem("the latest checkpoint (size " + std::to_string(report_->checkpoint_size) +
              ") does not verify with the relay's key: " + std::string(opened.status().message()));
      return absl::OkStatus();
    }
    if (report_->checkpoint_size > report_->leaves) {
      Problem("the log has " + std::to_string(report_->leaves) +
              " leaves but the relay signed a checkpoint of size " +
              std::to_string(report_->checkpoint_size) + " (rolled back or truncated)");
      return absl::OkStatus();
    }
    SqliteHashStore hashes(db_);
    auto tree = merkle::MerkleTree::Open(&hashes);
    absl::StatusOr<std::string> root = tree.ok() ? tree->RootAt(report_->checkpoint_size)
                                                 : absl::StatusOr<std::string>(tree.status());
    if (!root.ok()) {
      Problem("cannot compute the stored tree's root at size " +
              std::to_string(report_->checkpoint_size) + ": " +
              std::string(root.status().message()));
    } else if (*root != opened->checkpoint.root_hash) {
      Problem("the stored tree's root at size " + std::to_string(report_->checkpoint_size) +
              " differs from the signed checkpoint's");
    }
    return absl::OkStatus();
  }

 private:
  SqliteDatabase* const db_;
  AuditCheckReport* const report_;
  std::set<uint64_t> bad_leaves_;  // every leaf passed to BadLeaf
};

}  // namespace

absl::StatusOr<AuditCheckReport> CheckAuditLog(SqliteDatabase* db, const NoteVerifier& log_key,
                                               const std::function<void(uint64_t)>& progress) {
  AuditCheckReport report;
  Checker checker(db, &report);
  if (absl::Status s = db->CheckIntegrity(); !s.ok()) {
    checker.Problem("SQLite integrity check failed: " + std::string(s.message()));
  }
  RETURN_IF_ERROR(checker.CheckLeaves(progress));
  RETURN_IF_ERROR(checker.CheckInnerNodes());
  RETURN_IF_ERROR(checker.CheckCheckpoint(log_key));
  return report;
}

}  // namespace poc
