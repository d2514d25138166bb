// Group commit: many writers' operations share one SQLite transaction and one fsync, so fsync
// stays off the per-message path while every caller is still answered only after its change
// is durable (DESIGN.md, "Durability").
#ifndef POC_COMMON_STORAGE_GROUP_COMMIT_H_
#define POC_COMMON_STORAGE_GROUP_COMMIT_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>

#include "absl/status/status.h"
#include "common/storage/sqlite.h"

namespace poc {

class GroupCommitter {
 public:
  // Runs inside the batch's transaction under its own SAVEPOINT: when it fails, only its own
  // changes are rolled back and the rest of the batch commits.
  using Op = std::function<absl::Status(SqliteDatabase& db)>;
  // Runs after the batch's COMMIT (or its failure) with the op's final status.
  using Done = std::function<void(absl::Status)>;

  // `*db` must outlive this object and be used by no other thread. `on_commit_failed` runs on
  // the writer thread when a whole batch is lost, so the owner can reload in-memory counters.
  GroupCommitter(SqliteDatabase* db, int max_batch, std::function<void()> on_commit_failed);
  ~GroupCommitter();  // drains queued operations, then stops
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Thread-safe. After Stop() the op is not run and `done` gets UNAVAILABLE.
  void Enqueue(Op op, Done done);
  void Stop();

 private:
  struct Item {
    Op op;
    Done done;
  };
  void Run();
  // One statement of the batch's frame (BEGIN, SAVEPOINT, RELEASE, COMMIT, ...), compiled once and
  // kept by the database's statement cache: Exec would compile it again for each operation.
  absl::Status RunFrame(std::string_view sql);

  SqliteDatabase* const db_;
  const size_t max_batch_;
  const std::function<void()> on_commit_failed_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;  // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
  std::thread thread_;
};

}  // namespace poc

#endif  // POC_COMMON_STORAGE_GROUP_COMMIT_H_
