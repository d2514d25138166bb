// Ends silence periods: logs OBSERVER_ACCREDITED for each proposal whose silence period ended
// without objection (RelayStore::DecideObservers), at its deadline, and once at start for
// deadlines that passed while the relay was down.
#ifndef POC_SERVER_OBSERVER_DECIDER_H_
#define POC_SERVER_OBSERVER_DECIDER_H_

#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "common/util/clock.h"
#include "server/relay_store.h"

namespace poc {

// Thread-safe. `*store` and `*clock` must outlive the decider; Stop() before the store shuts
// down.
class ObserverDecider {
 public:
  ObserverDecider(RelayStore* store, const Clock* clock) : store_(store), clock_(clock) {}
  ~ObserverDecider() { Stop(); }
  ObserverDecider(const ObserverDecider&) = delete;
  ObserverDecider& operator=(const ObserverDecider&) = delete;

  // Decides every proposal due now and waits until that is durable.
  absl::Status DecideNow();
  // Starts the thread that decides each proposal at its deadline.
  void Start();
  // A proposal was added, or one may be due: look again now.
  void Wake();
  void Stop();

 private:
  void Loop();

  RelayStore* const store_;
  const Clock* const clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  bool woken_ = false;     // guarded by mu_
  std::thread thread_;
};

}  // namespace poc

#endif  // POC_SERVER_OBSERVER_DECIDER_H_
