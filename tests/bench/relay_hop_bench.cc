// One relay hop in-process: a poc-relay (RelayServer, real TLS on loopback, a real SQLite
// store) and two State clients in this process. An iteration is the whole round: the sender
// submits (answered once durable), the recipient's session gets the delivery and answers with
// its signed receipt, and the sender's session gets that receipt. Needs the built poc-pki
// (found beside this binary in the build tree).
#include <benchmark/benchmark.h>
#include <grpcpp/grpcpp.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "bench/bench_message.h"
#include "bench/bench_pki.h"
#include "common/crypto/sha256.h"
#include "common/envelope/signed.h"
#include "common/logging/logging.h"
#include "common/tls/credentials.h"
#include "common/util/clock.h"
#include "common/util/time_format.h"
#include "poc/v1/relay.grpc.pb.h"
#include "server/relay_config.h"
#include "server/relay_server.h"

namespace poc {
namespace {

using Stream = grpc::ClientReaderWriter<v1::NodeFrame, v1::RelayFrame>;

std::string PocPki() {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path().parent_path() /
         "certs/poc-pki";
}

struct Client {
  std::unique_ptr<v1::Relay::Stub> stub;
  grpc::ClientContext context;
  std::unique_ptr<Stream> stream;

  bool Open(const bench::StateIdentity& s, const std::string& address) {
    auto creds = MakeChannelCredentials(
        TlsFiles{s.dir + "/ca.crt", s.dir + "/node.crt", s.dir + "/node.key"});
    if (!creds.ok()) return false;
    stub = v1::Relay::NewStub(
        grpc::CreateCustomChannel(address, *creds, RelayChannelArguments("localhost")));
    stream = stub->Session(&context);
    v1::NodeFrame hello;
    hello.mutable_hello()->set_software("relay_hop_bench");
    v1::RelayFrame welcome;
    return stream->Write(hello) && stream->Read(&welcome) && welcome.has_welcome();
  }
};

void BM_RelayHop(benchmark::State& state) {
  (void)SetupLogging("relay_hop_bench", false, "warn");
  const char* base = ::getenv("POC_BENCH_DIR");
  const std::string dir =
      std::string(base != nullptr ? base : "/tmp") + "/poc-relay-hop-" + std::to_string(::getpid());
  auto pki = bench::BenchPki::Make(dir, PocPki(), 2, [](int, int) {});
  if (!pki.ok()) {
    state.SkipWithError(("cannot make the PKI: " + pki.status().ToString()).c_str());
    return;
  }
  std::ofstream(dir + "/directory.toml") << (*pki)->DirectoryToml();
  RelayConfig config;
  config.listen = "127.0.0.1:0";
  config.http_listen = "";
  config.database = dir + "/relay.db";
  config.directory = dir + "/directory.toml";
  config.signing_key = (*pki)->relay_dir() + "/relay-signing.key";
  config.tls = TlsFiles{(*pki)->relay_dir() + "/ca.crt", (*pki)->relay_dir() + "/relay.crt",
                        (*pki)->relay_dir() + "/relay.key"};
  config.log_level = "warn";
  SystemClock clock;
  {
    if (absl::Status s = config.Finish(); !s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
    auto relay = RelayServer::Start(config, &clock);
    if (!relay.ok()) {
      state.SkipWithError(relay.status().ToString().c_str());
      return;
    }
    const std::string address = "127.0.0.1:" + std::to_string((*relay)->port());
    const bench::StateIdentity& from = (*pki)->states()[0];
    const bench::StateIdentity& to = (*pki)->states()[1];
    Client sender;
    Client recipient;
    if (!sender.Open(from, address) || !recipient.Open(to, address)) {
      state.SkipWithError("cannot open the sessions");
      return;
    }
    for (auto _ : state) {
      v1::Message m = bench::MakeBenchMessage(from.code, {to.code}, 1024);
      v1::SubmitRequest request;
      *request.mutable_envelope() = SignEnvelope(m.SerializeAsString(), *from.key);
      v1::SubmitResponse response;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      if (!sender.stub->Submit(&ctx, request, &response).ok()) {
        state.SkipWithError("submit failed");
        break;
      }
      v1::RelayFrame frame;
      while (recipient.stream->Read(&frame) && !frame.has_delivery()) {
      }
      v1::DeliveryReceipt r;
      r.set_message_id(m.id());
      r.set_message_hash(Sha256(frame.delivery().envelope().message()));
      r.set_recipient(to.code);
      *r.mutable_stored_at() = ToProto(absl::Now());
      v1::NodeFrame ack;
      ack.mutable_delivery_ack()->set_seq(frame.delivery().seq());
      *ack.mutable_delivery_ack()->mutable_receipt() =
          SignStatement(kDeliveryReceiptDomain, r.SerializeAsString(), *to.key);
      recipient.stream->Write(ack);
      while (sender.stream->Read(&frame) && !frame.has_receipt_notice()) {
      }
      v1::NodeFrame notice_ack;
      notice_ack.mutable_notice_ack()->set_seq(frame.receipt_notice().seq());
      sender.stream->Write(notice_ack);
    }
    state.SetItemsProcessed(state.iterations());
    sender.context.TryCancel();
    recipient.context.TryCancel();
    (*relay)->Shutdown(absl::Seconds(1));
  }
  pki->reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_RelayHop)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace poc

BENCHMARK_MAIN();
