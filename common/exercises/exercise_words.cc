#include "common/exercises/exercise_words.h"

#include <cstdint>

namespace poc {

const char* ExerciseModeWord(v1::ExerciseMode mode) {
  switch (mode) {
    case v1::EXERCISE_MODE_RECEIPT:
      return "receipt";
    case v1::EXERCISE_MODE_ACKNOWLEDGE:
      return "acknowledge";
    default:
      return "";
  }
}

v1::ExerciseMode ParseExerciseMode(std::string_view word) {
  if (word == "receipt") {
    return v1::EXERCISE_MODE_RECEIPT;
  }
  if (word == "acknowledge") {
    return v1::EXERCISE_MODE_ACKNOWLEDGE;
  }
  return v1::EXERCISE_MODE_UNSPECIFIED;
}

const char* ExerciseStatusWord(v1::ExerciseStatus status) {
  switch (status) {
    case v1::EXERCISE_STATUS_SCHEDULED:
      return "scheduled";
    case v1::EXERCISE_STATUS_FINISHED:
      return "finished";
    case v1::EXERCISE_STATUS_CANCELLED:
      return "cancelled";
    default:
      return "unknown";
  }
}

const char* ExerciseOutcomeWord(v1::ExerciseOutcome outcome) {
  switch (outcome) {
    case v1::EXERCISE_OUTCOME_PENDING:
      return "pending";
    case v1::EXERCISE_OUTCOME_RESPONDED:
      return "responded";
    case v1::EXERCISE_OUTCOME_LATE:
      return "late";
    case v1::EXERCISE_OUTCOME_NO_RESPONSE:
      return "no response";
    case v1::EXERCISE_OUTCOME_UNREACHABLE:
      return "unreachable";
    default:
      return "unknown";
  }
}

std::string ExerciseDurationWord(absl::Duration d) {
  if (d < absl::ZeroDuration()) {
    return "-" + ExerciseDurationWord(-d);
  }
  if (d < absl::Seconds(1) || d % absl::Seconds(1) != absl::ZeroDuration()) {
    if (d < absl::Minutes(1)) {
      return absl::FormatDuration(absl::Trunc(d, absl::Milliseconds(1)));
    }
    d = absl::Trunc(d, absl::Seconds(1));
  }
  int64_t seconds = absl::ToInt64Seconds(d);
  if (seconds == 0) {
    return "0s";
  }
  std::string out;
  const int64_t days = seconds / 86400;
  seconds %= 86400;
  if (days > 0) {
    out += std::to_string(days) + "d";
  }
  const int64_t hours = seconds / 3600;
  seconds %= 3600;
  if (hours > 0) {
    out += std::to_string(hours) + "h";
  }
  const int64_t minutes = seconds / 60;
  seconds %= 60;
  if (minutes > 0) {
    out += std::to_string(minutes) + "m";
  }
  if (seconds > 0) {
    out += std::to_string(seconds) + "s";
  }
  return out;
}

}  // namespace poc
