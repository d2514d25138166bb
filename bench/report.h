// A scenario's result, and the two ways it is printed: a table for people and, with --json,
// one JSON object per scenario (one per line).
#ifndef POC_BENCH_REPORT_H_
#define POC_BENCH_REPORT_H_

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace poc::bench {

struct ScenarioResult {
  std::string scenario;  // storm, broadcast, latency, ping, reconnect, ingest
  std::string target;    // "poc-relay" or "mosquitto"
  int states = 0;
  int64_t messages = 0;  // deliveries (one per recipient)
  double seconds = 0;
  std::optional<double> p50_ms, p90_ms, p99_ms, p999_ms;
  std::optional<double> relay_rss_mb, relay_cpu_s;
  // --limit: Ed25519 operations the scenario needs, and their time divided by the cores.
  int64_t signs = 0;
  int64_t verifies = 0;
  std::optional<double> limit_s;
  // Scenario-specific figures, e.g. "durable_ms" and "receipts_ms" for broadcast.
  std::map<std::string, double> extra;
  std::string error;  // empty when the scenario completed

  double msgs_per_s() const { return seconds > 0 ? static_cast<double>(messages) / seconds : 0; }
  std::optional<double> limit_multiple() const;
  nlohmann::json ToJson() const;
};

// Fills p50..p99.9 from latency samples (nearest rank).
void SetPercentiles(std::vector<double> samples_ms, ScenarioResult* result);

// The table for people; when both targets ran a scenario, a "ratio" line (ours / peer).
std::string FormatTable(const std::vector<ScenarioResult>& results);

}  // namespace poc::bench

#endif  // POC_BENCH_REPORT_H_
