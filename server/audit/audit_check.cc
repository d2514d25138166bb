#include "server/audit/audit_check.h"

#include <algorithm>

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
    if (!report_->first_bad_leaf || index < *report_->first_bad_leaf) {
      report_->first_bad_leaf = index;
    }
    Problem("leaf " + std::to_string(index) + ": " + why);
  }

  // Leaves in index order against the stored leaf hashes (level 0).
  absl::Status CheckLeaves(const std::function<void(uint64_t)>& progress) {
    ASSIGN_OR_RETURN(
        SqliteStatement st,
        db_->Prepare("SELECT l.idx, l.data, n.hash FROM audit_leaves l LEFT JOIN "
                     "merkle_nodes n ON n.level = 0 AND n.idx = l.idx ORDER BY l.idx"));
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

  // Each stored node above level 0 must be the hash of its two stored children.
  absl::Status CheckInnerNodes() {
    ASSIGN_OR_RETURN(SqliteStatement levels,
                     db_->Prepare("SELECT COALESCE(MAX(level), 0) FROM merkle_nodes"));
    ASSIGN_OR_RETURN(bool row, levels.Step());
    const int top = row ? static_cast<int>(levels.ColumnInt(0)) : 0;
    for (int level = 1; level <= top; ++level) {
      ASSIGN_OR_RETURN(SqliteStatement parents,
                       db_->Prepare("SELECT idx, hash FROM merkle_nodes WHERE level = ? "
                                    "ORDER BY idx"));
      ASSIGN_OR_RETURN(SqliteStatement children,
                       db_->Prepare("SELECT idx, hash FROM merkle_nodes WHERE level = ? "
                                    "ORDER BY idx"));
      parents.Bind(1, level);
      children.Bind(1, level - 1);
      while (true) {
        ASSIGN_OR_RETURN(bool parent, parents.Step());
        if (!parent) {
          break;
        }
        const uint64_t index = static_cast<uint64_t>(parents.ColumnInt(0));
        std::string pair[2];
        for (int side = 0; side < 2; ++side) {
          ASSIGN_OR_RETURN(bool child, children.Step());
          if (child && static_cast<uint64_t>(children.ColumnInt(0)) == 2 * index + side) {
            pair[side] = children.ColumnBlob(1);
          }
        }
        if (pair[0].empty() || pair[1].empty() ||
            merkle::NodeHash(pair[0], pair[1]) != parents.ColumnBlob(1)) {
          const uint64_t first_leaf = index << level;
          BadLeaf(first_leaf, "the stored subtree hash at level " + std::to_string(level) +
                                  " index " + std::to_string(index) +
                                  " does not match its children (tree altered)");
          return absl::OkStatus();  // children streams are now out of step; one is enough
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
