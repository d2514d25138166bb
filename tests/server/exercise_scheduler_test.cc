// The exercise scheduler over the real SQLite store, in simulated time (a FakeClock, Tick()
// called by the test instead of the timer): runs fire once at their time, recurrences continue,
// deadlines close runs with the outcomes as they stood then, and a relay that was down (the
// store closed and opened again) fires what fell due on start, marked late, and never twice.
#include "server/exercise_scheduler.h"

#include <future>

#include "common/crypto/ed25519.h"
#include "common/envelope/relay_envelope.h"
#include "common/template/validation.h"
#include "common/util/duration_proto.h"
#include "common/util/time_format.h"
#include "common/util/uuid_v7.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "poc/v1/message.pb.h"
#include "server/sqlite_exercise_store.h"
#include "tests/common/test_util.h"

namespace poc {
namespace {

using ::testing::ElementsAre;

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);
constexpr absl::Duration kQuarter = absl::Hours(24 * 90);
constexpr absl::Duration kDeadline = absl::Hours(4);

std::shared_ptr<const PublishedDirectory> Directory() {
  v1::Directory d;
  d.set_version(1);
  for (const char* code : {"BRA", "DEU", "FRA", "KEN"}) {
    d.add_states()->set_code(code);
  }
  auto view = DirectoryView::Build(d);
  if (!view.ok()) std::abort();
  return std::make_shared<const PublishedDirectory>(PublishedDirectory{*std::move(view), {}});
}

template <typename T>
T Await(const std::function<void(std::function<void(T)>)>& call) {
  std::promise<T> p;
  call([&p](T value) { p.set_value(std::move(value)); });
  return p.get_future().get();
}

// A relay's store and scheduler over one file; "restarting the relay" closes them and opens
// new ones on the same file.
class ExerciseSchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = Ed25519PrivateKey::Generate();
    ASSERT_TRUE(key.ok());
    signer_ = std::make_unique<RelaySigner>(*std::move(key));
    directory_.Set(Directory());
    OpenRelay();
  }
  void TearDown() override { CloseRelay(); }

  void OpenRelay() {
    auto store = SqliteRelayStore::Open(dir_.File("relay.db"), 64);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    auto exercises = SqliteExerciseStore::Open(store_.get());
    ASSERT_TRUE(exercises.ok()) << exercises.status();
    exercises_ = *std::move(exercises);
    scheduler_ = std::make_unique<ExerciseScheduler>(
        exercises_.get(), &directory_, signer_.get(), &clock_,
        [this](const std::vector<std::string>& states) { woken_.push_back(states); });
  }
  void CloseRelay() {
    scheduler_.reset();
    exercises_.reset();
    if (store_) store_->Shutdown();
    store_.reset();
  }
  void RestartRelay() {
    CloseRelay();
    OpenRelay();
    ASSERT_TRUE(scheduler_->CatchUp().ok());
  }

  std::string Create(v1::ExerciseMode mode, absl::Time first, absl::Duration every) {
    v1::CreateExerciseRequest request;
    request.set_name("Quarterly ping");
    request.add_targets("all");
    request.set_mode(mode);
    *request.mutable_first_run_at() = ToProto(first);
    *request.mutable_deadline() = DurationToProto(kDeadline);
    if (every > absl::ZeroDuration()) {
      *request.mutable_every() = DurationToProto(every);
    }
    auto exercise = CheckExerciseRequest(request, directory_.Get()->view, clock_.Now());
    EXPECT_TRUE(exercise.ok()) << exercise.status();
    exercise->set_id(NewUuidV7(clock_.Now()));
    *exercise->mutable_created_at() = ToProto(clock_.Now());
    auto created = Await<absl::StatusOr<v1::ExerciseRecord>>(
        [&](auto done) { exercises_->CreateExercise(*exercise, std::move(done)); });
    EXPECT_TRUE(created.ok()) << created.status();
    return exercise->id();
  }

  v1::ExerciseRecord Record(const std::string& id) {
    auto records = exercises_->ExerciseRecords();
    EXPECT_TRUE(records.ok()) << records.status();
    for (const auto& r : *records) {
      if (r.exercise().id() == id) return r;
    }
    ADD_FAILURE() << "no exercise " << id;
    return {};
  }

  // The types of the audit leaves so far.
  std::vector<v1::AuditEventType> Leaves() {
    std::vector<v1::AuditEventType> out;
    auto entries = store_->Entries(0, store_->AuditSize());
    EXPECT_TRUE(entries.ok()) << entries.status();
    for (const std::string& data : *entries) {
      v1::AuditEvent e;
      EXPECT_TRUE(e.ParseFromString(data));
      out.push_back(e.type());
    }
    return out;
  }
  v1::AuditEvent LastLeaf() {
    auto entries = store_->Entries(store_->AuditSize() - 1, 1);
    v1::AuditEvent e;
    EXPECT_TRUE(entries.ok() && e.ParseFromString(entries->front()));
    return e;
  }

  // `state`'s node stores the ping and its delivery receipt reaches the relay now.
  void Deliver(const std::string& state, const std::string& ping_id) {
    auto queue = store_->FetchQueue(state, 0, 10);
    ASSERT_TRUE(queue.ok()) << queue.status();
    ASSERT_EQ(queue->size(), 1u) << state;
    ASSERT_EQ(queue->front().message_id, ping_id);
    v1::Envelope envelope;
    ASSERT_TRUE(envelope.ParseFromString(queue->front().payload));
    auto ping = VerifyRelayEnvelope(envelope, signer_->public_key());
    ASSERT_TRUE(ping.ok()) << ping.status();
    DeliveryRecord r{state, queue->front().seq, ping_id, "receipt", "receipt-hash", clock_.Now()};
    auto out = Await<absl::StatusOr<DeliveryOutcome>>(
        [&](auto done) { store_->RecordDelivery(r, std::move(done)); });
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->sender, kSecretariatAddress);
    // The receipt is the relay's: no notice is queued for anyone.
    auto after = store_->FetchQueue(std::string(kSecretariatAddress), 0, 10);
    ASSERT_TRUE(after.ok());
    EXPECT_TRUE(after->empty());
  }

  absl::StatusOr<SubmitOutcome> Acknowledge(const std::string& state, const std::string& ping_id,
                                            bool automatic = false) {
    NewMessage ack;
    ack.id = NewUuidV7(clock_.Now());
    ack.sender = state;
    ack.hash = "hash of " + ack.id;
    ack.envelope = "envelope";
    ack.addressed_to = {std::string(kSecretariatAddress)};
    ack.kind = v1::MESSAGE_TYPE_ACKNOWLEDGEMENT;
    ack.in_reply_to = ping_id;
    ack.relay_time = clock_.Now();
    return Await<absl::StatusOr<SubmitOutcome>>([&](auto done) {
      exercises_->RecordExerciseAcknowledgement(
          ack, automatic, [](uint64_t index) { return "receipt " + std::to_string(index); },
          std::move(done));
    });
  }

  v1::ExerciseRunReport Report(const v1::ExerciseRun& run, v1::ExerciseMode mode) {
    auto answers = exercises_->RunAnswers(run.ping_id());
    EXPECT_TRUE(answers.ok()) << answers.status();
    return BuildExerciseRunReport(run, mode, *answers, nullptr, clock_.Now());
  }

  testutil::TempDir dir_;
  FakeClock clock_{kStart};
  std::unique_ptr<RelaySigner> signer_;
  DirectoryHolder directory_;
  std::unique_ptr<SqliteRelayStore> store_;
  std::unique_ptr<SqliteExerciseStore> exercises_;
  std::unique_ptr<ExerciseScheduler> scheduler_;
  std::vector<std::vector<std::string>> woken_;
};

TEST_F(ExerciseSchedulerTest, ARecurringRunFiresOnceAtItsTimeClosesAtItsDeadlineAndRecurs) {
  const std::string id = Create(v1::EXERCISE_MODE_RECEIPT, kStart + absl::Hours(1), kQuarter);
  ASSERT_TRUE(scheduler_->Tick().ok());
  EXPECT_TRUE(Record(id).runs().empty());
  auto next = scheduler_->NextDue();
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_EQ(**next, kStart + absl::Hours(1));

  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(scheduler_->Tick().ok());
  ASSERT_TRUE(scheduler_->Tick().ok());  // the same moment again fires nothing more
  v1::ExerciseRecord r = Record(id);
  ASSERT_EQ(r.runs_size(), 1);
  const v1::ExerciseRun run1 = r.runs(0);
  EXPECT_EQ(run1.number(), 1u);
  EXPECT_FALSE(run1.late());
  EXPECT_EQ(FromProto(run1.deadline_at()), kStart + absl::Hours(1) + kDeadline);
  EXPECT_THAT(run1.targets(), ElementsAre("BRA", "DEU", "FRA", "KEN"));
  EXPECT_THAT(woken_, ElementsAre(ElementsAre("BRA", "DEU", "FRA", "KEN")));
  EXPECT_EQ(FromProto(r.next_run_at()), kStart + absl::Hours(1) + kQuarter);
  EXPECT_EQ(LastLeaf().message_id(), run1.ping_id());

  clock_.Advance(absl::Minutes(1));
  Deliver("FRA", run1.ping_id());
  Deliver("DEU", run1.ping_id());
  clock_.Advance(kDeadline);  // past the deadline: KEN and BRA never got it
  Deliver("KEN", run1.ping_id());
  ASSERT_TRUE(scheduler_->Tick().ok());
  // The closing leaf counts the outcomes as they stood at the deadline: KEN's receipt came
  // after it, so KEN was unreachable then; the report now says late.
  const v1::AuditEvent closed = LastLeaf();
  EXPECT_EQ(closed.type(), v1::AUDIT_EVENT_EXERCISE_RUN_CLOSED);
  EXPECT_EQ(closed.message_id(), run1.ping_id());
  EXPECT_EQ(closed.exercise().tally().responded(), 2u);
  EXPECT_EQ(closed.exercise().tally().late(), 0u);
  EXPECT_EQ(closed.exercise().tally().unreachable(), 2u);
  const v1::ExerciseRunReport now = Report(Record(id).runs(0), v1::EXERCISE_MODE_RECEIPT);
  EXPECT_EQ(now.total().responded(), 2u);
  EXPECT_EQ(now.total().late(), 1u);
  EXPECT_EQ(now.total().unreachable(), 1u);

  clock_.Advance(kQuarter - kDeadline - absl::Minutes(1));  // run 2's time exactly
  ASSERT_TRUE(scheduler_->Tick().ok());
  r = Record(id);
  ASSERT_EQ(r.runs_size(), 2);
  EXPECT_EQ(r.runs(1).number(), 2u);
  EXPECT_FALSE(r.runs(1).late());
  EXPECT_EQ(FromProto(r.runs(1).scheduled_at()), kStart + absl::Hours(1) + kQuarter);
  EXPECT_NE(r.runs(1).ping_id(), run1.ping_id());
  EXPECT_THAT(
      Leaves(),
      ElementsAre(v1::AUDIT_EVENT_EXERCISE_CREATED, v1::AUDIT_EVENT_EXERCISE_RUN_FIRED,
                  v1::AUDIT_EVENT_DELIVERED, v1::AUDIT_EVENT_DELIVERED, v1::AUDIT_EVENT_DELIVERED,
                  v1::AUDIT_EVENT_EXERCISE_RUN_CLOSED, v1::AUDIT_EVENT_EXERCISE_RUN_FIRED));
}

TEST_F(ExerciseSchedulerTest, ARunDueWhileTheRelayWasDownFiresOnceOnStartMarkedLate) {
  const std::string id = Create(v1::EXERCISE_MODE_RECEIPT, kStart + absl::Hours(1), kQuarter);
  CloseRelay();  // down before the run
  clock_.Advance(absl::Hours(2));
  OpenRelay();
  ASSERT_TRUE(scheduler_->CatchUp().ok());
  v1::ExerciseRecord r = Record(id);
  ASSERT_EQ(r.runs_size(), 1);
  EXPECT_TRUE(r.runs(0).late());
  EXPECT_EQ(FromProto(r.runs(0).scheduled_at()), kStart + absl::Hours(1));
  EXPECT_EQ(FromProto(r.runs(0).fired_at()), kStart + absl::Hours(2));
  // The States get the full deadline from the late firing.
  EXPECT_EQ(FromProto(r.runs(0).deadline_at()), kStart + absl::Hours(2) + kDeadline);
  EXPECT_TRUE(LastLeaf().exercise().late());

  RestartRelay();  // down and up again during the run
  RestartRelay();
  ASSERT_TRUE(scheduler_->Tick().ok());
  EXPECT_EQ(Record(id).runs_size(), 1);

  CloseRelay();  // down across the deadline
  clock_.Advance(kDeadline + absl::Minutes(1));
  OpenRelay();
  ASSERT_TRUE(scheduler_->CatchUp().ok());
  RestartRelay();  // and after it
  r = Record(id);
  ASSERT_EQ(r.runs_size(), 1);
  EXPECT_TRUE(IsSet(r.runs(0).closed_at()));
  EXPECT_THAT(Leaves(),
              ElementsAre(v1::AUDIT_EVENT_EXERCISE_CREATED, v1::AUDIT_EVENT_EXERCISE_RUN_FIRED,
                          v1::AUDIT_EVENT_EXERCISE_RUN_CLOSED));
}

TEST_F(ExerciseSchedulerTest, AfterALongOutageOnlyTheLatestMissedRunFires) {
  const std::string id = Create(v1::EXERCISE_MODE_RECEIPT, kStart, kQuarter);
  ASSERT_TRUE(scheduler_->Tick().ok());  // run 1
  CloseRelay();
  clock_.Advance(kQuarter * 3 + absl::Hours(1));  // runs 2, 3 and 4 fell while down
  OpenRelay();
  ASSERT_TRUE(scheduler_->CatchUp().ok());
  const v1::ExerciseRecord r = Record(id);
  ASSERT_EQ(r.runs_size(), 2);
  EXPECT_EQ(r.runs(1).number(), 4u);
  EXPECT_EQ(r.runs(1).skipped(), 2u);
  EXPECT_TRUE(r.runs(1).late());
  EXPECT_EQ(FromProto(r.next_run_at()), kStart + kQuarter * 4);
}

TEST_F(ExerciseSchedulerTest, AcknowledgementsDecideOutcomesInAcknowledgeMode) {
  const std::string id = Create(v1::EXERCISE_MODE_ACKNOWLEDGE, kStart, absl::ZeroDuration());
  ASSERT_TRUE(scheduler_->Tick().ok());
  const std::string ping = Record(id).runs(0).ping_id();
  clock_.Advance(absl::Seconds(1));
  for (const char* state : {"FRA", "DEU", "BRA"}) Deliver(state, ping);
  clock_.Advance(absl::Minutes(10));
  auto fra = Acknowledge("FRA", ping);
  ASSERT_TRUE(fra.ok()) << fra.status();
  EXPECT_FALSE(fra->duplicate);
  const v1::AuditEvent acked = LastLeaf();
  EXPECT_EQ(acked.type(), v1::AUDIT_EVENT_ACKNOWLEDGED);
  EXPECT_EQ(acked.in_reply_to(), ping);
  EXPECT_EQ(acked.exercise().exercise_id(), id);
  EXPECT_EQ(acked.exercise().run(), 1u);

  // Refusals change nothing: a second acknowledgement, one from a State not pinged, one of a
  // message that is no ping.
  const uint64_t size = store_->AuditSize();
  EXPECT_EQ(Acknowledge("FRA", ping).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Acknowledge("JPN", ping).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Acknowledge("DEU", NewUuidV7(kStart)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->AuditSize(), size);

  clock_.Advance(kDeadline);  // the deadline passes: DEU and BRA have not acknowledged
  ASSERT_TRUE(scheduler_->Tick().ok());
  const v1::ExerciseTally at_deadline = LastLeaf().exercise().tally();
  EXPECT_EQ(at_deadline.responded(), 1u);
  EXPECT_EQ(at_deadline.no_response(), 2u);
  EXPECT_EQ(at_deadline.unreachable(), 1u);
  EXPECT_EQ(Record(id).status(), v1::EXERCISE_STATUS_FINISHED);

  clock_.Advance(absl::Hours(1));
  auto bra = Acknowledge("BRA", ping, /*automatic=*/true);
  ASSERT_TRUE(bra.ok()) << bra.status();
  EXPECT_TRUE(LastLeaf().exercise().automatic());
  const v1::ExerciseRunReport report = Report(Record(id).runs(0), v1::EXERCISE_MODE_ACKNOWLEDGE);
  EXPECT_EQ(report.total().responded(), 1u);
  EXPECT_EQ(report.total().late(), 1u);
  EXPECT_EQ(report.total().no_response(), 1u);
  EXPECT_EQ(report.total().unreachable(), 1u);
  EXPECT_TRUE(report.states(0).automatic());  // BRA
}

TEST_F(ExerciseSchedulerTest, ACancelledExerciseFiresNoFurtherRun) {
  const std::string id = Create(v1::EXERCISE_MODE_RECEIPT, kStart, kQuarter);
  ASSERT_TRUE(scheduler_->Tick().ok());
  auto cancelled = Await<absl::StatusOr<v1::ExerciseRecord>>([&](auto done) {
    exercises_->CancelExercise(id, "replaced", clock_.Now(), std::move(done));
  });
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->status(), v1::EXERCISE_STATUS_CANCELLED);
  EXPECT_EQ(LastLeaf().type(), v1::AUDIT_EVENT_EXERCISE_CANCELLED);
  EXPECT_EQ(LastLeaf().reason(), "replaced");
  auto again = Await<absl::StatusOr<v1::ExerciseRecord>>(
      [&](auto done) { exercises_->CancelExercise(id, "", clock_.Now(), std::move(done)); });
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  clock_.Advance(kQuarter * 2);
  RestartRelay();
  ASSERT_TRUE(scheduler_->Tick().ok());
  EXPECT_EQ(Record(id).runs_size(), 1);  // the run that fired before still closes
  EXPECT_TRUE(IsSet(Record(id).runs(0).closed_at()));
}

}  // namespace
}  // namespace poc
