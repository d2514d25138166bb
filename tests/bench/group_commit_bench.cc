// Durable SQLite commits of a batch through common/storage's GroupCommitter (WAL,
// synchronous=FULL): how the fsync is shared as batches grow. Items are 1 KiB rows.
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "common/storage/group_commit.h"
#include "common/storage/sqlite.h"

namespace poc {
namespace {

void BM_GroupCommitBatch(benchmark::State& state) {
  const char* base = ::getenv("POC_BENCH_DIR");
  const std::string dir = std::string(base != nullptr ? base : "/tmp") + "/poc-group-commit-" +
                          std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  {
    auto db = SqliteDatabase::Open(dir + "/bench.db");
    if (!db.ok() || !(*db)->Exec("CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB)").ok()) {
      state.SkipWithError("cannot open the database");
      return;
    }
    const int batch = static_cast<int>(state.range(0));
    GroupCommitter committer(db->get(), batch, [] {});
    const std::string row(1024, 'x');
    int64_t key = 0;
    for (auto _ : state) {
      std::mutex mu;
      std::condition_variable cv;
      int done = 0;
      for (int i = 0; i < batch; ++i) {
        const int64_t k = ++key;
        committer.Enqueue(
            [k, &row](SqliteDatabase& d) {
              auto st = d.Prepare("INSERT INTO t(k, v) VALUES(?, ?)");
              if (!st.ok()) return st.status();
              return st->Bind(1, k).BindBlob(2, row).Run();
            },
            [&](const absl::Status&) {
              std::lock_guard<std::mutex> lock(mu);
              ++done;
              cv.notify_one();
            });
      }
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return done == batch; });
    }
    state.SetItemsProcessed(state.iterations() * batch);
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_GroupCommitBatch)->Arg(1)->Arg(64)->Arg(512)->UseRealTime();

}  // namespace
}  // namespace poc

BENCHMARK_MAIN();
