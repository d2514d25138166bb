// The relay store's per-State queue limit: how many undelivered messages may wait for one
// recipient State before new ones addressed to it are refused, storing nothing.
#include <unistd.h>

#include <filesystem>
#include <future>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "common/crypto/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/sqlite_relay_store.h"
#include "tests/server/test_submission.h"

namespace poc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kLimit = 3;

class QueueLimitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("poc-queue-limit-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    Open();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Open() {
    store_.reset();
    auto store = SqliteRelayStore::Open((dir_ / "relay.db").string(), 16, kLimit);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  static NewMessage Message(const std::vector<std::string>& to) {
    return testutil::TestSubmission("FRA", to);
  }

  absl::StatusOr<SubmitOutcome> Submit(NewMessage m) {
    std::promise<absl::StatusOr<SubmitOutcome>> done;
    store_->Submit(
        std::move(m), [](uint64_t index) { return "receipt " + std::to_string(index); },
        [&done](absl::StatusOr<SubmitOutcome> out) { done.set_value(std::move(out)); });
    return done.get_future().get();
  }

  void FillKen() {
    for (int64_t i = 0; i < kLimit; ++i) {
      auto out = Submit(Message({"KEN"}));
      ASSERT_TRUE(out.ok()) << out.status();
    }
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteRelayStore> store_;
};

TEST_F(QueueLimitTest, AMessageToAStateWhoseQueueIsFullIsRefusedNamingItAndNothingIsStored) {
  FillKen();
  const uint64_t audit_size = store_->AuditSize();
  const NewMessage refused = Message({"BRA", "KEN"});
  auto out = Submit(refused);
  ASSERT_EQ(out.status().code(), absl::StatusCode::kResourceExhausted) << out.status();
  EXPECT_THAT(out.status().message(), HasSubstr("3 undelivered messages for KEN,"));
  EXPECT_THAT(out.status().message(), Not(HasSubstr("BRA")));
  EXPECT_EQ(store_->AuditSize(), audit_size);
  EXPECT_EQ(*store_->QueuedCount("KEN"), 3u);
  EXPECT_EQ(*store_->QueuedCount("BRA"), 0u);
  EXPECT_TRUE(store_->LeafIndexesOf(refused.id)->empty());
  // Other States' queues are not affected.
  EXPECT_TRUE(Submit(Message({"BRA"})).ok());
}

TEST_F(QueueLimitTest, ADuplicateOfAStoredMessageIsAnsweredEvenWhenTheQueueIsFull) {
  const NewMessage first = Message({"KEN"});
  ASSERT_TRUE(Submit(first).ok());
  for (int64_t i = 1; i < kLimit; ++i) {
    ASSERT_TRUE(Submit(Message({"KEN"})).ok());
  }
  auto again = Submit(first);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate);
}

TEST_F(QueueLimitTest, ADeliveryOrARefusalMakesRoomAgain) {
  FillKen();
  auto queued = store_->FetchQueue("KEN", 0, 10);
  ASSERT_TRUE(queued.ok());
  ASSERT_EQ(queued->size(), 3u);

  DeliveryRecord delivered;
  delivered.state = "KEN";
  delivered.seq = (*queued)[0].seq;
  delivered.message_id = (*queued)[0].message_id;
  delivered.receipt = "signed receipt";
  delivered.receipt_hash = Sha256("receipt");
  delivered.relay_time = absl::Now();
  std::promise<absl::StatusOr<DeliveryOutcome>> delivery;
  store_->RecordDelivery(
      delivered, [&](absl::StatusOr<DeliveryOutcome> out) { delivery.set_value(std::move(out)); });
  ASSERT_TRUE(delivery.get_future().get().ok());
  ASSERT_TRUE(Submit(Message({"KEN"})).ok());
  ASSERT_EQ(Submit(Message({"KEN"})).status().code(), absl::StatusCode::kResourceExhausted);

  std::promise<absl::Status> refusal;
  store_->RecordRefusal("KEN", (*queued)[1].seq, "bad signature", absl::Now(),
                        [&](const absl::Status& s) { refusal.set_value(s); });
  ASSERT_TRUE(refusal.get_future().get().ok());
  EXPECT_TRUE(Submit(Message({"KEN"})).ok());
}

TEST_F(QueueLimitTest, TheLimitHoldsAcrossARestart) {
  FillKen();
  Open();
  EXPECT_EQ(Submit(Message({"KEN"})).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(Submit(Message({"BRA"})).ok());
}

TEST_F(QueueLimitTest, ReceiptNoticesWaitingForASenderDoNotCount) {
  // Receipt notices queued for FRA (the sender) are not messages addressed to FRA.
  FillKen();
  auto queued = store_->FetchQueue("KEN", 0, 10);
  ASSERT_TRUE(queued.ok());
  for (const QueueItem& item : *queued) {
    DeliveryRecord d;
    d.state = "KEN";
    d.seq = item.seq;
    d.message_id = item.message_id;
    d.receipt = "signed receipt";
    d.receipt_hash = Sha256(item.message_id);
    d.relay_time = absl::Now();
    std::promise<absl::StatusOr<DeliveryOutcome>> done;
    store_->RecordDelivery(
        d, [&](absl::StatusOr<DeliveryOutcome> out) { done.set_value(std::move(out)); });
    ASSERT_TRUE(done.get_future().get().ok());
  }
  ASSERT_EQ(*store_->QueuedCount("FRA"), 3u);  // the three receipt notices
  NewMessage to_fra = Message({"FRA"});
  to_fra.sender = "KEN";
  EXPECT_TRUE(Submit(to_fra).ok());
}

}  // namespace
}  // namespace poc
