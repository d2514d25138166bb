// The relay store under concurrent use, as the relay's gRPC threads use it: many submitters
// sharing group commits, a deliverer draining a queue, and readers of the audit log, all at
// once. These tests carry the "concurrency" label: deploy/sanitize.sh --tsan runs them under
// ThreadSanitizer.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "common/crypto/sha256.h"
#include "server/sqlite_relay_store.h"
#include "tests/common/test_util.h"

namespace poc {
namespace {

constexpr int kSubmitters = 4;
constexpr int kPerSubmitter = 150;

// Counts answered `done` callbacks so a test can wait for all of them.
class Answers {
 public:
  void One(bool ok) {
    std::lock_guard<std::mutex> lock(mu_);
    ++answered_;
    if (!ok) ++failed_;
    cv_.notify_all();
  }
  void WaitFor(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return answered_ >= n; });
  }
  int failed() {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int answered_ = 0;
  int failed_ = 0;
};

NewMessage Message(const std::string& id, const std::string& sender) {
  NewMessage m;
  m.id = id;
  m.sender = sender;
  m.hash = Sha256(id);
  m.envelope = "envelope of " + id;
  m.recipients = {"FRA", "DEU"};
  m.addressed_to = {"FRA", "DEU"};
  m.kind = v1::MESSAGE_TYPE_NOTIFICATION;
  m.relay_time = absl::Now();
  return m;
}

std::string IdOf(int submitter, int n) {
  return "msg-" + std::to_string(submitter) + "-" + std::to_string(n);
}

class SqliteRelayStoreConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteRelayStore::Open(dir_.path() + "/relay.db", /*max_batch=*/32);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  // Every submitter thread submits its messages, each twice (the second is a duplicate that
  // may race with the first); returns once every answer is in.
  void SubmitFromThreads(Answers* answers, std::atomic<int>* duplicates) {
    std::vector<std::thread> threads;
    threads.reserve(kSubmitters);
    for (int t = 0; t < kSubmitters; ++t) {
      threads.emplace_back([this, t, answers, duplicates] {
        for (int n = 0; n < kPerSubmitter; ++n) {
          for (int copy = 0; copy < 2; ++copy) {
            store_->Submit(
                Message(IdOf(t, n), "S" + std::to_string(t)),
                [](uint64_t index) { return "receipt at " + std::to_string(index); },
                [answers, duplicates](absl::StatusOr<SubmitOutcome> outcome) {
                  if (outcome.ok() && outcome->duplicate) duplicates->fetch_add(1);
                  answers->One(outcome.ok());
                });
          }
        }
      });
    }
    for (std::thread& t : threads) t.join();
    answers->WaitFor(kSubmitters * kPerSubmitter * 2);
  }

  testutil::TempDir dir_;
  std::unique_ptr<SqliteRelayStore> store_;
};

TEST_F(SqliteRelayStoreConcurrencyTest,
       ConcurrentSubmittersEachMessageQueuedOnceAndEveryLeafLoggedOnce) {
  Answers answers;
  std::atomic<int> duplicates{0};
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  // Readers of the audit log while it grows: every size they see has a root.
  std::vector<std::thread> readers;
  readers.reserve(2);
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        uint64_t size = store_->AuditSize();
        if (size > 0) {
          absl::StatusOr<std::string> root = store_->RootAt(size);
          EXPECT_TRUE(root.ok()) << "size " << size << ": " << root.status();
          EXPECT_TRUE(store_->Entries(0, size).ok());
        }
        EXPECT_TRUE(store_->FetchQueue("FRA", 0, 50).ok());
        reads.fetch_add(1);
      }
    });
  }

  SubmitFromThreads(&answers, &duplicates);
  stop = true;
  for (std::thread& t : readers) t.join();

  const int messages = kSubmitters * kPerSubmitter;
  EXPECT_EQ(answers.failed(), 0);
  EXPECT_EQ(duplicates.load(), messages);
  EXPECT_EQ(store_->AuditSize(), static_cast<uint64_t>(messages));
  EXPECT_GT(reads.load(), 0);
  for (const char* state : {"FRA", "DEU"}) {
    absl::StatusOr<std::vector<QueueItem>> queue = store_->FetchQueue(state, 0, messages * 2);
    ASSERT_TRUE(queue.ok()) << queue.status();
    std::set<std::string> ids;
    for (const QueueItem& item : *queue) ids.insert(item.message_id);
    EXPECT_EQ(queue->size(), static_cast<size_t>(messages)) << state;
    EXPECT_EQ(ids.size(), static_cast<size_t>(messages)) << state;
  }
}

TEST_F(SqliteRelayStoreConcurrencyTest, DeliveriesRecordedWhileSubmissionsArriveLoseNothing) {
  Answers answers;
  std::atomic<int> duplicates{0};
  std::atomic<bool> submitting{true};
  std::atomic<int> delivered{0};
  std::atomic<int> delivery_errors{0};
  // DEU's node: fetches its queue and returns a receipt for each item, while submissions come.
  std::thread deliverer([&] {
    uint64_t after = 0;
    for (;;) {
      bool last_round = !submitting.load();
      absl::StatusOr<std::vector<QueueItem>> queue = store_->FetchQueue("DEU", after, 64);
      ASSERT_TRUE(queue.ok()) << queue.status();
      if (queue->empty() && last_round) break;
      Answers round;
      for (const QueueItem& item : *queue) {
        after = item.seq;
        DeliveryRecord record;
        record.state = "DEU";
        record.seq = item.seq;
        record.message_id = item.message_id;
        record.receipt = "receipt of " + item.message_id;
        record.receipt_hash = std::string(32, 'r');
        record.relay_time = absl::Now();
        store_->RecordDelivery(std::move(record), [&](absl::StatusOr<DeliveryOutcome> outcome) {
          if (outcome.ok() && !outcome->sender.empty()) {
            delivered.fetch_add(1);
          } else {
            delivery_errors.fetch_add(1);
          }
          round.One(outcome.ok());
        });
      }
      round.WaitFor(static_cast<int>(queue->size()));
    }
  });

  SubmitFromThreads(&answers, &duplicates);
  submitting = false;
  deliverer.join();

  const int messages = kSubmitters * kPerSubmitter;
  EXPECT_EQ(answers.failed(), 0);
  EXPECT_EQ(delivery_errors.load(), 0);
  EXPECT_EQ(delivered.load(), messages);
  absl::StatusOr<uint64_t> left = store_->QueuedCount("DEU");
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(*left, 0u);
  // One SUBMITTED leaf per message and one DELIVERED leaf per receipt, nothing twice.
  EXPECT_EQ(store_->AuditSize(), static_cast<uint64_t>(2 * messages));
  // Each sender got one receipt notice per delivered message.
  int notices = 0;
  for (int t = 0; t < kSubmitters; ++t) {
    absl::StatusOr<uint64_t> n = store_->QueuedCount("S" + std::to_string(t));
    ASSERT_TRUE(n.ok());
    notices += static_cast<int>(*n);
  }
  EXPECT_EQ(notices, messages);
}

}  // namespace
}  // namespace poc
