// Operators name messages by the end of their id, as tables show it ("…89abcdef"), or by its
// beginning.
#ifndef POC_CLIENT_POCCTL_MESSAGE_REF_H_
#define POC_CLIENT_POCCTL_MESSAGE_REF_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "client/pocctl/control_client.h"
#include "poc/v1/node_control.pb.h"

namespace poc::pocctl {

// The shortest reference accepted: the last 8 hex digits of a UUIDv7 are 32 random bits.
inline constexpr size_t kMinIdPrefix = 8;

enum class Folders { kInbox, kInboxAndSent };

struct Candidate {
  v1::MessageSummary summary;
  v1::Folder folder;
};

// Picks the one candidate whose id starts or ends with `ref` (case ignored, a "…" as copied
// from a table is dropped). Errors: ref shorter than 8 characters or not part of an id
// (INVALID_ARGUMENT), no match (NOT_FOUND), several matches (FAILED_PRECONDITION, listing
// them).
absl::StatusOr<std::string> PickMessageId(std::string_view ref,
                                          const std::vector<Candidate>& candidates);

// Checks `ref` alone (long enough, only id characters), so a typo is reported before pocd is
// contacted.
absl::Status CheckMessageRef(std::string_view ref);

// A full id is returned as it is; a prefix or suffix is resolved against pocd's folders.
absl::StatusOr<std::string> ResolveMessageId(std::string_view ref, Folders folders,
                                             ControlClient& client);

// The full id of the record (exercise, drill, observer proposal) that `id` names: `id` itself
// when it is a full id, else the one id from `list_ids` that starts with it. `what` names the
// kind ("exercise") and `list_command` the command that shows the ids, for the error messages
// (INVALID_ARGUMENT: a prefix shorter than kMinIdPrefix, or no or several matches).
absl::StatusOr<std::string> ResolveRecordId(
    const std::string& id, absl::string_view what, absl::string_view list_command,
    absl::FunctionRef<absl::StatusOr<std::vector<std::string>>()> list_ids);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_MESSAGE_REF_H_
