#include "common/checkpoint/signed_checkpoint.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace poc {

absl::StatusOr<std::string> SignCheckpoint(const Checkpoint& checkpoint, const NoteSigner& log) {
  if (checkpoint.origin != log.name()) {
    return absl::InvalidArgumentError(absl::StrCat("checkpoint origin \"", checkpoint.origin,
                                                   "\" differs from the log key name \"",
                                                   log.name(), "\""));
  }
  ASSIGN_OR_RETURN(std::string text, checkpoint.Format());
  const NoteSigner* signers[] = {&log};
  return SignNote(text, signers);
}

absl::StatusOr<OpenedCheckpoint> OpenCheckpoint(std::string_view note, const NoteVerifier& log,
                                                absl::Span<const NoteVerifier* const> witnesses) {
  std::vector<const NoteVerifier*> verifiers{&log};
  verifiers.insert(verifiers.end(), witnesses.begin(), witnesses.end());
  ASSIGN_OR_RETURN(OpenedNote opened, OpenNote(note, verifiers));
  bool log_signed = false;
  for (const NoteSignature& sig : opened.verified) {
    if (sig.name == log.name() && sig.key_id == log.key_id()) log_signed = true;
  }
  if (!log_signed) {
    return absl::UnauthenticatedError(
        absl::StrCat("checkpoint is not signed by the log key ", log.name()));
  }
  ASSIGN_OR_RETURN(Checkpoint checkpoint, Checkpoint::Parse(opened.text));
  if (checkpoint.origin != log.name()) {
    return absl::InvalidArgumentError(absl::StrCat("checkpoint origin \"", checkpoint.origin,
                                                   "\" is not the log's name \"", log.name(),
                                                   "\""));
  }
  return OpenedCheckpoint{std::move(checkpoint), std::move(opened)};
}

}  // namespace poc
