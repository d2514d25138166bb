// Escalation and drills over the real SQLite store, in simulated time (a FakeClock, Tick() called
// by the test instead of the timer): a message nobody acknowledges is reminded, escalated to the
// State's diplomatic contact and then to the Secretariat, each once; an acknowledgement cancels
// what is left; a relay that was down across a due time fires it once on start, late; a drill's
// steps fire at their time and its report gives each deadline met or missed; bad scenarios are
// refused naming the field.
#include "server/escalation_scheduler.h"

#include <future>

#include "common/crypto/ed25519.h"
#include "common/envelope/relay_envelope.h"
#include "common/template/validation.h"
#include "common/util/duration_proto.h"
#include "common/util/time_format.h"
#include "common/util/uuid_v7.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "poc/v1/audit.pb.h"
#include "poc/v1/envelope.pb.h"
#include "poc/v1/message.pb.h"
#include "server/drill_rules.h"
#include "tests/common/test_util.h"

namespace poc {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

std::shared_ptr<const PublishedDirectory> Directory() {
  v1::Directory d;
  d.set_version(1);
  for (const char* code : {"DEU", "FRA", "KEN"}) {
    v1::StateEntry* s = d.add_states();
    s->set_code(code);
    v1::Contact* tech = s->add_contacts();
    tech->set_level(v1::CONTACT_LEVEL_TECHNICAL);
    tech->set_order(1);
    tech->set_name(std::string(code) + " CERT");
    v1::Contact* dip = s->add_contacts();
    dip->set_level(v1::CONTACT_LEVEL_DIPLOMATIC);
    dip->set_order(2);
    dip->set_name(std::string(code) + " cyber desk");
    dip->set_phone("+1 555 0100");
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

class EscalationSchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = Ed25519PrivateKey::Generate();
    ASSERT_TRUE(key.ok());
    signer_ = std::make_unique<RelaySigner>(*std::move(key));
    directory_.Set(Directory());
    ASSERT_TRUE(policy_.Finish().ok());  // urgent: 2h, 4h, 6h
    OpenRelay();
  }
  void TearDown() override { CloseRelay(); }

  void OpenRelay() {
    auto store = SqliteRelayStore::Open(dir_.File(db_name_), 64);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    auto escalations = EscalationStore::Open(store_.get());
    ASSERT_TRUE(escalations.ok()) << escalations.status();
    escalations_ = *std::move(escalations);
    scheduler_ = std::make_unique<EscalationScheduler>(
        escalations_.get(), &directory_, signer_.get(), &clock_, policy_,
        [this](const std::vector<std::string>& states) { woken_.push_back(states); });
  }
  void CloseRelay() {
    scheduler_.reset();
    escalations_.reset();
    if (store_) store_->Shutdown();
    store_.reset();
  }

  // A State's message as Relay.Submit stores it (the store does not check signatures).
  std::string Submit(const std::string& sender, const std::vector<std::string>& to,
                     v1::MessageType kind, v1::Urgency urgency,
                     const std::string& in_reply_to = "") {
    v1::Message m;
    m.set_id(NewUuidV7(clock_.Now()));
    m.set_sender(sender);
    for (const std::string& r : to) m.add_recipients(r);
    *m.mutable_created_at() = ToProto(clock_.Now());
    m.set_kind(kind);
    m.set_in_reply_to(in_reply_to);
    m.mutable_template_()->set_urgency(urgency);
    m.mutable_template_()->set_subject("Ransomware in hospital networks");
    v1::Envelope envelope;
    envelope.set_message(m.SerializeAsString());
    NewMessage n;
    n.id = m.id();
    n.sender = sender;
    n.hash = "hash of " + m.id();
    n.envelope = envelope.SerializeAsString();
    n.recipients = to;
    n.addressed_to = to;
    n.kind = kind;
    n.in_reply_to = in_reply_to;
    n.relay_time = clock_.Now();
    auto out = Await<absl::StatusOr<SubmitOutcome>>([&](auto done) {
      store_->Submit(
          n, [](uint64_t i) { return "receipt " + std::to_string(i); }, std::move(done));
    });
    EXPECT_TRUE(out.ok()) << out.status();
    return m.id();
  }

  // The relay-signed notices and drill messages queued for `state` so far, verified.
  std::vector<v1::Message> Queued(const std::string& state) {
    std::vector<v1::Message> out;
    auto queue = store_->FetchQueue(state, 0, 100);
    EXPECT_TRUE(queue.ok()) << queue.status();
    for (const auto& item : *queue) {
      v1::Envelope envelope;
      EXPECT_TRUE(envelope.ParseFromString(item.payload));
      if (envelope.key_id() != signer_->public_key().key_id()) continue;  // a State's message
      auto verified = VerifyRelayEnvelope(envelope, signer_->public_key());
      EXPECT_TRUE(verified.ok()) << verified.status();
      if (verified.ok()) {
        EXPECT_TRUE(ValidateMessage(verified->message, ValidationLimits{}).ok());
        out.push_back(verified->message);
      }
    }
    return out;
  }
  std::vector<v1::EscalationStep> Steps(const std::string& state) {
    std::vector<v1::EscalationStep> out;
    for (const v1::Message& m : Queued(state)) {
      if (m.has_escalation()) out.push_back(m.escalation().step());
    }
    return out;
  }
  std::vector<v1::AuditEvent> Leaves(v1::AuditEventType type) {
    std::vector<v1::AuditEvent> out;
    auto entries = store_->Entries(0, store_->AuditSize());
    EXPECT_TRUE(entries.ok()) << entries.status();
    for (const std::string& data : *entries) {
      v1::AuditEvent e;
      EXPECT_TRUE(e.ParseFromString(data));
      if (e.type() == type) out.push_back(e);
    }
    return out;
  }
  void Tick() { ASSERT_TRUE(scheduler_->Tick().ok()); }

  testutil::TempDir dir_;
  std::string db_name_ = "relay.db";
  FakeClock clock_{kStart};
  EscalationPolicy policy_;
  std::unique_ptr<RelaySigner> signer_;
  DirectoryHolder directory_;
  std::unique_ptr<SqliteRelayStore> store_;
  std::unique_ptr<EscalationStore> escalations_;
  std::unique_ptr<EscalationScheduler> scheduler_;
  std::vector<std::vector<std::string>> woken_;
};

TEST_F(EscalationSchedulerTest, AnUnacknowledgedMessageIsRemindedThenEscalatedTwiceEachOnce) {
  const std::string id = Submit("FRA", {"KEN"}, v1::MESSAGE_TYPE_NOTIFICATION, v1::URGENCY_URGENT);
  Tick();
  auto next = scheduler_->NextDue();
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_EQ(**next, kStart + absl::Hours(2));
  clock_.Advance(absl::Hours(2) - absl::Seconds(1));
  Tick();
  EXPECT_TRUE(Steps("KEN").empty());

  clock_.Advance(absl::Seconds(1));
  Tick();
  Tick();  // the same moment again fires nothing more
  EXPECT_THAT(Steps("KEN"), ElementsAre(v1::ESCALATION_STEP_REMINDER));
  EXPECT_THAT(woken_, ElementsAre(ElementsAre("KEN")));
  const v1::Message reminder = Queued("KEN").back();
  EXPECT_EQ(reminder.sender(), kSecretariatAddress);
  EXPECT_EQ(reminder.escalation().message_id(), id);
  EXPECT_EQ(FromProto(reminder.escalation().deadline_at()), kStart + absl::Hours(4));
  EXPECT_FALSE(reminder.drill());
  EXPECT_FALSE(reminder.escalation().late());

  clock_.Advance(absl::Hours(2));
  Tick();
  EXPECT_THAT(Steps("KEN"),
              ElementsAre(v1::ESCALATION_STEP_REMINDER, v1::ESCALATION_STEP_DIPLOMATIC));
  const v1::EscalationNotice diplomatic = Queued("KEN").back().escalation();
  EXPECT_EQ(diplomatic.contact_name(), "KEN cyber desk");
  EXPECT_EQ(diplomatic.contact_phone(), "+1 555 0100");
  EXPECT_THAT(Queued("KEN").back().template_().summary(), HasSubstr("KEN cyber desk"));

  clock_.Advance(absl::Hours(2));
  Tick();
  clock_.Advance(absl::Hours(24));
  Tick();
  EXPECT_THAT(Steps("KEN"),
              ElementsAre(v1::ESCALATION_STEP_REMINDER, v1::ESCALATION_STEP_DIPLOMATIC,
                          v1::ESCALATION_STEP_SECRETARIAT));
  EXPECT_EQ(Leaves(v1::AUDIT_EVENT_ESCALATION_REMINDED).size(), 1u);
  const std::vector<v1::AuditEvent> escalated = Leaves(v1::AUDIT_EVENT_ESCALATED);
  ASSERT_EQ(escalated.size(), 2u);
  EXPECT_EQ(escalated[0].escalation().step(), v1::ESCALATION_STEP_DIPLOMATIC);
  EXPECT_EQ(escalated[0].escalation().contact_name(), "KEN cyber desk");
  EXPECT_EQ(escalated[1].escalation().step(), v1::ESCALATION_STEP_SECRETARIAT);
  EXPECT_EQ(escalated[1].message_id(), id);
  EXPECT_EQ(escalated[1].state(), "KEN");
  next = scheduler_->NextDue();
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());
}

TEST_F(EscalationSchedulerTest, AnAcknowledgementOrResponseCancelsWhatIsLeftForThatStateOnly) {
  const std::string id =
      Submit("FRA", {"DEU", "KEN"}, v1::MESSAGE_TYPE_REQUEST_FOR_INFORMATION, v1::URGENCY_URGENT);
  clock_.Advance(absl::Hours(1));
  Submit("DEU", {"FRA"}, v1::MESSAGE_TYPE_ACKNOWLEDGEMENT, v1::URGENCY_URGENT, id);
  clock_.Advance(absl::Hours(2));  // past the reminder: KEN only
  Tick();
  EXPECT_TRUE(Steps("DEU").empty());
  EXPECT_THAT(Steps("KEN"), ElementsAre(v1::ESCALATION_STEP_REMINDER));
  Submit("KEN", {"FRA"}, v1::MESSAGE_TYPE_RESPONSE, v1::URGENCY_URGENT, id);
  clock_.Advance(absl::Hours(10));
  Tick();
  EXPECT_TRUE(Steps("DEU").empty());
  EXPECT_THAT(Steps("KEN"), ElementsAre(v1::ESCALATION_STEP_REMINDER));
  EXPECT_TRUE(Leaves(v1::AUDIT_EVENT_ESCALATED).empty());
}

TEST_F(EscalationSchedulerTest, GeneralMessagesAndAcknowledgementsAreNeverEscalated) {
  Submit("FRA", {"KEN"}, v1::MESSAGE_TYPE_GENERAL, v1::URGENCY_FLASH);
  clock_.Advance(absl::Hours(100));
  Tick();
  EXPECT_TRUE(Steps("KEN").empty());
  EXPECT_TRUE(Leaves(v1::AUDIT_EVENT_ESCALATION_REMINDED).empty());
}

TEST_F(EscalationSchedulerTest, ARelayDownAcrossADueTimeFiresItOnceLateOnStart) {
  Submit("FRA", {"KEN"}, v1::MESSAGE_TYPE_NOTIFICATION, v1::URGENCY_URGENT);
  CloseRelay();
  clock_.Advance(absl::Hours(5));  // reminder (2h) and diplomatic escalation (4h) passed
  OpenRelay();
  ASSERT_TRUE(scheduler_->CatchUp().ok());
  // The reminder, overtaken by the escalation, is not sent; the escalation is, marked late.
  EXPECT_THAT(Steps("KEN"), ElementsAre(v1::ESCALATION_STEP_DIPLOMATIC));
  EXPECT_TRUE(Queued("KEN").back().escalation().late());
  CloseRelay();
  OpenRelay();
  ASSERT_TRUE(scheduler_->CatchUp().ok());  // a second start fires nothing again
  EXPECT_THAT(Steps("KEN"), ElementsAre(v1::ESCALATION_STEP_DIPLOMATIC));
  clock_.Advance(absl::Hours(1));
  Tick();
  EXPECT_THAT(Steps("KEN"),
              ElementsAre(v1::ESCALATION_STEP_DIPLOMATIC, v1::ESCALATION_STEP_SECRETARIAT));
  EXPECT_FALSE(Queued("KEN").back().escalation().late());
  EXPECT_TRUE(Leaves(v1::AUDIT_EVENT_ESCALATION_REMINDED).empty());
  EXPECT_EQ(Leaves(v1::AUDIT_EVENT_ESCALATED).size(), 2u);
}

TEST_F(EscalationSchedulerTest, MessagesStoredBeforeTheScheduleExistedAreNotEscalated) {
  CloseRelay();
  db_name_ = "older-relay.db";
  {
    auto store = SqliteRelayStore::Open(dir_.File(db_name_), 64);
    ASSERT_TRUE(store.ok());
    store_ = *std::move(store);
  }
  Submit("FRA", {"KEN"}, v1::MESSAGE_TYPE_NOTIFICATION, v1::URGENCY_URGENT);  // an older relay
  store_->Shutdown();
  store_.reset();
  OpenRelay();
  clock_.Advance(absl::Hours(10));
  ASSERT_TRUE(scheduler_->CatchUp().ok());
  EXPECT_TRUE(Steps("KEN").empty());
}

class DrillTest : public EscalationSchedulerTest {
 protected:
  v1::StartDrillRequest Scenario() {
    v1::StartDrillRequest r;
    r.mutable_scenario()->set_name("Q1 escalation drill");
    v1::DrillScenarioStep* s = r.mutable_scenario()->add_steps();
    *s->mutable_after() = DurationToProto(absl::Minutes(10));
    s->set_from("FRA");
    s->add_to("DEU");
    s->add_to("KEN");
    s->set_type(v1::MESSAGE_TYPE_NOTIFICATION);
    s->set_urgency(v1::URGENCY_URGENT);
    s->set_subject("Simulated ransomware");
    *s->mutable_acknowledge_within() = DurationToProto(absl::Hours(1));
    return r;
  }
  absl::StatusOr<v1::StartDrillResponse> Start(const v1::StartDrillRequest& r) {
    auto checked = CheckDrillRequest(r, directory_.Get()->view, policy_, clock_.Now());
    if (!checked.ok()) return checked.status();
    checked->drill.set_id(NewUuidV7(clock_.Now()));
    *checked->drill.mutable_started_at() = ToProto(clock_.Now());
    return Await<absl::StatusOr<v1::StartDrillResponse>>([&](auto done) {
      escalations_->StartDrill(checked->drill, checked->due, std::move(done));
    });
  }
  absl::StatusOr<SubmitOutcome> Acknowledge(const std::string& state, const std::string& id) {
    NewMessage ack;
    ack.id = NewUuidV7(clock_.Now());
    ack.sender = state;
    ack.hash = "hash of " + ack.id;
    ack.envelope = "envelope";
    ack.addressed_to = {std::string(kSecretariatAddress)};
    ack.kind = v1::MESSAGE_TYPE_ACKNOWLEDGEMENT;
    ack.in_reply_to = id;
    ack.relay_time = clock_.Now();
    return Await<absl::StatusOr<SubmitOutcome>>([&](auto done) {
      escalations_->RecordDrillAcknowledgement(
          ack, [](uint64_t i) { return "receipt " + std::to_string(i); }, std::move(done));
    });
  }
};

TEST_F(DrillTest, StepsFireAtTheirTimeAndTheReportGivesEachDeadlineMetOrMissed) {
  auto started = Start(Scenario());
  ASSERT_TRUE(started.ok()) << started.status();
  const std::string drill_id = started->drill().id();
  EXPECT_EQ(Leaves(v1::AUDIT_EVENT_DRILL_STARTED).size(), 1u);
  Tick();
  EXPECT_TRUE(Queued("KEN").empty());
  clock_.Advance(absl::Minutes(10));
  Tick();
  const std::vector<v1::Message> sent = Queued("KEN");
  ASSERT_EQ(sent.size(), 1u);
  const v1::Message& m = sent.front();
  EXPECT_TRUE(m.drill());
  EXPECT_EQ(m.drill_info().drill_id(), drill_id);
  EXPECT_EQ(m.drill_info().acting_as(), "FRA");
  EXPECT_EQ(m.sender(), kSecretariatAddress);
  ASSERT_EQ(Leaves(v1::AUDIT_EVENT_DRILL_STEP_FIRED).size(), 1u);
  EXPECT_EQ(Leaves(v1::AUDIT_EVENT_DRILL_STEP_FIRED)[0].message_id(), m.id());

  clock_.Advance(absl::Minutes(30));
  auto acked = Acknowledge("DEU", m.id());
  ASSERT_TRUE(acked.ok()) << acked.status();
  auto again = Acknowledge("DEU", m.id());
  EXPECT_TRUE(absl::IsFailedPrecondition(again.status())) << again.status();
  EXPECT_TRUE(absl::IsInvalidArgument(Acknowledge("FRA", m.id()).status()));
  clock_.Advance(absl::Hours(2));  // the reminder (2h after sending) is due for KEN only
  Tick();
  EXPECT_THAT(Steps("KEN"), ElementsAre(v1::ESCALATION_STEP_REMINDER));
  EXPECT_TRUE(Steps("DEU").empty());
  EXPECT_TRUE(Queued("KEN").back().drill());  // notices about drills are drills too

  auto report = escalations_->DrillReport(drill_id, clock_.Now());
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->results_size(), 2);
  const v1::DrillTargetResult& deu = report->results(0);
  const v1::DrillTargetResult& ken = report->results(1);
  EXPECT_EQ(deu.state(), "DEU");
  EXPECT_EQ(deu.outcome(), v1::DRILL_OUTCOME_MET);
  EXPECT_EQ(FromProto(deu.acknowledged_at()), kStart + absl::Minutes(40));
  EXPECT_EQ(FromProto(deu.deadline_at()), kStart + absl::Minutes(70));
  EXPECT_FALSE(deu.has_reminded_at());
  EXPECT_EQ(ken.state(), "KEN");
  EXPECT_EQ(ken.outcome(), v1::DRILL_OUTCOME_MISSED);
  EXPECT_EQ(FromProto(ken.reminded_at()), kStart + absl::Minutes(160));
  EXPECT_FALSE(ken.has_escalated_at());
  ASSERT_EQ(report->steps_size(), 1);
  EXPECT_EQ(report->steps(0).message_id(), m.id());
}

TEST_F(DrillTest, BadScenariosAreRefusedNamingTheField) {
  const DirectoryView& view = directory_.Get()->view;
  auto check = [&](const v1::StartDrillRequest& r) {
    return CheckDrillRequest(r, view, policy_, clock_.Now()).status();
  };
  v1::StartDrillRequest unknown = Scenario();
  unknown.mutable_scenario()->mutable_steps(0)->set_to(1, "JPN");
  EXPECT_THAT(check(unknown).message(),
              HasSubstr("scenario.steps[0].to[1]: JPN is not a State in the directory"));
  v1::StartDrillRequest past = Scenario();
  past.mutable_scenario()->mutable_steps(0)->clear_after();
  *past.mutable_scenario()->mutable_steps(0)->mutable_at() = ToProto(kStart - absl::Hours(1));
  EXPECT_THAT(check(past).message(), HasSubstr("scenario.steps[0].at"));
  EXPECT_THAT(check(past).message(), HasSubstr("is in the past"));
  v1::StartDrillRequest empty = Scenario();
  empty.mutable_scenario()->clear_steps();
  EXPECT_THAT(check(empty).message(), HasSubstr("scenario.steps: a drill needs at least one"));
  v1::StartDrillRequest general = Scenario();
  general.mutable_scenario()->mutable_steps(0)->set_type(v1::MESSAGE_TYPE_GENERAL);
  EXPECT_THAT(check(general).message(), HasSubstr("scenario.steps[0].type"));
  v1::StartDrillRequest within = Scenario();
  *within.mutable_scenario()->mutable_steps(0)->mutable_acknowledge_within() =
      DurationToProto(absl::ZeroDuration());
  EXPECT_THAT(check(within).message(), HasSubstr("scenario.steps[0].acknowledge_within"));
  for (const auto* r : {&unknown, &past, &empty, &general, &within}) {
    EXPECT_TRUE(absl::IsInvalidArgument(check(*r)));
  }
}

}  // namespace
}  // namespace poc
