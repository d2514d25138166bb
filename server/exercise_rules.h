// The rules of ping exercises (proto/poc/v1/exercises.proto) as pure functions of an exercise,
// its runs, the States' answers and the relay's time, so that the store, the scheduler, the RPC
// handlers and tests in simulated time all apply the same rules.
//
// Runs: occurrence n (1, 2, ...) is due at first_run_at + (n - 1) * every; a one-off exercise has
// occurrence 1 only. A run fires once: when several occurrences fell due while the relay was
// down, only the latest fires (marked late, the others counted as skipped). Each run's deadline
// is its firing time plus the exercise's deadline, so a late run still gives States the full
// time to answer.
//
// Outcomes of a State in a run, as at time `now`:
//   receipt mode      responded  delivery receipt at or before the deadline
//                     late       delivery receipt after it
//                     unreachable no delivery receipt by the deadline (yet)
//   acknowledge mode  responded  acknowledgement at or before the deadline
//                     late       acknowledgement after it
//                     no response delivered, not acknowledged by the deadline (yet)
//                     unreachable neither delivered nor acknowledged by the deadline (yet)
//   either            pending    before the deadline, not answered yet
// An acknowledgement implies delivery (the node stored the ping before it could acknowledge).
#ifndef POC_SERVER_EXERCISE_RULES_H_
#define POC_SERVER_EXERCISE_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/directory/directory_view.h"
#include "poc/v1/exercises.pb.h"

namespace poc {

inline constexpr size_t kMaxExerciseNameBytes = 100;
inline constexpr size_t kMaxExerciseTargets = 1000;
inline constexpr absl::Duration kMaxExerciseDeadline = absl::Hours(24 * 30);
// A run that fires later than this after its time (a stalled store) is marked late too.
inline constexpr absl::Duration kExerciseLateTolerance = absl::Minutes(1);
// A first run this little in the past (clocks differ) fires at once instead of being refused.
inline constexpr absl::Duration kExerciseStartSkew = absl::Minutes(1);

// Checks a CreateExerciseRequest against `directory` at relay time `now` and returns the
// exercise to store, first_run_at filled in (now when unset); id and created_at are the
// caller's. INVALID_ARGUMENT naming the field and what to do: name, targets (each all,
// group:NAME of the directory, or a State of the directory; at least one State in all), mode,
// deadline (1s to 30d), every (zero, or longer than the deadline), first_run_at (its deadline
// must be ahead of `now`, and it may be at most kExerciseStartSkew in the past).
absl::StatusOr<v1::Exercise> CheckExerciseRequest(const v1::CreateExerciseRequest& request,
                                                  const DirectoryView& directory, absl::Time now);

// The States `targets` name in `directory`, sorted and unique. A State or group no longer in the
// directory is skipped.
std::vector<std::string> ExpandExerciseTargets(
    const google::protobuf::RepeatedPtrField<std::string>& targets, const DirectoryView& directory);

// When occurrence `run` (1-based) of `exercise` is due.
absl::Time ExerciseRunTime(const v1::Exercise& exercise, uint64_t run);

struct DueRun {
  uint64_t run = 0;
  uint64_t skipped = 0;  // occurrences before `run`, from `next_run` on, that will not fire
  absl::Time scheduled_at;
};

// The run to fire at `now`, when `next_run` is the first occurrence not yet fired (0: none
// left): the latest occurrence due by `now`. nullopt when nothing is due.
std::optional<DueRun> DueExerciseRun(const v1::Exercise& exercise, uint64_t next_run,
                                     absl::Time now);

// The occurrence after `fired`: fired + 1 when the exercise recurs, otherwise 0 (none left).
uint64_t NextExerciseRun(const v1::Exercise& exercise, uint64_t fired);

// Whether a run due at `scheduled_at` and fired at `fired_at` counts as late: fired by the
// relay's start-up catch-up (`at_start`: it was down at the run's time) or more than
// kExerciseLateTolerance after its time.
bool ExerciseRunLate(absl::Time scheduled_at, absl::Time fired_at, bool at_start);

// What the relay knows of one target's answers to one run.
struct TargetAnswer {
  std::string state;
  std::optional<absl::Time> delivered_at;     // relay time of the node's delivery receipt
  std::optional<absl::Time> acknowledged_at;  // relay time of the acknowledgement
  bool automatic = false;                     // acknowledged by the node itself
  std::string acknowledgement_id;
  std::string refused_reason;  // the node refused the ping
};

v1::ExerciseOutcome ExerciseOutcomeOf(v1::ExerciseMode mode, absl::Time deadline_at,
                                      const TargetAnswer& answer, absl::Time now);

// The report of `run` from its targets' `answers`, as at `now`: each State's result (with its
// groups in `directory`, which may be null), the totals, and a tally per directory group that
// has targets.
v1::ExerciseRunReport BuildExerciseRunReport(const v1::ExerciseRun& run, v1::ExerciseMode mode,
                                             const std::vector<TargetAnswer>& answers,
                                             const DirectoryView* directory, absl::Time now);

}  // namespace poc

#endif  // POC_SERVER_EXERCISE_RULES_H_
