// Everything the relay checks before it stores a submission (DESIGN.md, "Wire contract").
#ifndef POC_SERVER_SUBMISSION_CHECKER_H_
#define POC_SERVER_SUBMISSION_CHECKER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/directory/directory_view.h"
#include "poc/v1/envelope.pb.h"
#include "server/relay_store.h"

namespace poc {

struct SubmissionLimits {
  int64_t max_message_bytes = 256 * 1024;
  absl::Duration clock_skew = absl::Minutes(5);
  absl::Duration max_message_age = absl::Hours(72);
  size_t max_recipients = 1000;  // entries of Message.recipients as written
};

// Checks, in order, and answers with the first failure:
//   size (INVALID_ARGUMENT); key in the directory (UNAUTHENTICATED); key owned by the caller's
//   State (PERMISSION_DENIED); key not revoked and signature over the exact bytes
//   (UNAUTHENTICATED); bytes parse (INVALID_ARGUMENT); sender equals the caller's State
//   (PERMISSION_DENIED); message and template fields (INVALID_ARGUMENT, naming the field);
//   the kind is not an exercise ping, which only the relay sends (PERMISSION_DENIED);
//   created_at within the clock window and recipients known (INVALID_ARGUMENT).
// On success returns the message to store, recipients expanded ("all" = every other State).
absl::StatusOr<NewMessage> CheckSubmission(const v1::Envelope& envelope,
                                           const std::string& caller_state,
                                           const DirectoryView& directory,
                                           const SubmissionLimits& limits, absl::Time now);

}  // namespace poc

#endif  // POC_SERVER_SUBMISSION_CHECKER_H_
