// CI's smoke test of poc-bench: the tool builds, runs a tiny storm against the relay it starts
// (and against mosquitto), and reports what README "Performance" promises in its JSON. No
// timing is asserted: speed belongs to the bench itself.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/process.h"

namespace poc::testing {
namespace {

std::vector<nlohmann::json> JsonLines(const std::string& output) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.front() != '{') continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded()) lines.push_back(j);
  }
  return lines;
}

void ExpectScenarioShape(const nlohmann::json& j) {
  for (const char* key : {"scenario", "target", "states", "messages", "seconds", "msgs_per_s",
                          "p50_ms", "p99_ms", "relay_rss_mb", "relay_cpu_s", "ok"}) {
    EXPECT_TRUE(j.contains(key)) << "missing " << key << " in " << j.dump();
  }
}

TEST(PocBenchSmokeTest, StormOfFiveStatesDeliversAndReceiptsEveryMessageInJson) {
  const RunResult r = RunCommand({BinaryPath("bench/poc-bench"), "--scenario", "storm", "--states",
                                  "5", "--json", "--limit", "--quiet", "--timeout", "120"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto lines = JsonLines(r.output);
  ASSERT_EQ(lines.size(), 1u) << r.output;
  const nlohmann::json& j = lines[0];
  ExpectScenarioShape(j);
  EXPECT_EQ(j["scenario"], "storm");
  EXPECT_EQ(j["target"], "poc-relay");
  EXPECT_EQ(j["states"], 5);
  EXPECT_EQ(j["messages"], 20) << "5 x 4 messages, each durably stored and receipted";
  EXPECT_EQ(j["ok"], true);
  EXPECT_GT(j["relay_rss_mb"].get<double>(), 0);
  EXPECT_EQ(j["signs"], 3 * 20) << "envelope, submit receipt, delivery receipt";
  EXPECT_EQ(j["verifies"], 5 * 20);
  EXPECT_TRUE(j["limit_multiple"].is_number());
}

TEST(PocBenchSmokeTest, MosquittoPeerRunsTheSameStormAndGetsARatio) {
  const RunResult r =
      RunCommand({BinaryPath("bench/poc-bench"), "--scenario", "storm", "--states", "3", "--target",
                  "both", "--json", "--quiet", "--timeout", "120"});
  ASSERT_EQ(r.exit_code, 0) << "poc-bench --target both failed (is Debian's mosquitto "
                               "installed? deploy/install-deps.sh installs it):\n"
                            << r.output;
  const auto lines = JsonLines(r.output);
  ASSERT_EQ(lines.size(), 2u) << r.output;
  ExpectScenarioShape(lines[1]);
  EXPECT_EQ(lines[0]["target"], "poc-relay");
  EXPECT_EQ(lines[1]["target"], "mosquitto");
  EXPECT_EQ(lines[1]["messages"], 6) << "3 x 2 messages, each answered by a receipt";
  EXPECT_TRUE(lines[1]["ratio_ours_peer"].is_number()) << lines[1].dump();
}

TEST(PocBenchSmokeTest, EveryScenarioRunsOnATinyNetwork) {
  const RunResult r = RunCommand({BinaryPath("bench/poc-bench"), "--scenario", "all", "--states",
                                  "4", "--json", "--quiet", "--seconds", "0.5", "--rate", "40",
                                  "--messages", "40", "--timeout", "120"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto lines = JsonLines(r.output);
  ASSERT_EQ(lines.size(), 6u) << r.output;
  std::vector<std::string> names;
  for (const auto& j : lines) {
    ExpectScenarioShape(j);
    EXPECT_EQ(j["ok"], true) << j.dump();
    names.push_back(j["scenario"]);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"storm", "broadcast", "latency", "ping", "reconnect",
                                             "ingest"}));
  EXPECT_EQ(lines[1]["messages"], 3) << "a broadcast from one of 4 States reaches 3";
  EXPECT_EQ(lines[2]["messages"], 20) << "40 a second for half a second";
  EXPECT_EQ(lines[3]["messages"], 4) << "every State acknowledged the ping, per the relay's report";
  EXPECT_EQ(lines[4]["messages"], 4) << "one queued message per State, flushed on reconnect";
  EXPECT_EQ(lines[5]["messages"], 40);
}

}  // namespace
}  // namespace poc::testing
