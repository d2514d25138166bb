// The words operators, reports and logs use for an exercise's mode, status and outcomes
// (proto/poc/v1/exercises.proto), shared by the relay and pocctl.
#ifndef POC_COMMON_EXERCISES_EXERCISE_WORDS_H_
#define POC_COMMON_EXERCISES_EXERCISE_WORDS_H_

#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "poc/v1/exercises.pb.h"

namespace poc {

// "receipt", "acknowledge"; "" when unspecified.
const char* ExerciseModeWord(v1::ExerciseMode mode);
// The mode `word` names, or EXERCISE_MODE_UNSPECIFIED.
v1::ExerciseMode ParseExerciseMode(std::string_view word);
// "scheduled", "finished", "cancelled"; "unknown" otherwise.
const char* ExerciseStatusWord(v1::ExerciseStatus status);
// "pending", "responded", "late", "no response", "unreachable"; "unknown" otherwise.
const char* ExerciseOutcomeWord(v1::ExerciseOutcome outcome);
// A duration as people write it in exercise settings: "90d", "4h", "1h30m", "45s", "1.5s".
std::string ExerciseDurationWord(absl::Duration d);

}  // namespace poc

#endif  // POC_COMMON_EXERCISES_EXERCISE_WORDS_H_
