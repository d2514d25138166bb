// The relay's exercise scheduler: fires each exercise run at its time and closes it at its
// deadline (ExerciseStore::FireDueRuns, CloseDueRuns), on a Boost.Asio timer, and once at start
// for what fell due while the relay was down. What is due is read from the store each time,
// never kept in memory, so a restart loses nothing; the store fires a run in one commit with the
// exercise's next occurrence, so nothing fires twice.
//
// Time comes only from the Clock seam: tests in simulated time call Tick() after moving a
// FakeClock, without the timer thread. Escalation drills can reuse the same pattern (a store
// op that does what is due at `now`, a scheduler that asks for the next due time).
#ifndef POC_SERVER_EXERCISE_SCHEDULER_H_
#define POC_SERVER_EXERCISE_SCHEDULER_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/util/clock.h"
#include "server/directory_holder.h"
#include "server/due_timer.h"
#include "server/exercise_store.h"
#include "server/relay_signer.h"

namespace poc {

// Thread-safe. The pointers must outlive the scheduler; Stop() before the store shuts down.
class ExerciseScheduler {
 public:
  // `on_fired` runs (on the scheduler's thread) with the States a fired run queued a ping for,
  // so that their open sessions push it at once. Must not block.
  using FiredCallback = std::function<void(const std::vector<std::string>& states)>;

  ExerciseScheduler(ExerciseStore* store, const DirectoryHolder* directory,
                    const RelaySigner* signer, const Clock* clock, FiredCallback on_fired);
  ~ExerciseScheduler();
  ExerciseScheduler(const ExerciseScheduler&) = delete;
  ExerciseScheduler& operator=(const ExerciseScheduler&) = delete;

  // At start, before the relay serves: fires each run that fell due while the relay was down
  // (marked late) and closes each run whose deadline passed meanwhile. Waits until durable.
  absl::Status CatchUp();
  // Fires and closes what is due now; waits until durable. The timer calls it.
  absl::Status Tick();
  // When the next run fires or the next deadline ends; nullopt when nothing is scheduled.
  absl::StatusOr<std::optional<absl::Time>> NextDue();

  // Starts the timer thread.
  void Start();
  // An exercise was created or cancelled: look again now.
  void Wake();
  void Stop();

 private:
  absl::Status RunDue(bool at_start);

  ExerciseStore* const store_;
  const DirectoryHolder* const directory_;
  const RelaySigner* const signer_;
  const Clock* const clock_;
  const FiredCallback on_fired_;
  DueTimer timer_;
};

}  // namespace poc

#endif  // POC_SERVER_EXERCISE_SCHEDULER_H_
