// The floor under every relay hop: what gRPC 1.51 itself costs per call over loopback mutual
// TLS 1.3 on this machine, with an empty handler. Every submit, delivery and receipt of
// poc-relay pays at least this, so the README compares the relay's per-message cost with it.
// Server and client run in this process with the project's own credential makers (TLS 1.3 only,
// client certificates required and verified) and certificates from the built poc-pki (found
// beside this binary in the build tree). A request is 1 KiB, a reply 200 bytes. Real time is
// the latency; CPU time is the whole process's, so both ends of the hop; in the /64 runs an
// iteration is 64 calls or messages, so CPU time / 64 is the cost of one at load.
// Run it by hand in a Release build (add --benchmark_report_aggregates_only=true for the
// medians alone):
//   build/tests/bench/poc_transport_floor_bench --benchmark_repetitions=3
#include <benchmark/benchmark.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>

#include "bench/bench_pki.h"
#include "common/tls/credentials.h"

namespace poc {
namespace {

constexpr char kUnary[] = "/floor.Floor/Unary";
constexpr char kStream[] = "/floor.Floor/Stream";
constexpr auto kCallTimeout = std::chrono::seconds(5);     // per call, or per stream exchange
constexpr auto kStreamTimeout = std::chrono::seconds(60);  // the whole stream, setup included

std::chrono::system_clock::time_point Deadline(std::chrono::seconds timeout) {
  return std::chrono::system_clock::now() + timeout;
}

grpc::ByteBuffer Payload(size_t size) {
  grpc::Slice slice(std::string(size, 'x'));
  return {&slice, 1};
}

std::string PocPki() {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path().parent_path() /
         "certs/poc-pki";
}

// The empty handler: Unary reads one request and finishes with one reply; Stream answers each
// request with one reply until the client half-closes. Nothing else.
class FloorService final : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override {
    return new Reactor(ctx->method(), &reply_);
  }

 private:
  class Reactor final : public grpc::ServerGenericBidiReactor {
   public:
    // `reply` is only read (gRPC copies it by reference count) and outlives every call.
    Reactor(const std::string& method, const grpc::ByteBuffer* reply)
        : unary_(method == kUnary), reply_(reply) {
      if (unary_ || method == kStream) {
        StartRead(&request_);
      } else {
        Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, method + " is not served here"));
      }
    }
    void OnReadDone(bool ok) override {
      if (!ok) {
        Finish(unary_ ? grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request")
                      : grpc::Status::OK);
      } else if (unary_) {
        StartWriteAndFinish(reply_, grpc::WriteOptions(), grpc::Status::OK);
      } else {
        StartWrite(reply_);
      }
    }
    void OnWriteDone(bool ok) override {  // Stream only: Unary's write has no OnWriteDone
      if (ok) {
        StartRead(&request_);
      } else {
        Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client went away"));
      }
    }
    void OnDone() override { delete this; }

   private:
    const bool unary_;
    const grpc::ByteBuffer* const reply_;
    grpc::ByteBuffer request_;
  };

  const grpc::ByteBuffer reply_ = Payload(200);
};

// A FloorService on 127.0.0.1 and a connected channel to it, with the relay's and a node's
// credentials. Every call on stub() must have ended before the Hop is destroyed.
class Hop {
 public:
  static absl::StatusOr<std::unique_ptr<Hop>> Open(const bench::BenchPki& pki) {
    const std::string relay = pki.relay_dir();
    const TlsFiles server_files{relay + "/ca.crt", relay + "/relay.crt", relay + "/relay.key"};
    if (auto checked = LoadServerTlsMaterial(server_files, absl::Now()); !checked.ok()) {
      return checked.status();
    }
    const bench::StateIdentity& node = pki.states()[0];
    auto creds = MakeChannelCredentials(
        TlsFiles{node.dir + "/ca.crt", node.dir + "/node.crt", node.dir + "/node.key"});
    if (!creds.ok()) return creds.status();
    auto hop = std::unique_ptr<Hop>(new Hop());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", MakeWatchedServerCredentials(server_files), &port);
    builder.RegisterCallbackGenericService(&hop->service_);
    hop->server_ = builder.BuildAndStart();
    if (hop->server_ == nullptr || port == 0) {
      return absl::UnavailableError("cannot listen on 127.0.0.1");
    }
    auto channel = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port), *creds,
                                             RelayChannelArguments("localhost"));
    if (!channel->WaitForConnected(Deadline(kCallTimeout))) {
      return absl::UnavailableError("no mutual-TLS connection to the floor server within 5 s");
    }
    hop->stub_ = std::make_unique<grpc::GenericStub>(channel);
    return hop;
  }
  ~Hop() {
    stub_.reset();
    if (server_ != nullptr) server_->Shutdown(Deadline(std::chrono::seconds(1)));
  }
  Hop(const Hop&) = delete;
  Hop& operator=(const Hop&) = delete;

  grpc::GenericStub& stub() { return *stub_; }

 private:
  Hop() = default;

  FloorService service_;  // outlives server_
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::GenericStub> stub_;
};

// One unary call and the wait for its end, as a blocking call would; the deadline bounds it.
grpc::Status CallUnary(grpc::GenericStub& stub, const grpc::ByteBuffer& request) {
  struct Result {  // shared with the callback, which may still run after we return
    std::mutex mu;
    std::condition_variable cv;
    std::optional<grpc::Status> status;  // guarded by mu
  };
  auto result = std::make_shared<Result>();
  grpc::ClientContext context;
  context.set_deadline(Deadline(kCallTimeout));
  grpc::ByteBuffer reply;
  stub.UnaryCall(&context, kUnary, {}, &request, &reply, [result](const grpc::Status& s) {
    std::lock_guard<std::mutex> lock(result->mu);
    result->status = s;
    result->cv.notify_one();
  });
  std::unique_lock<std::mutex> lock(result->mu);
  result->cv.wait(lock, [&] { return result->status.has_value(); });
  return *result->status;
}

// Keeps `in_flight` unary calls outstanding, each with its own deadline, starting the next one
// whenever one ends, until Stop(). Completions run on gRPC's threads; mu_ guards the counts.
class UnaryLoad {
 public:
  UnaryLoad(grpc::GenericStub* stub, const grpc::ByteBuffer* request, int in_flight)
      : stub_(stub), request_(request), outstanding_(in_flight) {
    for (int i = 0; i < in_flight; ++i) new Call(this);
  }
  // Waits until `n` more calls have succeeded; false as soon as one failed (see status()).
  bool Complete(int64_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    target_ += n;
    cv_.wait(lock, [&] { return completed_ >= target_ || !status_.ok(); });
    return status_.ok();
  }
  // Starts no more calls and waits for the outstanding ones to end. Call before destruction.
  void Stop() {
    std::unique_lock<std::mutex> lock(mu_);
    running_ = false;
    cv_.wait(lock, [&] { return outstanding_ == 0; });
  }
  grpc::Status status() {
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }

 private:
  // One call; deletes itself once gRPC is done with it.
  class Call final : public grpc::ClientUnaryReactor {
   public:
    explicit Call(UnaryLoad* load) : load_(load) {
      context_.set_deadline(Deadline(kCallTimeout));
      load->stub_->PrepareUnaryCall(&context_, kUnary, {}, load->request_, &reply_, this);
      StartCall();
    }
    void OnDone(const grpc::Status& s) override {
      load_->Done(s);
      delete this;
    }

   private:
    UnaryLoad* const load_;
    grpc::ClientContext context_;
    grpc::ByteBuffer reply_;
  };

  void Done(const grpc::Status& s) {
    bool again = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (s.ok()) {
        ++completed_;
      } else if (status_.ok()) {
        status_ = s;
      }
      again = running_ && status_.ok();
      if (!again) --outstanding_;
      if (!again || completed_ >= target_) cv_.notify_all();
    }
    if (again) new Call(this);
  }

  grpc::GenericStub* const stub_;
  const grpc::ByteBuffer* const request_;
  std::mutex mu_;
  std::condition_variable cv_;
  int outstanding_;  // calls started and not yet done
  bool running_ = true;
  int64_t completed_ = 0;
  int64_t target_ = 0;
  grpc::Status status_;  // the first failure
};

// One bidi stream to Stream, opened at construction, with a read always pending. Exchange()
// and Close() are called from one thread; reactions run on gRPC's threads; mu_ guards the rest.
class StreamClient final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  StreamClient(grpc::GenericStub* stub, const grpc::ByteBuffer* request) : request_(request) {
    context_.set_deadline(Deadline(kStreamTimeout));
    stub->PrepareBidiStreamingCall(&context_, kStream, {}, this);
    StartRead(&reply_);
    StartCall();
  }
  // Writes `n` requests back to back and waits for their `n` replies; false when the stream
  // broke or they took longer than kCallTimeout.
  bool Exchange(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    writes_left_ = n;
    replies_wanted_ = replies_ + n;
    lock.unlock();
    StartWrite(request_);
    lock.lock();
    return cv_.wait_for(lock, kCallTimeout, [&] {
      return broken_ || (writes_left_ == 0 && replies_ >= replies_wanted_);
    }) && !broken_;
  }
  // Half-closes (or, after a failure, cancels) and waits for the end; the stream's status.
  grpc::Status Close() {
    std::unique_lock<std::mutex> lock(mu_);
    const bool clean = !broken_ && writes_left_ == 0;
    lock.unlock();
    if (clean) {
      StartWritesDone();
    } else {
      context_.TryCancel();
    }
    lock.lock();
    if (!cv_.wait_for(lock, kCallTimeout, [&] { return done_; })) {
      context_.TryCancel();
      cv_.wait(lock, [&] { return done_; });
    }
    return status_;
  }

  void OnWriteDone(bool ok) override {
    bool more = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      broken_ = broken_ || !ok;
      more = ok && --writes_left_ > 0;
      if (!more) cv_.notify_all();
    }
    if (more) StartWrite(request_);
  }
  void OnReadDone(bool ok) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (ok) {
        ++replies_;
      } else {
        broken_ = true;
      }
      if (broken_ || replies_ >= replies_wanted_) cv_.notify_all();
    }
    if (ok) StartRead(&reply_);
  }
  void OnDone(const grpc::Status& s) override {
    std::lock_guard<std::mutex> lock(mu_);
    status_ = s;
    broken_ = done_ = true;
    cv_.notify_all();
  }

 private:
  const grpc::ByteBuffer* const request_;
  grpc::ClientContext context_;
  grpc::ByteBuffer reply_;  // only the pending read touches it
  std::mutex mu_;
  std::condition_variable cv_;
  int writes_left_ = 0;
  int64_t replies_ = 0;
  int64_t replies_wanted_ = 0;
  bool broken_ = false;
  bool done_ = false;
  grpc::Status status_;
};

std::string Describe(const grpc::Status& s) {
  return "status " + std::to_string(s.error_code()) + ": " + s.error_message();
}

// Runs `run` on a fresh Hop, or reports why there is none.
template <typename Run>
void WithHop(benchmark::State& state, const bench::BenchPki& pki, Run run) {
  auto hop = Hop::Open(pki);
  if (!hop.ok()) {
    state.SkipWithError(("cannot open the hop: " + hop.status().ToString()).c_str());
    return;
  }
  run(**hop, Payload(1024));
}

void BM_UnaryRoundTrip(benchmark::State& state, const bench::BenchPki& pki) {
  WithHop(state, pki, [&](Hop& hop, const grpc::ByteBuffer& request) {
    for (auto _ : state) {
      if (grpc::Status s = CallUnary(hop.stub(), request); !s.ok()) {
        state.SkipWithError(("unary call failed: " + Describe(s)).c_str());
        break;
      }
    }
    state.SetItemsProcessed(state.iterations());
  });
}

void BM_UnaryConcurrent(benchmark::State& state, const bench::BenchPki& pki) {
  WithHop(state, pki, [&](Hop& hop, const grpc::ByteBuffer& request) {
    const auto in_flight = static_cast<int>(state.range(0));
    UnaryLoad load(&hop.stub(), &request, in_flight);
    for (auto _ : state) {
      if (!load.Complete(in_flight)) {
        state.SkipWithError(("unary call failed: " + Describe(load.status())).c_str());
        break;
      }
    }
    load.Stop();
    state.SetItemsProcessed(state.iterations() * in_flight);
  });
}

// `n` messages per iteration on one open stream: 1 for the latency, more for throughput.
void StreamBench(benchmark::State& state, const bench::BenchPki& pki, int n) {
  WithHop(state, pki, [&](Hop& hop, const grpc::ByteBuffer& request) {
    StreamClient stream(&hop.stub(), &request);
    bool stalled = false;
    for (auto _ : state) {
      if (!stream.Exchange(n)) {
        stalled = true;
        break;
      }
    }
    const grpc::Status end = stream.Close();
    if (stalled) {
      state.SkipWithError(("stream broke, or no reply within 5 s: " + Describe(end)).c_str());
    } else if (!end.ok()) {
      state.SkipWithError(("stream ended badly: " + Describe(end)).c_str());
    }
    state.SetItemsProcessed(state.iterations() * n);
  });
}

}  // namespace
}  // namespace poc

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const char* base = ::getenv("POC_BENCH_DIR");
  const std::string dir = std::string(base != nullptr ? base : "/tmp") + "/poc-transport-floor-" +
                          std::to_string(::getpid());
  auto pki = poc::bench::BenchPki::Make(dir, poc::PocPki(), 1, [](int, int) {});
  if (!pki.ok()) {
    std::cerr << "cannot make the PKI: " << pki.status() << "\n";
    std::filesystem::remove_all(dir);
    return 1;
  }
  const poc::bench::BenchPki& p = **pki;
  using benchmark::State;
  const auto add = [](const char* name, auto run) {
    return benchmark::RegisterBenchmark(name, run)
        ->Unit(benchmark::kMicrosecond)
        ->MeasureProcessCPUTime()
        ->UseRealTime();
  };
  add("BM_UnaryRoundTrip", [&p](State& s) { poc::BM_UnaryRoundTrip(s, p); });
  add("BM_UnaryConcurrent", [&p](State& s) { poc::BM_UnaryConcurrent(s, p); })->Arg(64);
  add("BM_StreamRoundTrip", [&p](State& s) { poc::StreamBench(s, p, 1); });
  add("BM_StreamConcurrent", [&p](State& s) {
    poc::StreamBench(s, p, static_cast<int>(s.range(0)));
  })->Arg(64);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  pki->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
