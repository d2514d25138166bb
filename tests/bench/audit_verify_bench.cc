// pocctl audit verify's speed: recomputing the root of 1,000,000 audit leaves.
//  - BM_VerifyFromTiles: the whole path an auditor runs (VerifyLog over TilesAuditSource),
//    against the relay's HTTP server (RelayHttpServer) on loopback serving an in-memory log.
//  - BM_FoldLeaves: the hashing and parsing alone (CompactRange + AuditEvent parse), the bound.
// Run in a Release build: poc_audit_verify_bench [--benchmark_repetitions=5]
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "client/pocctl/audit_verifier.h"
#include "client/pocctl/tiles_audit_source.h"
#include "common/checkpoint/checkpoint.h"
#include "common/merkle/compact_range.h"
#include "poc/v1/audit.pb.h"
#include "server/http/relay_http_server.h"
#include "tests/server/http/in_memory_audit_reader.h"

namespace poc {
namespace {

constexpr uint64_t kLeaves = 1000000;

// Leaves like the relay writes: a submission to three States, then its deliveries.
std::vector<std::string> Entries() {
  std::vector<std::string> out;
  out.reserve(kLeaves);
  for (uint64_t i = 0; i < kLeaves; ++i) {
    v1::AuditEvent event;
    event.set_type(i % 4 == 0 ? v1::AUDIT_EVENT_SUBMITTED : v1::AUDIT_EVENT_DELIVERED);
    event.set_message_id("01a22230-4240-7ee3-a7f9-" + std::to_string(100000000000 + i / 4));
    event.set_message_hash(std::string(32, static_cast<char>(i)));
    event.set_sender("FRA");
    if (i % 4 == 0) {
      for (const char* r : {"KEN", "DEU", "BRA"}) event.add_recipients(r);
    } else {
      event.set_state("KEN");
      event.set_receipt_hash(std::string(32, static_cast<char>(i + 1)));
    }
    event.mutable_relay_time()->set_seconds(1800000000 + static_cast<int64_t>(i));
    out.push_back(event.SerializeAsString());
  }
  return out;
}

struct Served {
  testing::InMemoryAuditReader reader;
  RelayMetrics metrics;
  std::unique_ptr<RelayHttpServer> http;
  Checkpoint checkpoint;
};

Served& Log() {
  static Served* served = [] {
    auto* s = new Served();
    if (!s->reader.Append(Entries()).ok()) std::abort();
    s->checkpoint.origin = "bench.example/audit";
    s->checkpoint.size = kLeaves;
    s->checkpoint.root_hash = s->reader.root();
    auto http = RelayHttpServer::Start("127.0.0.1:0", &s->reader, &s->metrics, [] { return true; });
    if (!http.ok()) std::abort();
    s->http = *std::move(http);
    return s;
  }();
  return *served;
}

void BM_VerifyFromTiles(benchmark::State& state) {
  Served& log = Log();
  const std::string url = "http://127.0.0.1:" + std::to_string(log.http->port()) + "/audit";
  for (auto _ : state) {
    auto source = pocctl::TilesAuditSource::Create(url, std::chrono::seconds(30));
    if (!source.ok()) std::abort();
    auto outcome = pocctl::VerifyLog(**source, log.checkpoint, {}, nullptr);
    if (!outcome.ok() || !outcome->ok()) std::abort();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kLeaves));
}
BENCHMARK(BM_VerifyFromTiles)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2);

void BM_FoldLeaves(benchmark::State& state) {
  static const std::vector<std::string>* entries = new std::vector<std::string>(Entries());
  merkle::StreamHasher hasher;
  v1::AuditEvent event;
  for (auto _ : state) {
    merkle::CompactRange range;
    for (const std::string& e : *entries) {
      if (!event.ParseFromString(e)) std::abort();
      range.AppendLeaf(e, hasher);
    }
    benchmark::DoNotOptimize(range.Root(hasher));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kLeaves));
}
BENCHMARK(BM_FoldLeaves)->Unit(benchmark::kMillisecond)->MinTime(2);

}  // namespace
}  // namespace poc

BENCHMARK_MAIN();
