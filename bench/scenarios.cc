#include "bench/scenarios.h"

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <filesystem>
#include <functional>
#include <thread>

#include "absl/strings/str_format.h"
#include "bench/bench_message.h"
#include "bench/node_store.h"
#include "bench/paced_pairs.h"
#include "bench/relay_target.h"
#include "bench/run_tracker.h"
#include "bench/signature_bound.h"
#include "bench/simulated_node.h"
#include "common/envelope/signed.h"
#include "common/tls/credentials.h"
#include "common/util/duration_proto.h"
#include "common/util/time_format.h"
#include "poc/v1/exercises.grpc.pb.h"

namespace poc::bench {
namespace {

// The Ed25519 work a scenario needed, for --limit's lower bound.
void SetSignatureWork(const SignatureWork& work, ScenarioResult* result) {
  result->signs = work.signs;
  result->verifies = work.verifies;
}

double SecondsSince(int64_t start_ns, int64_t end_ns) {
  return static_cast<double>(end_ns - start_ns) / 1e9;
}

// A relay, the simulated nodes and what they share, for one scenario. The destructor
// disconnects the nodes, waits for their pending work, then stops the relay.
class OurNetwork {
 public:
  static absl::StatusOr<std::unique_ptr<OurNetwork>> Start(const std::string& scenario,
                                                           BenchPki* pki,
                                                           const BenchOptions& options) {
    std::unique_ptr<OurNetwork> net(new OurNetwork(options));
    const std::string run_dir = pki->dir() + "/run-" + scenario;
    if (options.relay_address.empty()) {
      auto relay =
          RelayTarget::Start(*pki, options.poc_relay, run_dir + "/relay", options.relay_flags);
      if (!relay.ok()) return relay.status();
      net->relay_ = *std::move(relay);
    } else {
      std::filesystem::create_directories(run_dir);
      net->relay_ = RelayTarget::Existing(options.relay_address, options.relay_pid);
    }
    auto store = NodeStore::Open(run_dir + "/nodes.db");
    if (!store.ok()) return store.status();
    net->store_ = *std::move(store);
    net->context_ =
        NodeContext{pki, net->store_.get(), &net->workers_, &net->tracker_, &net->pending_};
    for (const StateIdentity& s : pki->states()) {
      auto node = SimulatedNode::Make(s, net->relay_->address(), net->context_);
      if (!node.ok()) return node.status();
      net->nodes_.push_back(*std::move(node));
    }
    return net;
  }

  ~OurNetwork() {
    for (auto& node : nodes_) node->Disconnect();
    for (int i = 0; i < 500 && pending_ > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    store_.reset();  // drains its commits (their callbacks post nothing once sessions closed)
    workers_.join();
    nodes_.clear();
  }

  std::vector<std::unique_ptr<SimulatedNode>>& nodes() { return nodes_; }
  RunTracker& tracker() { return tracker_; }
  RelayTarget& relay() { return *relay_; }
  int n() const { return static_cast<int>(nodes_.size()); }

  // Connects every node and waits for all Welcomes.
  absl::Status ConnectAll(Progress* progress, const std::string& name) {
    const int64_t before = tracker_.welcomes();
    for (auto& node : nodes_) node->Connect();
    return WaitFor([&] { return tracker_.welcomes() - before >= n(); }, progress,
                   [&] {
                     return absl::StrFormat("%s: %d/%d sessions open", name,
                                            tracker_.welcomes() - before, n());
                   });
  }

  // Makes, signs and submits a message from node `from` on a worker (SubmitRetrying: tried
  // again while the relay is busy). `done` gets the recipients.
  void Send(int from, std::vector<std::string> to, std::function<void(int recipients)> done,
            bool track_latency) {
    ++pending_;
    boost::asio::post(
        workers_, [this, from, to = std::move(to), done = std::move(done), track_latency] {
          SimulatedNode& node = *nodes_[from];
          v1::Message m = MakeBenchMessage(node.state(), to, options_.payload_bytes);
          auto envelope =
              std::make_shared<const v1::Envelope>(SignEnvelope(m.SerializeAsString(), node.key()));
          if (track_latency) tracker_.Submitting(m.id());
          node.SubmitRetrying(envelope, [this, done](int recipients) {
            tracker_.Submitted();
            done(recipients);
          });
          --pending_;
        });
  }

  // Polls `condition` every 5 ms, updating the progress line, until it holds, the scenario's
  // timeout passes or the relay dies.
  absl::Status WaitFor(const std::function<bool()>& condition, Progress* progress,
                       const std::function<std::string()>& line) {
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(static_cast<int64_t>(options_.timeout_s * 1e3));
    while (!condition()) {
      if (std::chrono::steady_clock::now() > deadline) {
        return absl::DeadlineExceededError(absl::StrFormat(
            "not done after %.0f s (--timeout): %s; %d error(s)%s", options_.timeout_s, line(),
            tracker_.errors(),
            tracker_.errors() > 0 ? ", first: " + tracker_.first_error() : std::string()));
      }
      if (tracker_.errors() > 0) {
        return absl::InternalError(line() + "; " + tracker_.first_error());
      }
      if (std::string failure = relay_->Failure(); !failure.empty()) {
        return absl::UnavailableError(failure);
      }
      progress->Update(line());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return absl::OkStatus();
  }

  const BenchOptions& options() const { return options_; }
  // Keeps `thing` alive until the network's pending work is done (senders whose callbacks
  // may still run after a timeout).
  void Keep(std::shared_ptr<void> thing) { keep_.push_back(std::move(thing)); }

 private:
  explicit OurNetwork(const BenchOptions& options)
      : options_(options),
        workers_(options.threads > 0 ? options.threads
                                     : std::max(1u, std::thread::hardware_concurrency())) {}

  const BenchOptions options_;
  std::unique_ptr<RelayTarget> relay_;
  std::unique_ptr<NodeStore> store_;
  boost::asio::thread_pool workers_;
  RunTracker tracker_;
  std::atomic<int64_t> pending_{0};
  NodeContext context_;
  std::vector<std::unique_ptr<SimulatedNode>> nodes_;
  std::vector<std::shared_ptr<void>> keep_;
};

// Sends `per_node[i]` (recipient lists) from each node i, keeping `window` in flight per node.
class WindowedSender {
 public:
  WindowedSender(OurNetwork* net, std::vector<std::vector<std::string>> per_node, bool latency)
      : net_(net), per_node_(std::move(per_node)), next_(per_node_.size()), latency_(latency) {
    for (auto& n : next_) n = 0;
  }
  void Start(int window) {
    for (size_t i = 0; i < per_node_.size(); ++i) {
      for (int w = 0; w < window; ++w) SendNext(static_cast<int>(i));
    }
  }

 private:
  void SendNext(int node) {
    const size_t k = next_[node]++;
    if (k >= per_node_[node].size()) return;
    net_->Send(
        node, {per_node_[node][k]}, [this, node](int) { SendNext(node); }, latency_);
  }

  OurNetwork* const net_;
  const std::vector<std::vector<std::string>> per_node_;
  std::vector<std::atomic<size_t>> next_;
  const bool latency_;
};

void FinishResult(OurNetwork& net, const std::optional<ProcessUsage>& before,
                  ScenarioResult* result) {
  const std::optional<ProcessUsage> after = net.relay().Usage();
  if (after) {
    result->relay_rss_mb = after->rss_mb;
    if (before) result->relay_cpu_s = after->cpu_s - before->cpu_s;
  }
  if (net.tracker().errors() > 0 && result->error.empty()) {
    result->error =
        std::to_string(net.tracker().errors()) + " error(s), first: " + net.tracker().first_error();
  }
}

absl::Status Storm(OurNetwork& net, Progress* progress, ScenarioResult* result) {
  const int n = net.n();
  if (absl::Status s = net.ConnectAll(progress, "storm"); !s.ok()) return s;
  const auto before = net.relay().Usage();
  std::vector<std::vector<std::string>> plan(n);
  for (int i = 0; i < n; ++i) {
    for (int k = 1; k < n; ++k) plan[i].push_back(net.nodes()[(i + k) % n]->state());
  }
  const int64_t total = static_cast<int64_t>(n) * (n - 1);
  auto sender = std::make_shared<WindowedSender>(&net, std::move(plan), false);
  net.Keep(sender);
  const int64_t start = RunTracker::Now();
  sender->Start(net.options().window);
  RunTracker& t = net.tracker();
  absl::Status s = net.WaitFor([&] { return t.receipts() >= total; }, progress,
                               [&] {
                                 return absl::StrFormat(
                                     "storm: %d/%d submitted, %d stored, %d receipts back (%.1f s)",
                                     t.submitted(), total, t.stored(), t.receipts(),
                                     SecondsSince(start, RunTracker::Now()));
                               });
  result->messages = t.receipts();
  result->seconds =
      SecondsSince(start, t.receipts() >= total ? t.last_receipt_ns() : RunTracker::Now());
  result->extra["submit_retries"] = static_cast<double>(t.submit_retries());
  SetSignatureWork(WorkFor(total, total), result);
  FinishResult(net, before, result);
  return s;
}

absl::Status Broadcast(OurNetwork& net, Progress* progress, ScenarioResult* result) {
  const int n = net.n();
  if (absl::Status s = net.ConnectAll(progress, "broadcast"); !s.ok()) return s;
  const auto before = net.relay().Usage();
  RunTracker& t = net.tracker();
  const int64_t start = RunTracker::Now();
  net.Send(
      0, {"all"}, [](int) {}, true);
  const int64_t want = n - 1;
  absl::Status s = net.WaitFor([&] { return t.receipts() >= want; }, progress,
                               [&] {
                                 return absl::StrFormat("broadcast: %d/%d stored, %d receipts back",
                                                        t.stored(), want, t.receipts());
                               });
  result->messages = t.stored();
  result->seconds = SecondsSince(start, t.last_receipt_ns());
  result->extra["durable_ms"] = SecondsSince(start, t.last_store_ns()) * 1e3;
  result->extra["receipts_ms"] = SecondsSince(start, t.last_receipt_ns()) * 1e3;
  SetPercentiles(t.LatenciesMs(), result);
  SetSignatureWork(WorkFor(1, want), result);
  FinishResult(net, before, result);
  return s;
}

absl::Status Latency(OurNetwork& net, Progress* progress, ScenarioResult* result) {
  const int n = net.n();
  if (n < 2) return absl::InvalidArgumentError("latency needs at least 2 States");
  if (absl::Status s = net.ConnectAll(progress, "latency"); !s.ok()) return s;
  const auto before = net.relay().Usage();
  RunTracker& t = net.tracker();
  const int64_t count = PacedCount(net.options().rate, net.options().seconds);
  const int64_t start_ns = RunTracker::Now();
  SendPacedRandomPairs(
      n, net.options().rate, net.options().seconds, [&](int64_t k, int from, int to) {
        net.Send(
            from, {net.nodes()[to]->state()}, [](int) {}, true);
        progress->Update(
            absl::StrFormat("latency: %d/%d sent, %d stored", k + 1, count, t.stored()));
      });
  absl::Status s = net.WaitFor([&] { return t.receipts() >= count; }, progress,
                               [&] {
                                 return absl::StrFormat("latency: %d/%d stored, %d receipts back",
                                                        t.stored(), count, t.receipts());
                               });
  result->messages = t.stored();
  result->seconds = SecondsSince(start_ns, RunTracker::Now());
  result->extra["rate"] = net.options().rate;
  SetPercentiles(t.LatenciesMs(), result);
  SetSignatureWork(WorkFor(count, count), result);
  FinishResult(net, before, result);
  return s;
}

absl::Status Reconnect(OurNetwork& net, Progress* progress, ScenarioResult* result) {
  const int n = net.n();
  if (absl::Status s = net.ConnectAll(progress, "reconnect"); !s.ok()) return s;
  RunTracker& t = net.tracker();
  for (auto& node : net.nodes()) node->Disconnect();
  // While every node is away, each State sends one message to the next: all of them queue.
  for (int i = 0; i < n; ++i) {
    net.Send(
        i, {net.nodes()[(i + 1) % n]->state()}, [](int) {}, false);
  }
  if (absl::Status s =
          net.WaitFor([&] { return t.submitted() >= n; }, progress,
                      [&] { return absl::StrFormat("reconnect: %d/%d queued", t.submitted(), n); });
      !s.ok()) {
    return s;
  }
  const auto before = net.relay().Usage();
  const int64_t welcomes = t.welcomes();
  const int64_t start = RunTracker::Now();
  for (auto& node : net.nodes()) node->Connect();
  int64_t sessions_ns = 0;
  absl::Status s = net.WaitFor(
      [&] {
        if (sessions_ns == 0 && t.welcomes() - welcomes >= n) sessions_ns = RunTracker::Now();
        return sessions_ns != 0 && t.receipts() >= n;
      },
      progress,
      [&] {
        return absl::StrFormat("reconnect: %d/%d sessions back, %d/%d queued flushed",
                               t.welcomes() - welcomes, n, t.receipts(), n);
      });
  result->messages = t.stored();
  result->seconds =
      SecondsSince(start, t.receipts() >= n ? t.last_receipt_ns() : RunTracker::Now());
  if (sessions_ns != 0) result->extra["sessions_ms"] = SecondsSince(start, sessions_ns) * 1e3;
  result->extra["flushed_ms"] = result->seconds * 1e3;
  SetSignatureWork(WorkFor(n, n), result);
  FinishResult(net, before, result);
  return s;
}

// The Secretariat's Exercises stub, over its own mutual-TLS connection (admin.crt).
absl::StatusOr<std::unique_ptr<v1::Exercises::Stub>> SecretariatExercises(const BenchPki& pki,
                                                                          RelayTarget& relay) {
  const std::string dir = pki.secretariat_dir();
  auto creds =
      MakeChannelCredentials(TlsFiles{dir + "/ca.crt", dir + "/admin.crt", dir + "/admin.key"});
  if (!creds.ok()) return creds.status();
  return v1::Exercises::NewStub(
      grpc::CreateCustomChannel(relay.address(), *creds, RelayChannelArguments("localhost")));
}

double MillisSince(absl::Time start, const google::protobuf::Timestamp& t) {
  return absl::FDivDuration(FromProto(t) - start, absl::Milliseconds(1));
}

absl::Status Ping(OurNetwork& net, BenchPki* pki, Progress* progress, ScenarioResult* result) {
  const int n = net.n();
  if (absl::Status s = net.ConnectAll(progress, "ping"); !s.ok()) return s;
  auto exercises = SecretariatExercises(*pki, net.relay());
  if (!exercises.ok()) return exercises.status();
  const auto before = net.relay().Usage();
  v1::CreateExerciseRequest create;
  create.set_name("poc-bench ping");
  create.add_targets("all");
  create.set_mode(v1::EXERCISE_MODE_ACKNOWLEDGE);
  create.mutable_deadline()->set_seconds(3600);
  // The relay's report times are its wall clock; the relay runs on this machine.
  const absl::Time start = absl::Now();
  v1::CreateExerciseResponse created;
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    const grpc::Status st = (*exercises)->CreateExercise(&context, create, &created);
    if (!st.ok()) {
      return absl::InternalError("the Secretariat could not create the ping exercise: " +
                                 st.error_message());
    }
  }
  // Polls the report (every 20 ms, so that the polling itself costs the relay little) until
  // every State's automatic acknowledgement is in it.
  v1::GetExerciseReportRequest ask;
  ask.set_exercise_id(created.record().exercise().id());
  v1::GetExerciseReportResponse report;
  auto last_poll = std::chrono::steady_clock::time_point();
  absl::Status s = net.WaitFor(
      [&] {
        if (std::chrono::steady_clock::now() - last_poll < std::chrono::milliseconds(20)) {
          return false;
        }
        last_poll = std::chrono::steady_clock::now();
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        v1::GetExerciseReportResponse latest;
        if ((*exercises)->GetExerciseReport(&context, ask, &latest).ok()) report = latest;
        return report.report().total().targets() == static_cast<uint32_t>(n) &&
               report.report().total().responded() == static_cast<uint32_t>(n);
      },
      progress,
      [&] {
        const v1::ExerciseTally& total = report.report().total();
        return absl::StrFormat("ping: %d/%d delivered, %d acknowledged", total.delivered(), n,
                               total.acknowledged());
      });
  // From the report: when the last receipt and the last acknowledgement reached the relay.
  double delivered_ms = 0;
  double acknowledged_ms = 0;
  std::vector<double> ack_latencies_ms;
  for (const v1::ExerciseStateResult& r : report.report().states()) {
    delivered_ms = std::max(delivered_ms, MillisSince(start, r.delivered_at()));
    acknowledged_ms = std::max(acknowledged_ms, MillisSince(start, r.acknowledged_at()));
    ack_latencies_ms.push_back(
        absl::FDivDuration(DurationFromProto(r.acknowledgement_latency()), absl::Milliseconds(1)));
  }
  result->messages = report.report().total().acknowledged();
  result->seconds = acknowledged_ms / 1e3;
  result->extra["delivered_ms"] = delivered_ms;
  SetPercentiles(std::move(ack_latencies_ms), result);
  // The relay signs the ping; per State: the node verifies it and signs its delivery receipt,
  // which the relay verifies; the node signs its acknowledgement, the relay verifies it and
  // signs a submit receipt, which the node verifies.
  result->signs = 3 * static_cast<int64_t>(n) + 1;
  result->verifies = 4 * static_cast<int64_t>(n);
  FinishResult(net, before, result);
  return s;
}

absl::Status Ingest(OurNetwork& net, Progress* progress, ScenarioResult* result) {
  // No session opens: every message stays queued at the relay, which is what its memory
  // is measured with at the end.
  const int n = net.n();
  if (n < 2) return absl::InvalidArgumentError("ingest needs at least 2 States");
  const int64_t total = net.options().ingest_messages;
  std::vector<std::vector<std::string>> plan(n);
  for (int64_t k = 0; k < total; ++k) {
    const int from = static_cast<int>(k % n);
    const int to = static_cast<int>((from + 1 + (k / n) % (n - 1)) % n);
    plan[from].push_back(net.nodes()[to]->state());
  }
  const auto before = net.relay().Usage();
  RunTracker& t = net.tracker();
  auto sender = std::make_shared<WindowedSender>(&net, std::move(plan), false);
  net.Keep(sender);
  const int64_t start = RunTracker::Now();
  sender->Start(net.options().window);
  absl::Status s =
      net.WaitFor([&] { return t.submitted() >= total; }, progress,
                  [&] {
                    return absl::StrFormat("ingest: %d/%d durable submits (%.1f s)", t.submitted(),
                                           total, SecondsSince(start, RunTracker::Now()));
                  });
  result->messages = t.submitted();
  result->seconds = SecondsSince(start, RunTracker::Now());
  result->extra["submit_retries"] = static_cast<double>(t.submit_retries());
  result->signs = 2 * total;
  result->verifies = 2 * total;
  FinishResult(net, before, result);
  return s;
}

}  // namespace

const std::vector<std::string>& OurScenarios() {
  static const std::vector<std::string> kAll{"storm", "broadcast", "latency",
                                             "ping",  "reconnect", "ingest"};
  return kAll;
}

ScenarioResult RunOurScenario(const std::string& scenario, BenchPki* pki,
                              const BenchOptions& options, Progress* progress) {
  ScenarioResult result;
  result.scenario = scenario;
  result.target = "poc-relay";
  result.states = static_cast<int>(pki->states().size());
  auto net = OurNetwork::Start(scenario, pki, options);
  if (!net.ok()) {
    result.error = std::string(net.status().message());
    return result;
  }
  absl::Status s;
  if (scenario == "storm") {
    s = Storm(**net, progress, &result);
  } else if (scenario == "broadcast") {
    s = Broadcast(**net, progress, &result);
  } else if (scenario == "latency") {
    s = Latency(**net, progress, &result);
  } else if (scenario == "ping") {
    s = Ping(**net, pki, progress, &result);
  } else if (scenario == "reconnect") {
    s = Reconnect(**net, progress, &result);
  } else if (scenario == "ingest") {
    s = Ingest(**net, progress, &result);
  } else {
    s = absl::InvalidArgumentError("unknown scenario " + scenario);
  }
  if (!s.ok()) result.error = std::string(s.message());
  net->reset();
  progress->Done(absl::StrFormat("%s (poc-relay): %s", scenario,
                                 result.error.empty() ? absl::StrFormat("%.3f s", result.seconds)
                                                      : "FAILED: " + result.error));
  return result;
}

}  // namespace poc::bench
