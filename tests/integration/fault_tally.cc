#include "tests/integration/fault_tally.h"

#include <gtest/gtest.h>

#include <iostream>
#include <vector>

namespace poc::testing {
namespace {

// Prints the tally when the test binary ends (also under ctest, into the test's output).
class TallyPrinter : public ::testing::Environment {
 public:
  void TearDown() override {
    const std::string summary = FaultTally::Get().Summary();
    if (!summary.empty()) {
      std::cout << summary << std::endl;
    }
  }
};

const ::testing::Environment* const kPrinter =
    ::testing::AddGlobalTestEnvironment(new TallyPrinter);

}  // namespace

FaultTally& FaultTally::Get() {
  static FaultTally* tally = new FaultTally();
  return *tally;
}

void FaultTally::Count(const std::string& what, uint64_t n) {
  if (n == 0) {
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  order_.emplace(what, static_cast<int>(order_.size()));
  counts_[what] += n;
}

void FaultTally::AddProxy(const FaultProxyStats& s) {
  Count("blackhole(s)", s.blackholes);
  Count("connection(s) reset", s.connections_reset);
  Count("connection(s) refused", s.connections_refused);
  Count("chunk(s) delayed", s.chunks_delayed);
  Count("chunk(s) stalled as by loss", s.chunks_stalled);
}

std::string FaultTally::Summary() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> faults(order_.size());
  std::vector<std::string> checks(order_.size());
  for (const auto& [what, index] : order_) {
    const std::string item = std::to_string(counts_.at(what)) + " " + what;
    (what.rfind("message(s) checked", 0) == 0 || what.rfind("dead session", 0) == 0
         ? checks
         : faults)[index] = item;
  }
  auto join = [](const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) {
      if (i.empty()) {
        continue;
      }
      out += (out.empty() ? "" : ", ") + i;
    }
    return out;
  };
  if (counts_.empty()) {
    return "";
  }
  const std::string observed = join(checks);
  return "network faults injected: " + join(faults) +
         (observed.empty() ? "" : "; observed: " + observed);
}

}  // namespace poc::testing
