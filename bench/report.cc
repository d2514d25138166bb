#include "bench/report.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"

namespace poc::bench {
namespace {

std::string Num(const std::optional<double>& v, int digits) {
  if (!v) return "-";
  return absl::StrFormat("%.*f", digits, *v);
}

nlohmann::json OrNull(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

const ScenarioResult* Find(const std::vector<ScenarioResult>& results, const std::string& scenario,
                           const std::string& target) {
  for (const ScenarioResult& r : results) {
    if (r.scenario == scenario && r.target == target && r.error.empty()) return &r;
  }
  return nullptr;
}

}  // namespace

std::optional<double> ScenarioResult::limit_multiple() const {
  if (!limit_s || *limit_s <= 0 || !error.empty()) return std::nullopt;
  return seconds / *limit_s;
}

nlohmann::json ScenarioResult::ToJson() const {
  nlohmann::json j;
  j["scenario"] = scenario;
  j["target"] = target;
  j["states"] = states;
  j["messages"] = messages;
  j["seconds"] = seconds;
  j["msgs_per_s"] = msgs_per_s();
  j["p50_ms"] = OrNull(p50_ms);
  j["p90_ms"] = OrNull(p90_ms);
  j["p99_ms"] = OrNull(p99_ms);
  j["p999_ms"] = OrNull(p999_ms);
  j["relay_rss_mb"] = OrNull(relay_rss_mb);
  j["relay_cpu_s"] = OrNull(relay_cpu_s);
  if (limit_s) {
    j["signs"] = signs;
    j["verifies"] = verifies;
    j["limit_s"] = *limit_s;
    j["limit_multiple"] = OrNull(limit_multiple());
  }
  for (const auto& [key, value] : extra) j[key] = value;
  j["ok"] = error.empty();
  if (!error.empty()) j["error"] = error;
  return j;
}

void SetPercentiles(std::vector<double> samples_ms, ScenarioResult* result) {
  if (samples_ms.empty()) return;
  std::sort(samples_ms.begin(), samples_ms.end());
  auto at = [&](double q) {
    const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(samples_ms.size())));
    return samples_ms[std::min(samples_ms.size() - 1, rank == 0 ? 0 : rank - 1)];
  };
  result->p50_ms = at(0.50);
  result->p90_ms = at(0.90);
  result->p99_ms = at(0.99);
  result->p999_ms = at(0.999);
}

std::string FormatTable(const std::vector<ScenarioResult>& results) {
  std::string out =
      absl::StrFormat("%-10s %-10s %6s %8s %9s %10s %8s %8s %8s %7s %7s %7s  %s\n", "SCENARIO",
                      "TARGET", "STATES", "MESSAGES", "SECONDS", "MSGS/S", "P50 ms", "P99 ms",
                      "P99.9ms", "RSS MB", "CPU s", "xBOUND", "NOTES");
  for (const ScenarioResult& r : results) {
    std::string notes;
    for (const auto& [key, value] : r.extra) {
      notes += absl::StrFormat("%s%s=%.4g", notes.empty() ? "" : " ", key, value);
    }
    if (!r.error.empty()) notes = "FAILED: " + r.error;
    out += absl::StrFormat("%-10s %-10s %6d %8d %9.3f %10.0f %8s %8s %8s %7s %7s %7s  %s\n",
                           r.scenario, r.target, r.states, r.messages, r.seconds, r.msgs_per_s(),
                           Num(r.p50_ms, 2), Num(r.p99_ms, 2), Num(r.p999_ms, 2),
                           Num(r.relay_rss_mb, 1), Num(r.relay_cpu_s, 2),
                           Num(r.limit_multiple(), 2), notes);
  }
  // Ours against the peer, scenario by scenario: below 1 means poc-relay was faster.
  for (const std::string scenario : {"storm", "latency"}) {
    const ScenarioResult* ours = Find(results, scenario, "poc-relay");
    const ScenarioResult* peer = Find(results, scenario, "mosquitto");
    if (ours == nullptr || peer == nullptr) continue;
    if (scenario == "storm") {
      out += absl::StrFormat("ratio ours/peer, storm: %.2f (%.3f s / %.3f s)\n",
                             ours->seconds / peer->seconds, ours->seconds, peer->seconds);
    } else if (ours->p50_ms && peer->p50_ms && ours->p99_ms && peer->p99_ms) {
      out += absl::StrFormat(
          "ratio ours/peer, latency: p50 %.2f (%.2f / %.2f ms), p99 %.2f (%.2f / %.2f ms)\n",
          *ours->p50_ms / *peer->p50_ms, *ours->p50_ms, *peer->p50_ms,
          *ours->p99_ms / *peer->p99_ms, *ours->p99_ms, *peer->p99_ms);
    }
  }
  return out;
}

}  // namespace poc::bench
