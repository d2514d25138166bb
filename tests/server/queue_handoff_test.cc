// The items a write hands to the recipients' live sessions at commit (QueueItem::prev_seq), and
// the rule a session follows with one (server/offer_decision.h): it may push an item without
// reading the store only when nothing queued before it for that State can still be there.
#include <future>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "common/crypto/sha256.h"
#include "gtest/gtest.h"
#include "server/message_rows.h"
#include "server/offer_decision.h"
#include "server/sqlite_relay_store.h"
#include "tests/common/test_util.h"
#include "tests/server/test_submission.h"

namespace poc {
namespace {

using ::poc::testutil::TestSubmission;

class QueueHandoffTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteRelayStore::Open(dir_.File("relay.db"), 16);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  SubmitOutcome Submit(NewMessage m) {
    std::promise<absl::StatusOr<SubmitOutcome>> done;
    store_->Submit(
        std::move(m), [](uint64_t index) { return "receipt " + std::to_string(index); },
        [&done](absl::StatusOr<SubmitOutcome> out) { done.set_value(std::move(out)); });
    absl::StatusOr<SubmitOutcome> out = done.get_future().get();
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *std::move(out) : SubmitOutcome{};
  }

  // The seqs queued for `state`, oldest first, as a session reads them.
  std::vector<uint64_t> Queued(const std::string& state) {
    std::vector<uint64_t> seqs;
    auto items = store_->FetchQueue(state, 0, 100);
    EXPECT_TRUE(items.ok()) << items.status();
    for (const QueueItem& item : items.value_or(std::vector<QueueItem>{})) {
      seqs.push_back(item.seq);
    }
    return seqs;
  }

  testutil::TempDir dir_;
  std::unique_ptr<SqliteRelayStore> store_;  // declared after dir_: closed before it goes
};

TEST_F(QueueHandoffTest, ASubmissionHandsEachRecipientItsItemWithTheEnvelope) {
  const NewMessage m = TestSubmission("FRA", {"KEN", "BRA"});
  const SubmitOutcome out = Submit(m);
  ASSERT_EQ(out.queued.size(), 2u);
  EXPECT_EQ(out.queued[0].state, "KEN");
  EXPECT_EQ(out.queued[1].state, "BRA");
  for (const QueueItem& item : out.queued) {
    EXPECT_EQ(item.kind, QueueItem::Kind::kDelivery);
    EXPECT_EQ(item.message_id, m.id);
    EXPECT_EQ(item.payload, m.envelope) << "what a read of the store would give";
    EXPECT_EQ(item.prev_seq, 0u) << "nothing was queued for " << item.state << " before";
    EXPECT_EQ(Queued(item.state), std::vector<uint64_t>{item.seq});
  }
}

TEST_F(QueueHandoffTest, EachItemNamesTheItemQueuedForItsStateJustBefore) {
  const SubmitOutcome first = Submit(TestSubmission("FRA", {"KEN"}));
  const SubmitOutcome other = Submit(TestSubmission("FRA", {"BRA"}));
  const SubmitOutcome second = Submit(TestSubmission("DEU", {"KEN"}));
  ASSERT_EQ(first.queued.size(), 1u);
  ASSERT_EQ(other.queued.size(), 1u);
  ASSERT_EQ(second.queued.size(), 1u);
  EXPECT_EQ(other.queued[0].prev_seq, 0u) << "BRA's first item";
  EXPECT_EQ(second.queued[0].prev_seq, first.queued[0].seq) << "BRA's item in between is not KEN's";
}

TEST_F(QueueHandoffTest, AnItemQueuedWithoutAHandoffStillChainsTheNextOne) {
  const SubmitOutcome first = Submit(TestSubmission("FRA", {"KEN"}));
  // As an exercise ping or escalation notice is queued: a wake-up, no handoff.
  std::promise<absl::Status> queued;
  store_->Write([](SqliteDatabase& db,
                   AuditLeafWriter&) { return QueueMessage(db, "relay-made message", {"KEN"}); },
                [&queued](const absl::Status& s) { queued.set_value(s); });
  ASSERT_TRUE(queued.get_future().get().ok());
  const SubmitOutcome second = Submit(TestSubmission("FRA", {"KEN"}));
  const std::vector<uint64_t> seqs = Queued("KEN");
  ASSERT_EQ(seqs.size(), 3u);
  ASSERT_EQ(second.queued.size(), 1u);
  EXPECT_EQ(second.queued[0].prev_seq, seqs[1])
      << "a session that has not read the ping must read the store, not push past it";
  EXPECT_GT(seqs[1], first.queued[0].seq);
}

TEST_F(QueueHandoffTest, ADeliveryReceiptHandsTheSenderItsNoticeChainedToItsQueue) {
  const SubmitOutcome to_fra = Submit(TestSubmission("DEU", {"FRA"}));
  const SubmitOutcome to_ken = Submit(TestSubmission("FRA", {"KEN"}));
  ASSERT_EQ(to_fra.queued.size(), 1u);
  ASSERT_EQ(to_ken.queued.size(), 1u);
  DeliveryRecord record;
  record.state = "KEN";
  record.seq = to_ken.queued[0].seq;
  record.message_id = to_ken.queued[0].message_id;
  record.receipt = "KEN's signed receipt";
  record.receipt_hash = Sha256(record.receipt);
  record.relay_time = absl::Now();
  std::promise<absl::StatusOr<DeliveryOutcome>> done;
  store_->RecordDelivery(
      record, [&done](absl::StatusOr<DeliveryOutcome> out) { done.set_value(std::move(out)); });
  absl::StatusOr<DeliveryOutcome> out = done.get_future().get();
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->queued.size(), 1u);
  const QueueItem& notice = out->queued[0];
  EXPECT_EQ(notice.state, "FRA");
  EXPECT_EQ(notice.kind, QueueItem::Kind::kReceiptNotice);
  EXPECT_EQ(notice.payload, record.receipt);
  EXPECT_EQ(notice.prev_seq, to_fra.queued[0].seq) << "DEU's message waits for FRA before it";
  EXPECT_EQ(Queued("FRA"), (std::vector<uint64_t>{to_fra.queued[0].seq, notice.seq}));
}

TEST_F(QueueHandoffTest, AResubmissionHandsNothingOn) {
  const NewMessage m = TestSubmission("FRA", {"KEN"});
  ASSERT_EQ(Submit(m).queued.size(), 1u);
  const SubmitOutcome again = Submit(m);
  EXPECT_TRUE(again.duplicate);
  EXPECT_TRUE(again.queued.empty());
  EXPECT_EQ(Queued("KEN").size(), 1u);
}

TEST(OfferDecisionTest, AnItemWhosePredecessorsWereAllTakenIsPushedAtOnce) {
  EXPECT_EQ(DecideOffer(/*seq=*/12, /*prev_seq=*/9, /*cursor=*/9, false, true), OfferAction::kPush);
  EXPECT_EQ(DecideOffer(12, 0, 0, false, true), OfferAction::kPush) << "the State's first item";
  EXPECT_EQ(DecideOffer(12, 9, 11, false, true), OfferAction::kPush)
      << "items of other States lie between";
}

TEST(OfferDecisionTest, AnItemBehindOneStillInTheStoreIsReadInOrder) {
  EXPECT_EQ(DecideOffer(12, 10, 9, false, true), OfferAction::kRead);
}

TEST(OfferDecisionTest, AnItemOfferedWhileAReadIsInFlightIsLeftToTheRead) {
  EXPECT_EQ(DecideOffer(12, 9, 9, /*reading=*/true, true), OfferAction::kRead);
}

TEST(OfferDecisionTest, AnItemBeyondTheWindowWaitsInTheStore) {
  EXPECT_EQ(DecideOffer(12, 9, 9, false, /*has_room=*/false), OfferAction::kRead);
}

TEST(OfferDecisionTest, AnItemAReadAlreadyReturnedIsNotPushedTwice) {
  EXPECT_EQ(DecideOffer(12, 9, 12, false, true), OfferAction::kSkip);
  EXPECT_EQ(DecideOffer(12, 9, 15, true, false), OfferAction::kSkip);
}

}  // namespace
}  // namespace poc
