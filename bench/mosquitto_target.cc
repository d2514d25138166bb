#include "bench/mosquitto_target.h"

#include <mosquitto.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "bench/child_process.h"
#include "bench/paced_pairs.h"
#include "bench/run_tracker.h"

namespace poc::bench {
namespace {

// What the clients share.
struct PeerRun {
  std::atomic<int64_t> connected{0};
  std::atomic<int64_t> subscribed{0};
  std::atomic<int64_t> received{0};
  std::atomic<int64_t> receipts{0};
  std::atomic<int64_t> last_receipt_ns{0};
  std::atomic<int64_t> errors{0};
  std::mutex mu;
  std::vector<double> latencies_ms;  // guarded by mu
};

// One State's MQTT client: a persistent session (clean_session false, client id = the State)
// subscribed at QoS 1 to its topic and its receipts topic; libmosquitto's own network thread.
class PeerClient {
 public:
  PeerClient(const StateIdentity& state, PeerRun* run) : state_(state.code), run_(run) {
    mosq_ = mosquitto_new(state.code.c_str(), /*clean_session=*/false, this);
    if (mosq_ == nullptr) return;
    mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);  // as gRPC does
    mosquitto_tls_set(mosq_, (state.dir + "/ca.crt").c_str(), nullptr,
                      (state.dir + "/node.crt").c_str(), (state.dir + "/node.key").c_str(),
                      nullptr);
    mosquitto_tls_opts_set(mosq_, /*SSL_VERIFY_PEER*/ 1, "tlsv1.3", nullptr);
    mosquitto_connect_callback_set(mosq_, [](mosquitto* m, void* self, int rc) {
      static_cast<PeerClient*>(self)->OnConnect(m, rc);
    });
    mosquitto_subscribe_callback_set(mosq_, [](mosquitto*, void* self, int, int, const int*) {
      ++static_cast<PeerClient*>(self)->run_->subscribed;
    });
    mosquitto_message_callback_set(mosq_, [](mosquitto*, void* self, const mosquitto_message* msg) {
      static_cast<PeerClient*>(self)->OnMessage(msg);
    });
  }
  ~PeerClient() {
    if (mosq_ == nullptr) return;
    mosquitto_disconnect(mosq_);
    mosquitto_loop_stop(mosq_, /*force=*/false);
    mosquitto_destroy(mosq_);
  }
  PeerClient(const PeerClient&) = delete;
  PeerClient& operator=(const PeerClient&) = delete;

  bool Connect(int port) {
    return mosq_ != nullptr &&
           mosquitto_connect_async(mosq_, "localhost", port, /*keepalive=*/60) ==
               MOSQ_ERR_SUCCESS &&
           mosquitto_loop_start(mosq_) == MOSQ_ERR_SUCCESS;
  }

  // Publishes a message of `bytes` to `to`'s topic, stamped with the time for latency.
  bool Send(const std::string& to, int64_t seq, size_t bytes) {
    std::string payload = absl::StrFormat("M|%s|%d|%d|", state_, seq, RunTracker::Now());
    if (payload.size() < bytes) payload.resize(bytes, 'x');
    return mosquitto_publish(mosq_, nullptr, ("poc/" + to).c_str(),
                             static_cast<int>(payload.size()), payload.data(), 1,
                             false) == MOSQ_ERR_SUCCESS;
  }

  bool receipts = true;  // false in latency: no receipts, as there our latency has none

 private:
  void OnConnect(mosquitto* m, int rc) {
    if (rc != 0) {
      ++run_->errors;
      return;
    }
    ++run_->connected;
    mosquitto_subscribe(m, nullptr, ("poc/" + state_).c_str(), 1);
    mosquitto_subscribe(m, nullptr, ("poc/" + state_ + "/receipts").c_str(), 1);
  }

  void OnMessage(const mosquitto_message* msg) {
    const int64_t now = RunTracker::Now();
    const absl::string_view payload(static_cast<const char*>(msg->payload),
                                    static_cast<size_t>(msg->payloadlen));
    std::vector<absl::string_view> parts = absl::StrSplit(payload, absl::MaxSplits('|', 4));
    if (parts.size() < 4) {
      ++run_->errors;
      return;
    }
    if (parts[0] == "R") {
      ++run_->receipts;
      run_->last_receipt_ns = now;
      return;
    }
    ++run_->received;
    int64_t sent_ns = 0;
    if (absl::SimpleAtoi(parts[3], &sent_ns)) {
      std::lock_guard<std::mutex> lock(run_->mu);
      run_->latencies_ms.push_back(static_cast<double>(now - sent_ns) / 1e6);
    }
    if (receipts) {
      const std::string receipt = absl::StrFormat("R|%s|%s|%s", state_, parts[1], parts[2]);
      mosquitto_publish(mosq_, nullptr, ("poc/" + std::string(parts[1]) + "/receipts").c_str(),
                        static_cast<int>(receipt.size()), receipt.data(), 1, false);
    }
  }

  const std::string state_;
  PeerRun* const run_;
  mosquitto* mosq_ = nullptr;
};

// Polls until `condition` holds, the broker dies or the timeout passes.
absl::Status Await(const std::function<bool()>& condition, ChildProcess* broker,
                   const BenchOptions& options, Progress* progress,
                   const std::function<std::string()>& line) {
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<int64_t>(options.timeout_s * 1e3));
  while (!condition()) {
    if (!broker->Running()) {
      return absl::UnavailableError("mosquitto exited:\n" + broker->LogTail());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return absl::DeadlineExceededError(
          absl::StrFormat("not done after %.0f s (--timeout): %s", options.timeout_s, line()));
    }
    progress->Update(line());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return absl::OkStatus();
}

absl::Status RunPeer(const std::string& scenario, const BenchPki& pki, const BenchOptions& options,
                     Progress* progress, ScenarioResult* result) {
  const std::string run_dir = pki.dir() + "/run-mosquitto-" + scenario;
  std::filesystem::remove_all(run_dir);
  std::filesystem::create_directories(run_dir + "/data");
  absl::StatusOr<int> port = PickFreePort();
  if (!port.ok()) return port.status();
  const std::string conf = run_dir + "/mosquitto.conf";
  std::ofstream(conf) << MosquittoConfig(*port, std::filesystem::absolute(pki.relay_dir()),
                                         std::filesystem::absolute(run_dir + "/data").string());
  if (!std::filesystem::exists(options.mosquitto)) {
    return absl::FailedPreconditionError(options.mosquitto +
                                         " is missing: apt-get install mosquitto libmosquitto-dev "
                                         "(deploy/install-deps.sh), or --mosquitto PATH");
  }
  ChildProcess broker;
  if (absl::Status s = broker.Start({options.mosquitto, "-c", conf}, run_dir + "/mosquitto.log");
      !s.ok()) {
    return s;
  }
  for (int i = 0; i < 500 && broker.Running() && !PortAccepts(*port); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!PortAccepts(*port)) {
    return absl::UnavailableError("mosquitto does not listen on port " + std::to_string(*port) +
                                  ":\n" + broker.LogTail());
  }
  const int n = static_cast<int>(pki.states().size());
  PeerRun run;
  std::vector<std::unique_ptr<PeerClient>> clients;
  for (const StateIdentity& s : pki.states()) {
    clients.push_back(std::make_unique<PeerClient>(s, &run));
    clients.back()->receipts = scenario == "storm";
    if (!clients.back()->Connect(*port)) {
      return absl::UnavailableError("libmosquitto cannot connect " + s.code);
    }
  }
  if (absl::Status s =
          Await([&] { return run.subscribed >= int64_t{2} * n; }, &broker, options, progress,
                [&] {
                  return absl::StrFormat("%s (mosquitto): %d/%d connected", scenario,
                                         run.connected.load(), n);
                });
      !s.ok()) {
    return s;
  }
  const auto before = ReadUsage(broker.pid());
  absl::Status status;
  if (scenario == "storm") {
    const int64_t total = static_cast<int64_t>(n) * (n - 1);
    const int64_t start = RunTracker::Now();
    // Each State sends in its own thread, as each would on its own machine.
    std::vector<std::thread> senders;
    senders.reserve(n);
    for (int i = 0; i < n; ++i) {
      senders.emplace_back([&, i] {
        for (int k = 1; k < n; ++k) {
          if (!clients[i]->Send(pki.states()[(i + k) % n].code, k, options.payload_bytes)) {
            ++run.errors;
          }
        }
      });
    }
    for (std::thread& t : senders) t.join();
    status = Await([&] { return run.receipts >= total; }, &broker, options, progress,
                   [&] {
                     return absl::StrFormat("storm (mosquitto): %d/%d received, %d receipts back",
                                            run.received.load(), total, run.receipts.load());
                   });
    result->messages = run.receipts;
    result->seconds =
        static_cast<double>(
            (run.receipts >= total ? run.last_receipt_ns.load() : RunTracker::Now()) - start) /
        1e9;
  } else {
    const int64_t count = PacedCount(options.rate, options.seconds);
    const int64_t start_ns = RunTracker::Now();
    SendPacedRandomPairs(n, options.rate, options.seconds, [&](int64_t k, int from, int to) {
      if (!clients[from]->Send(pki.states()[to].code, k, options.payload_bytes)) ++run.errors;
      progress->Update(absl::StrFormat("latency (mosquitto): %d/%d sent, %d received", k + 1, count,
                                       run.received.load()));
    });
    status = Await([&] { return run.received >= count; }, &broker, options, progress,
                   [&] {
                     return absl::StrFormat("latency (mosquitto): %d/%d received",
                                            run.received.load(), count);
                   });
    result->messages = run.received;
    result->seconds = static_cast<double>(RunTracker::Now() - start_ns) / 1e9;
    result->extra["rate"] = options.rate;
    std::lock_guard<std::mutex> lock(run.mu);
    SetPercentiles(run.latencies_ms, result);
  }
  if (const auto after = ReadUsage(broker.pid())) {
    result->relay_rss_mb = after->rss_mb;
    if (before) result->relay_cpu_s = after->cpu_s - before->cpu_s;
  }
  if (run.errors > 0 && status.ok()) {
    status = absl::InternalError(std::to_string(run.errors.load()) + " MQTT error(s)");
  }
  clients.clear();
  broker.Stop();
  return status;
}

}  // namespace

const std::vector<std::string>& MosquittoScenarios() {
  static const std::vector<std::string> kAll{"storm", "latency"};
  return kAll;
}

std::string MosquittoConfig(int port, const std::string& tls_dir, const std::string& data_dir) {
  return absl::StrFormat(
      "# Written by poc-bench: the peer's configuration (README \"Performance\").\n"
      "user root\n"  // the bench's files are root's, mode 0600
      "per_listener_settings false\n"
      "persistence true\n"
      "persistence_location %s/\n"
      "autosave_interval 60\n"   // mosquitto writes its store every 60 s, not per message
      "max_queued_messages 0\n"  // no per-client queue limit (ours has none that binds)
      "max_inflight_messages 20\n"
      "set_tcp_nodelay true\n"  // as gRPC does; Nagle would add up to 40 ms
      "log_dest stdout\n"
      "log_type error\nlog_type warning\n"
      "listener %d 127.0.0.1\n"
      "cafile %s/ca.crt\n"
      "certfile %s/relay.crt\n"
      "keyfile %s/relay.key\n"
      "tls_version tlsv1.3\n"
      "require_certificate true\n"
      "use_identity_as_username true\n",
      data_dir, port, tls_dir, tls_dir, tls_dir);
}

ScenarioResult RunMosquittoScenario(const std::string& scenario, const BenchPki& pki,
                                    const BenchOptions& options, Progress* progress) {
  static const int init = mosquitto_lib_init();
  (void)init;
  ScenarioResult result;
  result.scenario = scenario;
  result.target = "mosquitto";
  result.states = static_cast<int>(pki.states().size());
  absl::Status s = RunPeer(scenario, pki, options, progress, &result);
  if (!s.ok()) result.error = std::string(s.message());
  progress->Done(absl::StrFormat("%s (mosquitto): %s", scenario,
                                 result.error.empty() ? absl::StrFormat("%.3f s", result.seconds)
                                                      : "FAILED: " + result.error));
  return result;
}

}  // namespace poc::bench
