// A checkpoint as the log publishes it: a C2SP tlog-checkpoint text in a signed note, signed by
// the log's key and possibly cosigned by witnesses (cosignature.h).
#ifndef POC_COMMON_CHECKPOINT_SIGNED_CHECKPOINT_H_
#define POC_COMMON_CHECKPOINT_SIGNED_CHECKPOINT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/checkpoint/checkpoint.h"
#include "common/checkpoint/note.h"

namespace poc {

// Formats `checkpoint` and signs it with the log's key. The spec recommends a log key named
// after the origin; InvalidArgument when they differ, so that verifiers can rely on it.
absl::StatusOr<std::string> SignCheckpoint(const Checkpoint& checkpoint, const NoteSigner& log);

struct OpenedCheckpoint {
  Checkpoint checkpoint;
  // verified holds the log's signature and the valid signatures of `witnesses`; unverified the
  // signatures by other keys.
  OpenedNote note;
};

// Opens a signed checkpoint: requires a valid signature by `log` and an origin line equal to the
// log key's name. Signatures by `witnesses` are verified as well (a bad one rejects the note);
// counting them against a policy is the caller's job.
absl::StatusOr<OpenedCheckpoint> OpenCheckpoint(std::string_view note, const NoteVerifier& log,
                                                absl::Span<const NoteVerifier* const> witnesses);

}  // namespace poc

#endif  // POC_COMMON_CHECKPOINT_SIGNED_CHECKPOINT_H_
