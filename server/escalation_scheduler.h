// The relay's escalation clock: fires drill steps, reminders and escalations at their time
// (EscalationStore::Tick) on a Boost.Asio timer, and once at start for what fell due while the
// relay was down (marked late). What is due is read from the store each time, never kept in
// memory, and each step is recorded in the commit that queues its notice, so nothing fires twice.
// New messages are not announced to it: it looks at least every ShortestRemind (at most a
// minute), which is before any of them can be due.
//
// Time comes only from the Clock seam: tests in simulated time call Tick() after moving a
// FakeClock, without the timer thread.
#ifndef POC_SERVER_ESCALATION_SCHEDULER_H_
#define POC_SERVER_ESCALATION_SCHEDULER_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/util/clock.h"
#include "server/directory_holder.h"
#include "server/due_timer.h"
#include "server/escalation_store.h"
#include "server/relay_signer.h"

namespace poc {

// Thread-safe. The pointers must outlive the scheduler; Stop() before the store shuts down.
class EscalationScheduler {
 public:
  // `on_queued` runs (on the scheduler's thread) with the States whose queues gained a notice or
  // drill message, so that their open sessions push it at once. Must not block.
  using QueuedCallback = std::function<void(const std::vector<std::string>& states)>;

  EscalationScheduler(EscalationStore* store, const DirectoryHolder* directory,
                      const RelaySigner* signer, const Clock* clock, EscalationPolicy policy,
                      QueuedCallback on_queued);
  ~EscalationScheduler();
  EscalationScheduler(const EscalationScheduler&) = delete;
  EscalationScheduler& operator=(const EscalationScheduler&) = delete;

  // At start, before the relay serves: fires what fell due while it was down. Waits until durable.
  absl::Status CatchUp();
  // Fires what is due now; waits until durable. The timer calls it.
  absl::Status Tick();
  absl::StatusOr<std::optional<absl::Time>> NextDue();
  const EscalationPolicy& policy() const { return policy_; }

  void Start();
  // A drill was started: look again now.
  void Wake();
  void Stop();

 private:
  absl::Status RunDue(bool at_start);

  EscalationStore* const store_;
  const DirectoryHolder* const directory_;
  const RelaySigner* const signer_;
  const Clock* const clock_;
  const EscalationPolicy policy_;
  const QueuedCallback on_queued_;
  DueTimer timer_;
};

}  // namespace poc

#endif  // POC_SERVER_ESCALATION_SCHEDULER_H_
