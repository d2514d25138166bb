// The scenarios against poc-relay: storm, broadcast, latency, ping, reconnect and ingest (README,
// "Performance", says what each measures). Each runs against a fresh relay (or --relay) with
// freshly connected simulated nodes, and stops everything it started before it returns.
#ifndef POC_BENCH_SCENARIOS_H_
#define POC_BENCH_SCENARIOS_H_

#include <string>
#include <vector>

#include "bench/bench_options.h"
#include "bench/bench_pki.h"
#include "bench/progress.h"
#include "bench/report.h"

namespace poc::bench {

// The scenario names `--scenario all` runs, in order.
const std::vector<std::string>& OurScenarios();

// Runs one scenario; failures are reported in the result's `error`, never thrown.
ScenarioResult RunOurScenario(const std::string& scenario, BenchPki* pki,
                              const BenchOptions& options, Progress* progress);

}  // namespace poc::bench

#endif  // POC_BENCH_SCENARIOS_H_
