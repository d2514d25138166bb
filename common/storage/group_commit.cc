#include "common/storage/group_commit.h"

#include <vector>

namespace poc {

GroupCommitter::GroupCommitter(SqliteDatabase* db, int max_batch,
                               std::function<void()> on_commit_failed)
    : db_(db),
      max_batch_(static_cast<size_t>(max_batch < 1 ? 1 : max_batch)),
      on_commit_failed_(std::move(on_commit_failed)),
      thread_([this] { Run(); }) {}

GroupCommitter::~GroupCommitter() { Stop(); }

void GroupCommitter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void GroupCommitter::Enqueue(Op op, Done done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      queue_.push_back(Item{std::move(op), std::move(done)});
      cv_.notify_one();
      return;
    }
  }
  done(absl::UnavailableError("the store is shutting down"));
}

absl::Status GroupCommitter::RunFrame(std::string_view sql) {
  absl::StatusOr<SqliteStatement> statement = db_->Prepare(sql);
  return statement.ok() ? statement->Run() : statement.status();
}

void GroupCommitter::Run() {
  std::vector<Item> batch;
  std::vector<absl::Status> results;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    results.assign(batch.size(), absl::OkStatus());
    absl::Status batch_status = RunFrame("BEGIN IMMEDIATE");
    if (batch_status.ok()) {
      for (size_t i = 0; i < batch.size(); ++i) {
        absl::Status s = RunFrame("SAVEPOINT op");
        if (s.ok()) s = batch[i].op(*db_);
        if (!s.ok()) (void)RunFrame("ROLLBACK TO op");
        (void)RunFrame("RELEASE op");
        results[i] = s;
      }
      batch_status = RunFrame("COMMIT");
      if (!batch_status.ok()) (void)RunFrame("ROLLBACK");
    }
    if (!batch_status.ok()) {
      for (auto& r : results) r = batch_status;
      if (on_commit_failed_) on_commit_failed_();
    }
    for (size_t i = 0; i < batch.size(); ++i) batch[i].done(results[i]);
    batch.clear();
  }
}

}  // namespace poc
