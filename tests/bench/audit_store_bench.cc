// The relay's audit log on SQLite, through the code the relay runs: appending leaves in batches
// (AuditLeafWriter, one transaction and fsync per batch), and inclusion and consistency proofs
// read from a store of 10,000,000 leaves (SqliteRelayStore, as the Audit service calls it).
//
// Run in a Release build: poc_audit_store_bench [--benchmark_repetitions=5]
// The 10M-leaf file is built once (a few minutes) and kept at $POC_BENCH_DIR/audit-10M.db
// (default /tmp); delete it to rebuild.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "benchmark/benchmark.h"
#include "common/storage/sqlite.h"
#include "poc/v1/audit.pb.h"
#include "server/audit/audit_leaf_writer.h"
#include "server/sqlite_relay_store.h"

namespace poc {
namespace {

constexpr uint64_t kLargeLog = 10000000;

// A leaf like the relay writes for a submission to three States.
std::string EventData(uint64_t i) {
  v1::AuditEvent event;
  event.set_type(v1::AUDIT_EVENT_SUBMITTED);
  event.set_message_id("01a22230-4240-7ee3-a7f9-" + std::to_string(100000000000 + i));
  event.set_message_hash(std::string(32, static_cast<char>(i)));
  event.set_sender("FRA");
  for (const char* r : {"KEN", "DEU", "BRA"}) event.add_recipients(r);
  event.mutable_relay_time()->set_seconds(1800000000 + static_cast<int64_t>(i));
  return event.SerializeAsString();
}

std::string BenchDir() {
  const char* dir = std::getenv("POC_BENCH_DIR");
  return dir != nullptr ? dir : "/tmp";
}

// Appends `count` leaves in transactions of `batch`.
void AppendLeaves(SqliteDatabase* db, AuditLeafWriter* writer, uint64_t count, uint64_t batch) {
  for (uint64_t done = 0; done < count;) {
    SqliteTransaction txn(db);
    if (!txn.begin_status().ok()) std::abort();
    for (uint64_t i = 0; i < batch && done < count; ++i, ++done) {
      const std::string data = EventData(writer->size());
      if (!writer->Append(data, "").ok()) std::abort();
    }
    if (!txn.Commit().ok()) std::abort();
  }
}

// Appends batches of range(0) leaves to a log on disk; one durable commit per batch.
void BM_AppendLeavesInBatches(benchmark::State& state) {
  const uint64_t batch = static_cast<uint64_t>(state.range(0));
  const std::string path = BenchDir() + "/poc-append-bench.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  auto db = SqliteDatabase::Open(path);
  auto writer = AuditLeafWriter::Open(db->get());
  if (!db.ok() || !writer.ok()) std::abort();
  for (auto _ : state) AppendLeaves(db->get(), writer->get(), batch, batch);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch));
  state.counters["log_size"] = static_cast<double>((*writer)->size());
}
BENCHMARK(BM_AppendLeavesInBatches)->Arg(64)->Arg(512)->Arg(4096)->UseRealTime();

// The 10M-leaf store, built on first use and opened as the relay opens it.
SqliteRelayStore& LargeStore() {
  static SqliteRelayStore* store = [] {
    const std::string path = BenchDir() + "/audit-10M.db";
    {
      auto db = SqliteDatabase::Open(path);
      auto writer = AuditLeafWriter::Open(db->get());
      if (!db.ok() || !writer.ok()) std::abort();
      if ((*writer)->size() < kLargeLog) {
        std::fprintf(stderr, "building %s (%llu leaves, once)...\n", path.c_str(),
                     static_cast<unsigned long long>(kLargeLog));
        AppendLeaves(db->get(), writer->get(), kLargeLog - (*writer)->size(), 100000);
      }
    }
    auto opened = SqliteRelayStore::Open(path, 512);
    if (!opened.ok() || (*opened)->AuditSize() != kLargeLog) std::abort();
    return opened->release();
  }();
  return *store;
}

void BM_InclusionProofAt10M(benchmark::State& state) {
  SqliteRelayStore& store = LargeStore();
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    auto proof = store.InclusionProof(rng() % kLargeLog, kLargeLog);
    if (!proof.ok()) std::abort();
    benchmark::DoNotOptimize(proof);
  }
}
BENCHMARK(BM_InclusionProofAt10M)->Unit(benchmark::kMicrosecond);

void BM_ConsistencyProofAt10M(benchmark::State& state) {
  SqliteRelayStore& store = LargeStore();
  std::mt19937_64 rng(2);
  for (auto _ : state) {
    auto proof = store.ConsistencyProof(1 + rng() % (kLargeLog - 1), kLargeLog);
    if (!proof.ok()) std::abort();
    benchmark::DoNotOptimize(proof);
  }
}
BENCHMARK(BM_ConsistencyProofAt10M)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace poc

BENCHMARK_MAIN();
