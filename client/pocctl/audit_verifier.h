// The checks behind `pocctl audit verify`: stream every entry of a signed checkpoint's tree,
// recompute its root in O(log n) memory, check every entry parses as a poc.v1.AuditEvent and
// that the roots of earlier checkpoints are reproduced on the way, and when the root differs,
// name the first leaf that is not the one the relay committed to.
#ifndef POC_CLIENT_POCCTL_AUDIT_VERIFIER_H_
#define POC_CLIENT_POCCTL_AUDIT_VERIFIER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/pocctl/audit_source.h"
#include "common/checkpoint/checkpoint.h"

namespace poc::pocctl {

// A checkpoint verified earlier (audit_seen_store.h).
struct SeenCheckpoint {
  uint64_t size = 0;
  std::string root_hash;  // 32 raw bytes
};

struct VerifyOutcome {
  uint64_t tree_size = 0;
  // Every problem found, one sentence each; empty when the log verified.
  std::vector<std::string> problems;
  // The first leaf that differs from what the signed tree holds, when the root differs and it
  // could be located.
  std::optional<uint64_t> first_bad_index;
  // The first leaf that does not parse as a poc.v1.AuditEvent, and how many do not.
  std::optional<uint64_t> first_unparsable_index;
  uint64_t unparsable = 0;
  double seconds = 0;
  bool ok() const { return problems.empty(); }
};

// Called after each page with the entries done so far and the total.
using VerifyProgress = std::function<void(uint64_t done, uint64_t total)>;

// Verifies the tree of `checkpoint` (whose signature the caller has checked) against the
// entries `source` serves. `seen` may hold checkpoints of any size: those up to the
// checkpoint's size have their roots recomputed on the way. Problems found are in the outcome;
// an error means the verification could not be carried out (the source failed).
absl::StatusOr<VerifyOutcome> VerifyLog(AuditSource& source, const Checkpoint& checkpoint,
                                        const std::vector<SeenCheckpoint>& seen,
                                        const VerifyProgress& progress);

// Checks `checkpoint` against the checkpoints seen before, without reading entries: a seen
// checkpoint of the same size must have the same root, none may be larger (a shrunk log), and
// when the source serves consistency proofs the largest smaller one must be consistent with it.
// Returns the problems found (empty when consistent); an error when a proof could not be got.
absl::StatusOr<std::vector<std::string>> CheckAgainstSeen(AuditSource& source,
                                                          const Checkpoint& checkpoint,
                                                          const std::vector<SeenCheckpoint>& seen);

// Lowercase hex of a hash, for messages.
std::string HexHash(const std::string& hash);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_AUDIT_VERIFIER_H_
