#include "client/pocctl/audit_verifier.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
#include "client/pocctl/entry_stream.h"
#include "common/encoding/hex.h"
#include "common/merkle/compact_range.h"
#include "common/merkle/proof_verifier.h"
#include "common/status_macros.h"
#include "poc/v1/audit.pb.h"

namespace poc::pocctl {
namespace {

using merkle::CompactRange;
using merkle::Hash32;
using merkle::StreamHasher;
using merkle::ToString;

std::string Short(const std::string& hash) { return HexHash(hash).substr(0, 16) + "…"; }

// The smallest m in (lo, hi] with bad(m), given bad(hi); bad must be monotone.
template <typename Bad>
absl::StatusOr<uint64_t> FirstBad(uint64_t lo, uint64_t hi, Bad bad) {
  while (hi - lo > 1) {
    const uint64_t mid = lo + (hi - lo) / 2;
    ASSIGN_OR_RETURN(const bool b, bad(mid));
    if (b) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return hi;
}

class Locator {
 public:
  Locator(AuditSource& source, const Checkpoint& cp, const std::vector<CompactRange>& snapshots,
          uint64_t page_size)
      : source_(source), cp_(cp), snapshots_(snapshots), page_size_(page_size) {}

  // The index of the first leaf whose data is not what the signed tree holds; nullopt with a
  // reason when that cannot be told.
  absl::StatusOr<std::optional<uint64_t>> Locate(std::string* why_not) {
    absl::StatusOr<std::optional<uint64_t>> by_proofs = ByConsistencyProofs();
    if (!absl::IsUnimplemented(by_proofs.status())) {
      return by_proofs;
    }
    return ByLeafTiles(why_not);
  }

 private:
  uint64_t Boundary(uint64_t k) const { return std::min(cp_.size, k * page_size_); }

  // Leaves [0, m) are those the relay committed to iff the prefix root verifies against the
  // signed root with the relay's consistency proof from m.
  absl::StatusOr<bool> PrefixIsBad(uint64_t m, const Hash32& prefix_root) {
    if (m == cp_.size) {
      return ToString(prefix_root) != cp_.root_hash;
    }
    ASSIGN_OR_RETURN(const std::vector<std::string> proof, source_.ConsistencyProof(m, cp_.size));
    absl::Status s =
        merkle::VerifyConsistency(m, cp_.size, proof, ToString(prefix_root), cp_.root_hash);
    return !s.ok();
  }

  // Unimplemented (from the source) when it serves no consistency proofs.
  absl::StatusOr<std::optional<uint64_t>> ByConsistencyProofs() {
    // Probe the page boundaries first: snapshots_[k] holds the leaves [0, Boundary(k)).
    const uint64_t pages = snapshots_.size() - 1;
    ASSIGN_OR_RETURN(const uint64_t k, FirstBad(0, pages, [&](uint64_t k) -> absl::StatusOr<bool> {
                       return PrefixIsBad(Boundary(k), snapshots_[k].Root(hasher_));
                     }));
    // The first bad leaf is in [Boundary(k - 1), Boundary(k)): fetch that page again.
    const uint64_t from = Boundary(k - 1);
    const uint64_t to = Boundary(k);
    EntryPage page;
    RETURN_IF_ERROR(source_.FetchEntries(from, to - from, cp_.size, &page));
    std::vector<Hash32> leaves(page.entries.size());
    for (size_t i = 0; i < leaves.size(); ++i) {
      hasher_.LeafHash(page.entries[i], &leaves[i]);
    }
    ASSIGN_OR_RETURN(const uint64_t m, FirstBad(from, to, [&](uint64_t m) -> absl::StatusOr<bool> {
                       CompactRange range = snapshots_[k - 1];
                       for (uint64_t i = from; i < m; ++i) {
                         range.AppendLeafHash(leaves[i - from], hasher_);
                       }
                       return PrefixIsBad(m, range.Root(hasher_));
                     }));
    return std::optional<uint64_t>(m - 1);
  }

  // Compares the entries with the level-0 tiles, which are trusted only if they reproduce the
  // signed root.
  absl::StatusOr<std::optional<uint64_t>> ByLeafTiles(std::string* why_not) {
    const uint64_t pages = snapshots_.size() - 1;
    CompactRange tree;
    std::vector<Hash32> tile;
    std::optional<uint64_t> first_bad_page;
    std::vector<Hash32> bad_page_tile;
    for (uint64_t k = 1; k <= pages; ++k) {
      const uint64_t from = Boundary(k - 1);
      RETURN_IF_ERROR(source_.LeafHashes(from, Boundary(k) - from, cp_.size, &tile));
      for (const Hash32& h : tile) {
        tree.AppendLeafHash(h, hasher_);
      }
      if (!first_bad_page && tree.Root(hasher_) != snapshots_[k].Root(hasher_)) {
        first_bad_page = k;
        bad_page_tile = tile;
      }
    }
    if (ToString(tree.Root(hasher_)) != cp_.root_hash) {
      *why_not =
          "the level-0 tiles do not reproduce the signed root either, so the tree tiles "
          "themselves were altered or are incomplete";
      return std::optional<uint64_t>();
    }
    if (!first_bad_page) {
      *why_not = "every page matches the tiles";
      return std::optional<uint64_t>();
    }
    const uint64_t from = Boundary(*first_bad_page - 1);
    EntryPage page;
    RETURN_IF_ERROR(source_.FetchEntries(from, Boundary(*first_bad_page) - from, cp_.size, &page));
    for (size_t i = 0; i < page.entries.size(); ++i) {
      Hash32 leaf;
      hasher_.LeafHash(page.entries[i], &leaf);
      if (leaf != bad_page_tile[i]) {
        return std::optional<uint64_t>(from + i);
      }
    }
    *why_not = "the entries changed between two reads";
    return std::optional<uint64_t>();
  }

  AuditSource& source_;
  const Checkpoint& cp_;
  const std::vector<CompactRange>& snapshots_;
  const uint64_t page_size_;
  StreamHasher hasher_;
};

}  // namespace

std::string HexHash(const std::string& hash) { return HexEncode(hash); }

absl::StatusOr<VerifyOutcome> VerifyLog(AuditSource& source, const Checkpoint& cp,
                                        const std::vector<SeenCheckpoint>& seen,
                                        const VerifyProgress& progress) {
  const auto started = std::chrono::steady_clock::now();
  VerifyOutcome out;
  out.tree_size = cp.size;
  // Roots to check on the way, by size.
  std::vector<SeenCheckpoint> checks;
  for (const SeenCheckpoint& s : seen) {
    if (s.size > 0 && s.size < cp.size) {
      checks.push_back(s);
    }
  }
  std::sort(checks.begin(), checks.end(),
            [](const SeenCheckpoint& a, const SeenCheckpoint& b) { return a.size < b.size; });
  size_t next_check = 0;

  StreamHasher hasher;
  CompactRange range;
  // snapshots[k]: the leaves before page k (page boundaries of the source).
  std::vector<CompactRange> snapshots;
  const uint64_t page_size = source.PageSize();
  v1::AuditEvent event;
  Hash32 leaf;
  EntryStream stream(&source, 0, cp.size, cp.size);
  while (true) {
    ASSIGN_OR_RETURN(const EntryPage* page, stream.Next());
    if (page == nullptr) {
      break;
    }
    snapshots.push_back(range);
    for (const std::string_view data : page->entries) {
      const uint64_t index = range.size();
      if (!event.ParseFromArray(data.data(), static_cast<int>(data.size()))) {
        if (!out.first_unparsable_index) {
          out.first_unparsable_index = index;
        }
        ++out.unparsable;
      }
      hasher.LeafHash(data, &leaf);
      range.AppendLeafHash(leaf, hasher);
      while (next_check < checks.size() && checks[next_check].size == range.size()) {
        const SeenCheckpoint& s = checks[next_check++];
        const std::string root = ToString(range.Root(hasher));
        if (root != s.root_hash) {
          out.problems.push_back(absl::StrCat(
              "entries 0..", s.size - 1, " give root ", Short(root), ", not the root ",
              Short(s.root_hash), " of the checkpoint of size ", s.size, " verified earlier"));
        }
      }
    }
    if (progress) {
      progress(range.size(), cp.size);
    }
  }
  snapshots.push_back(range);
  if (range.size() != cp.size) {
    return absl::DataLossError(absl::StrCat(source.Name(), " served ", range.size(),
                                            " entries for a checkpoint of ", cp.size));
  }
  if (out.first_unparsable_index) {
    out.problems.push_back(absl::StrCat("entry ", *out.first_unparsable_index,
                                        " does not parse as a poc.v1.AuditEvent (", out.unparsable,
                                        " entries do not)"));
  }
  const std::string root = ToString(range.Root(hasher));
  if (root != cp.root_hash) {
    Locator locator(source, cp, snapshots, page_size);
    std::string why_not;
    ASSIGN_OR_RETURN(out.first_bad_index, locator.Locate(&why_not));
    if (out.first_bad_index) {
      out.problems.insert(
          out.problems.begin(),
          absl::StrCat("the entries give root ", Short(root), ", not the signed root ",
                       Short(cp.root_hash), " of size ", cp.size, "; the first bad entry is index ",
                       *out.first_bad_index));
    } else {
      out.problems.insert(
          out.problems.begin(),
          absl::StrCat("the entries give root ", Short(root), ", not the signed root ",
                       Short(cp.root_hash), " of size ", cp.size,
                       "; the first bad entry could not be located: ", why_not));
    }
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

absl::StatusOr<std::vector<std::string>> CheckAgainstSeen(AuditSource& source, const Checkpoint& cp,
                                                          const std::vector<SeenCheckpoint>& seen) {
  std::vector<std::string> problems;
  const SeenCheckpoint* largest_smaller = nullptr;
  for (const SeenCheckpoint& s : seen) {
    if (s.size == cp.size && s.root_hash != cp.root_hash) {
      problems.push_back(absl::StrCat("the checkpoint of size ", cp.size, " has root ",
                                      Short(cp.root_hash),
                                      " but one of the same size seen "
                                      "earlier had root ",
                                      Short(s.root_hash), ": the log forked"));
    } else if (s.size > cp.size) {
      problems.push_back(absl::StrCat("the log shrank: a checkpoint of size ", s.size, " (root ",
                                      Short(s.root_hash), ") was seen earlier, now size ", cp.size,
                                      " (root ", Short(cp.root_hash), ")"));
    } else if (s.size > 0 && s.size < cp.size &&
               (largest_smaller == nullptr || s.size > largest_smaller->size)) {
      largest_smaller = &s;
    }
  }
  if (largest_smaller != nullptr) {
    absl::StatusOr<std::vector<std::string>> proof =
        source.ConsistencyProof(largest_smaller->size, cp.size);
    if (absl::IsUnimplemented(proof.status())) {
      return problems;  // VerifyLog recomputes it
    }
    if (!proof.ok()) {
      return proof.status();
    }
    absl::Status s = merkle::VerifyConsistency(largest_smaller->size, cp.size, *proof,
                                               largest_smaller->root_hash, cp.root_hash);
    if (!s.ok()) {
      problems.push_back(absl::StrCat(
          "the checkpoint of size ", cp.size, " (root ", Short(cp.root_hash),
          ") is not consistent with the one of size ", largest_smaller->size, " (root ",
          Short(largest_smaller->root_hash), ") seen earlier: ", std::string(s.message())));
    }
  }
  return problems;
}

}  // namespace poc::pocctl
