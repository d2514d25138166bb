// The timer behind the relay's schedulers (exercises, escalation): one thread that sleeps until
// the next due time and then runs what is due. What is due is always read again from the store
// (`next_due`), never kept here, so a restart or a missed wake-up loses nothing.
#ifndef POC_SERVER_DUE_TIMER_H_
#define POC_SERVER_DUE_TIMER_H_

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/util/clock.h"

namespace poc {

// Thread-safe. The clock and whatever the functions use must outlive the timer.
class DueTimer {
 public:
  using NextDueFn = std::function<absl::StatusOr<std::optional<absl::Time>>()>;
  using RunDueFn = std::function<absl::Status()>;

  // `name` names the timer in log lines, e.g. "exercise scheduler". `next_due` gives the earliest
  // time something is due (nullopt when nothing is); `run_due` does what is due now, called on
  // the timer's thread only when next_due() <= now. `max_wait` is the longest sleep: work added
  // without a Wake() is found within it, and a change of the system clock costs at most that.
  DueTimer(const Clock* clock, std::string name, NextDueFn next_due, RunDueFn run_due,
           absl::Duration max_wait = absl::Minutes(1));
  // After a failed read or run, the timer tries again after this long.
  static constexpr absl::Duration kRetryAfterError = absl::Seconds(5);

  ~DueTimer();  // Stop()s
  DueTimer(const DueTimer&) = delete;
  DueTimer& operator=(const DueTimer&) = delete;

  // Starts the thread; it looks at once.
  void Start();
  // Something was added or changed: look again now.
  void Wake();
  // Waits for a run in progress to end; idempotent.
  void Stop();

 private:
  // On the thread: waits until the next due time (within max_wait; kRetryAfterError after an
  // error), runs what is due, and arms again.
  void Arm(bool after_error = false);

  const Clock* const clock_;
  const std::string name_;
  const NextDueFn next_due_;
  const RunDueFn run_due_;
  const absl::Duration max_wait_;
  boost::asio::io_context io_;
  boost::asio::steady_timer timer_;  // used on thread_ only
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
  std::thread thread_;
};

}  // namespace poc

#endif  // POC_SERVER_DUE_TIMER_H_
