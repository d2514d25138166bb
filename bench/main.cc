// poc-bench: simulates N State nodes against a relay it starts on loopback (or a running one)
// and measures the scenarios of README "Performance"; --target both also runs the peer,
// Eclipse Mosquitto, for the ratio.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "absl/strings/str_format.h"
#include "bench/bench_options.h"
#include "bench/bench_pki.h"
#include "bench/mosquitto_target.h"
#include "bench/progress.h"
#include "bench/report.h"
#include "bench/scenarios.h"
#include "bench/signature_bound.h"
#include "common/logging/logging.h"
#include "common/util/main_guard.h"

namespace poc::bench {
namespace {

// A sibling binary of the build tree (bench/../server/poc-relay) or of an install (same
// folder), else the name for PATH.
std::string FindBinary(const std::string& build_relative, const std::string& name) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const std::filesystem::path& p :
         {self.parent_path().parent_path() / build_relative, self.parent_path() / name}) {
      if (std::filesystem::exists(p)) return p.string();
    }
  }
  return name;
}

int Main(int argc, char** argv) {
  BenchOptions options;
  std::string scenario = "all";
  std::string target = "poc-relay";
  bool json = false;
  bool quiet = false;
  CLI::App app(
      "poc-bench simulates N State nodes (each with its own certificate, signing key and mutual-"
      "TLS connection, made with poc-pki) against a poc-relay it starts on loopback with a fresh "
      "SQLite store, or against a running one (--relay), and reports the time, throughput, "
      "latency percentiles and the relay's memory and CPU per scenario. --target both also runs "
      "Eclipse Mosquitto (mutual TLS 1.3, persistence, QoS 1) for the ratio ours/peer.");
  app.add_option("--scenario", scenario,
                 "storm (every State sends one message to every other), broadcast (one flash "
                 "notification to all), latency (a steady rate between random pairs), ping (the "
                 "Secretariat's ping exercise of all States, acknowledged automatically by each "
                 "node; done when the relay's report is complete), reconnect "
                 "(all nodes drop and reconnect at once with messages queued), ingest (durable "
                 "submits with nobody online, which stay queued), or all")
      ->check(
          CLI::IsMember({"storm", "broadcast", "latency", "ping", "reconnect", "ingest", "all"}))
      ->capture_default_str();
  app.add_option("--target", target,
                 "poc-relay, mosquitto (the peer; storm and latency only) or both (then the "
                 "table has a ratio line ours/peer)")
      ->check(CLI::IsMember({"poc-relay", "mosquitto", "both"}))
      ->capture_default_str();
  app.add_option("--states", options.states, "simulated States (1..249)")
      ->check(CLI::Range(1, 249))
      ->capture_default_str();
  app.add_option("--payload", options.payload_bytes, "bytes of each signed message")
      ->check(CLI::Range(256, 262144))
      ->capture_default_str();
  app.add_option("--rate", options.rate, "latency: messages a second")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--seconds", options.seconds, "latency: how long to send")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--messages", options.ingest_messages, "ingest: how many submissions")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--window", options.window,
                 "submissions each simulated State keeps in flight (storm, ingest)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--threads", options.threads,
                 "worker threads for the simulated nodes' signing, verifying and parsing "
                 "(0: one per core)")
      ->capture_default_str();
  app.add_option("--timeout", options.timeout_s,
                 "seconds after which a scenario stops and is reported FAILED")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--dir", options.dir,
                 "folder for the PKI and each run's relay and stores; kept, and its PKI reused "
                 "by the next run with the same --dir (default: a new temporary folder, removed "
                 "at the end unless --keep-dir)");
  app.add_flag("--keep-dir", options.keep_dir, "keep the temporary folder (logs, databases)");
  app.add_option("--relay", options.relay_address,
                 "host:port of a running poc-relay instead of one the bench starts; its "
                 "directory must list the bench's States: load <dir>/run-*/relay/directory.toml "
                 "from an earlier run with the same --dir and --states");
  app.add_option("--relay-pid", options.relay_pid,
                 "with --relay: the relay's process id, to read its memory and CPU from /proc");
  app.add_option("--relay-flag", options.relay_flags,
                 "an extra flag for the relay the bench starts (repeatable), e.g. "
                 "--relay-flag=--log-level=warn");
  app.add_option("--mosquitto", options.mosquitto, "the mosquitto broker binary")
      ->capture_default_str();
  app.add_flag("--limit", options.limit,
               "time Ed25519 sign and verify in this run, count those each scenario needs, and "
               "report its time as a multiple of that work divided by the cores (limit_multiple)");
  app.add_option("--cores", options.cores, "cores --limit divides by (0: this machine's)");
  app.add_flag("--json", json, "one JSON object per scenario on stdout (the table goes to stderr)");
  app.add_flag("--quiet", quiet, "no progress lines");
  CLI11_PARSE(app, argc, argv);

  (void)SetupLogging("poc-bench", false, "warn");
  options.poc_relay = FindBinary("server/poc-relay", "poc-relay");
  options.poc_pki = FindBinary("certs/poc-pki", "poc-pki");
  if (options.cores <= 0) options.cores = static_cast<int>(std::thread::hardware_concurrency());

  bool temporary = false;
  if (options.dir.empty()) {
    char tmpl[] = "/tmp/poc-bench-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) {
      std::cerr << "poc-bench: cannot make a temporary folder in /tmp\n";
      return 1;
    }
    options.dir = tmpl;
    temporary = !options.keep_dir;
  }
  options.dir = std::filesystem::absolute(options.dir).string();

  Progress progress(quiet);
  auto pki = BenchPki::Make(options.dir, options.poc_pki, options.states, [&](int done, int total) {
    progress.Update(
        absl::StrFormat("making certificates and keys with poc-pki: %d/%d", done, total));
  });
  if (!pki.ok()) {
    std::cerr << "poc-bench: " << pki.status().message() << "\n";
    return 1;
  }
  progress.Done(absl::StrFormat("PKI for %d States ready in %s", options.states, options.dir));

  std::optional<SignatureCosts> costs;
  if (options.limit) {
    costs = MeasureSignatureCosts(options.payload_bytes, 2000, options.cores);
    progress.Done(
        absl::StrFormat("Ed25519 on this machine: sign %.1f us, verify %.1f us; "
                        "bound divides by %d cores",
                        costs->sign_us, costs->verify_us, costs->cores));
  }

  std::vector<std::string> scenarios;
  if (scenario == "all") {
    scenarios = OurScenarios();
  } else {
    scenarios = {scenario};
  }
  std::vector<ScenarioResult> results;
  for (const std::string& name : scenarios) {
    const bool peer_has = std::find(MosquittoScenarios().begin(), MosquittoScenarios().end(),
                                    name) != MosquittoScenarios().end();
    if (target != "mosquitto") {
      results.push_back(RunOurScenario(name, pki->get(), options, &progress));
      if (costs) {
        results.back().limit_s =
            BoundSeconds(SignatureWork{results.back().signs, results.back().verifies}, *costs);
      }
    }
    if (target != "poc-relay" && peer_has) {
      results.push_back(RunMosquittoScenario(name, **pki, options, &progress));
    } else if (target == "mosquitto") {
      std::cerr << "poc-bench: the peer has no " << name << " scenario (storm and latency only)\n";
    }
  }
  const std::string table = FormatTable(results);
  if (json) {
    std::fputs(table.c_str(), stderr);
    for (ScenarioResult& r : results) {
      nlohmann::json j = r.ToJson();
      // The peer's object carries the ratio ours/peer of the same scenario.
      if (r.target == "mosquitto") {
        for (const ScenarioResult& ours : results) {
          if (ours.scenario == r.scenario && ours.target == "poc-relay" && ours.error.empty() &&
              r.error.empty() && r.seconds > 0) {
            if (r.scenario == "latency" && ours.p50_ms && r.p50_ms && *r.p50_ms > 0) {
              j["ratio_ours_peer"] = *ours.p50_ms / *r.p50_ms;
            } else if (r.scenario == "storm") {
              j["ratio_ours_peer"] = ours.seconds / r.seconds;
            }
          }
        }
      }
      std::cout << j.dump() << "\n";
    }
  } else {
    std::cout << table;
  }
  std::cout.flush();
  pki->reset();
  if (temporary) std::filesystem::remove_all(options.dir);
  for (const ScenarioResult& r : results) {
    if (!r.error.empty()) return 1;
  }
  return 0;
}

}  // namespace
}  // namespace poc::bench

int main(int argc, char** argv) {
  return poc::GuardMain("poc-bench", [&] { return poc::bench::Main(argc, argv); });
}
