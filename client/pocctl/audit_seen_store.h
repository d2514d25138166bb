// The checkpoints `pocctl audit` has verified, kept in a small JSON file so that every later
// checkpoint is checked against them (a fork or a shrunk log is then noticed):
//   {"logs": {"<origin>": [{"size": 12, "root": "<base64>"}, ...]}}
// The node's file is <node dir>/audit-seen.json; with --from-tiles, --state FILE or
// $XDG_STATE_HOME/pocctl/audit-seen.json (~/.local/state/... without XDG_STATE_HOME).
#ifndef POC_CLIENT_POCCTL_AUDIT_SEEN_STORE_H_
#define POC_CLIENT_POCCTL_AUDIT_SEEN_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/pocctl/audit_verifier.h"
#include "common/checkpoint/checkpoint.h"

namespace poc::pocctl {

// The most checkpoints kept per log: the largest sizes win.
inline constexpr size_t kMaxSeenCheckpoints = 64;

// The default state file for --from-tiles.
std::string DefaultSeenPath();

// The checkpoints of `origin` in `path`; none when the file does not exist. InvalidArgument,
// naming the file, when it is not what this writes.
absl::StatusOr<std::vector<SeenCheckpoint>> LoadSeen(const std::string& path,
                                                     const std::string& origin);

// Adds `checkpoint` to the file (creating it and its folder), replacing it atomically.
absl::Status RecordSeen(const std::string& path, const Checkpoint& checkpoint);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_AUDIT_SEEN_STORE_H_
