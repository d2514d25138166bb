// What one test binary injected and checked, counted as it goes and printed as one line when
// the binary ends, e.g. "network faults injected: 3 blackhole(s), ...". README.md quotes a run.
#ifndef POC_TESTS_INTEGRATION_FAULT_TALLY_H_
#define POC_TESTS_INTEGRATION_FAULT_TALLY_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "tests/integration/fault_proxy.h"

namespace poc::testing {

// Thread-safe.
class FaultTally {
 public:
  static FaultTally& Get();

  // Adds `n` to the count named `what` (e.g. "link(s) taken down").
  void Count(const std::string& what, uint64_t n = 1);
  // Adds what a proxy injected over its life.
  void AddProxy(const FaultProxyStats& stats);
  // "network faults injected: ...; checked: ..." (counts in the order first counted).
  std::string Summary() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> counts_;  // guarded by mu_
  std::map<std::string, int> order_;        // guarded by mu_; first-count order
};

// Names shared by the suites, so the summary reads the same everywhere.
inline constexpr const char* kCheckedOnceInOrder = "message(s) checked: delivered once, in order";
inline constexpr const char* kRelayNoticedDeadPeer = "dead session(s) closed by the relay";
inline constexpr const char* kNodeNoticedDeadPeer = "dead session(s) dropped by pocd";

}  // namespace poc::testing

#endif  // POC_TESTS_INTEGRATION_FAULT_TALLY_H_
