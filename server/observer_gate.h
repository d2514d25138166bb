// The relay's ObserverGate (server/access_policy.h): admits an observer certificate only while
// its slug's latest proposal is logged ACCREDITED in the store.
#ifndef POC_SERVER_OBSERVER_GATE_H_
#define POC_SERVER_OBSERVER_GATE_H_

#include "common/util/clock.h"
#include "server/access_policy.h"
#include "server/observer_decider.h"
#include "server/relay_store.h"

namespace poc {

// Thread-safe; reads the store on each call (observers call rarely, and the read is quick).
// The pointers must outlive the gate.
class StoreObserverGate final : public ObserverGate {
 public:
  StoreObserverGate(RelayStore* store, const Clock* clock, ObserverDecider* decider)
      : store_(store), clock_(clock), decider_(decider) {}

  absl::Status Admit(const std::string& slug) const override;

 private:
  RelayStore* const store_;
  const Clock* const clock_;
  ObserverDecider* const decider_;
};

}  // namespace poc

#endif  // POC_SERVER_OBSERVER_GATE_H_
