// The ping of one exercise run: a Message from "secretariat" of kind EXERCISE_PING, addressed
// to the run's target States, signed by the relay's own key (common/envelope/relay_envelope.h),
// which every node pins. See proto/poc/v1/exercises.proto.
#ifndef POC_SERVER_EXERCISE_PING_H_
#define POC_SERVER_EXERCISE_PING_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/crypto/ed25519.h"
#include "common/directory/directory_view.h"
#include "poc/v1/message.pb.h"
#include "server/exercise_store.h"

namespace poc {

// The ping's message for run `run` of `exercise`, fired at `fired_at`, due by `deadline_at`, to
// `recipients`: urgency from the deadline (flash up to 1h, urgent up to 4h, priority up to 24h,
// routine beyond), TLP CLEAR, a subject naming the exercise and run, and in the summary what the
// operator has to do (acknowledge before the deadline, or nothing).
v1::Message ExercisePingMessage(const v1::Exercise& exercise, uint64_t run, absl::Time fired_at,
                                absl::Time deadline_at, const std::vector<std::string>& recipients);

// The ping of run `run` of `exercise` to its targets in `directory`, signed with `relay_key`.
// INTERNAL when the message would not pass the template's rules (it always should).
absl::StatusOr<ExercisePingEnvelope> MakeExercisePing(const v1::Exercise& exercise, uint64_t run,
                                                      absl::Time fired_at, absl::Time deadline_at,
                                                      const DirectoryView& directory,
                                                      const Ed25519PrivateKey& relay_key);

}  // namespace poc

#endif  // POC_SERVER_EXERCISE_PING_H_
