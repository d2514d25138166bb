// The rules of ping exercises (server/exercise_rules.h) in simulated time: what a request may
// ask for, when runs fall due, and what each State's answers come to.
#include "server/exercise_rules.h"

#include "common/util/duration_proto.h"
#include "common/util/time_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace poc {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

DirectoryView Directory() {
  v1::Directory d;
  d.set_version(7);
  for (const char* code : {"BRA", "DEU", "FRA", "KEN"}) {
    d.add_states()->set_code(code);
  }
  v1::Group* eu = d.add_groups();
  eu->set_name("EU");
  eu->set_kind(v1::GROUP_KIND_ORGANIZATION);
  eu->add_members("DEU");
  eu->add_members("FRA");
  auto view = DirectoryView::Build(d);
  if (!view.ok()) std::abort();
  return *std::move(view);
}

TargetAnswer Answer(const std::string& state, std::optional<absl::Time> delivered = std::nullopt,
                    std::optional<absl::Time> acknowledged = std::nullopt) {
  TargetAnswer a;
  a.state = state;
  a.delivered_at = delivered;
  a.acknowledged_at = acknowledged;
  return a;
}

v1::CreateExerciseRequest Request() {
  v1::CreateExerciseRequest r;
  r.set_name("Quarterly ping");
  r.add_targets("all");
  r.set_mode(v1::EXERCISE_MODE_ACKNOWLEDGE);
  *r.mutable_deadline() = DurationToProto(absl::Hours(4));
  *r.mutable_every() = DurationToProto(absl::Hours(24 * 90));
  return r;
}

void ExpectInvalid(const v1::CreateExerciseRequest& r, const std::string& field_and_words) {
  auto checked = CheckExerciseRequest(r, Directory(), kNow);
  EXPECT_EQ(checked.status().code(), absl::StatusCode::kInvalidArgument) << checked.status();
  EXPECT_THAT(std::string(checked.status().message()), HasSubstr(field_and_words));
}

TEST(ExerciseRulesTest, AValidRequestStartsNowWhenNoTimeIsGiven) {
  auto e = CheckExerciseRequest(Request(), Directory(), kNow);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(FromProto(e->first_run_at()), kNow);
  EXPECT_EQ(DurationFromProto(e->every()), absl::Hours(24 * 90));
  EXPECT_THAT(e->targets(), ElementsAre("all"));
}

TEST(ExerciseRulesTest, UnknownTargetsAreRefusedNamingTheTarget) {
  v1::CreateExerciseRequest r = Request();
  r.clear_targets();
  r.add_targets("FRA");
  r.add_targets("JPN");  // a real State, not in this directory
  ExpectInvalid(r, "targets[1]: JPN is not a State in the directory");
  r.set_targets(1, "FRX");
  ExpectInvalid(r, "targets[1]: 'FRX' is not a State code, group:NAME or all");
  r.set_targets(1, "group:ASEAN");
  ExpectInvalid(r, "targets[1]: group 'ASEAN' is not defined in the directory");
  r.set_targets(1, "FRA");
  ExpectInvalid(r, "targets[1]: 'FRA' is listed twice");
  r.clear_targets();
  ExpectInvalid(r, "targets: name at least one");
}

TEST(ExerciseRulesTest, ADeadlineInThePastIsRefused) {
  v1::CreateExerciseRequest r = Request();
  *r.mutable_first_run_at() = ToProto(kNow - absl::Hours(5));
  ExpectInvalid(r, "deadline: the first run's deadline, " + FormatUtc(kNow - absl::Hours(1)));
  ExpectInvalid(r, "is in the past");
  // Still running, but started long ago: refused as a start in the past.
  *r.mutable_first_run_at() = ToProto(kNow - absl::Hours(1));
  ExpectInvalid(r, "first_run_at: " + FormatUtc(kNow - absl::Hours(1)) + " is in the past");
  // A few seconds of clock difference is no mistake.
  *r.mutable_first_run_at() = ToProto(kNow - absl::Seconds(5));
  EXPECT_TRUE(CheckExerciseRequest(r, Directory(), kNow).ok());
}

TEST(ExerciseRulesTest, ModeDeadlineIntervalAndNameAreChecked) {
  v1::CreateExerciseRequest r = Request();
  r.set_mode(v1::EXERCISE_MODE_UNSPECIFIED);
  ExpectInvalid(r, "mode: give receipt");
  r = Request();
  r.clear_deadline();
  ExpectInvalid(r, "deadline: give how long");
  r = Request();
  *r.mutable_every() = DurationToProto(absl::Hours(4));
  ExpectInvalid(r, "every: 4h is not longer than the deadline 4h");
  r = Request();
  r.set_name("");
  ExpectInvalid(r, "name: required");
  r.set_name("two\nlines");
  ExpectInvalid(r, "name: must be one line");
}

TEST(ExerciseRulesTest, TargetsExpandToTheDirectorysStates) {
  v1::Exercise e;
  e.add_targets("group:EU");
  e.add_targets("KEN");
  EXPECT_THAT(ExpandExerciseTargets(e.targets(), Directory()), ElementsAre("DEU", "FRA", "KEN"));
  e.add_targets("all");
  EXPECT_THAT(ExpandExerciseTargets(e.targets(), Directory()),
              ElementsAre("BRA", "DEU", "FRA", "KEN"));
}

v1::Exercise Recurring() {
  v1::Exercise e;
  *e.mutable_first_run_at() = ToProto(kNow);
  *e.mutable_every() = DurationToProto(absl::Hours(24 * 90));
  *e.mutable_deadline() = DurationToProto(absl::Hours(4));
  return e;
}

TEST(ExerciseRulesTest, ARunIsDueFromItsTimeAndOnlyTheLatestMissedOneFires) {
  const v1::Exercise e = Recurring();
  EXPECT_FALSE(DueExerciseRun(e, 1, kNow - absl::Seconds(1)));
  auto first = DueExerciseRun(e, 1, kNow);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->run, 1u);
  EXPECT_EQ(first->skipped, 0u);
  EXPECT_EQ(NextExerciseRun(e, 1), 2u);
  EXPECT_FALSE(DueExerciseRun(e, 2, kNow + absl::Hours(24 * 90) - absl::Seconds(1)));
  // Down from before run 2 until after run 4: run 4 fires, runs 2 and 3 are skipped.
  auto caught_up = DueExerciseRun(e, 2, kNow + absl::Hours(24 * 270 + 1));
  ASSERT_TRUE(caught_up);
  EXPECT_EQ(caught_up->run, 4u);
  EXPECT_EQ(caught_up->skipped, 2u);
  EXPECT_EQ(caught_up->scheduled_at, kNow + absl::Hours(24 * 270));
  EXPECT_FALSE(DueExerciseRun(e, 0, kNow + absl::Hours(24 * 1000)));
}

TEST(ExerciseRulesTest, AOneOffExerciseHasOneRun) {
  v1::Exercise e = Recurring();
  e.clear_every();
  auto due = DueExerciseRun(e, 1, kNow + absl::Hours(24 * 365));
  ASSERT_TRUE(due);
  EXPECT_EQ(due->run, 1u);
  EXPECT_EQ(NextExerciseRun(e, 1), 0u);
}

TEST(ExerciseRulesTest, ARunIsLateWhenFiredAtStartOrWellAfterItsTime) {
  EXPECT_TRUE(ExerciseRunLate(kNow, kNow + absl::Seconds(2), /*at_start=*/true));
  EXPECT_FALSE(ExerciseRunLate(kNow, kNow + absl::Seconds(2), /*at_start=*/false));
  EXPECT_TRUE(ExerciseRunLate(kNow, kNow + absl::Minutes(2), /*at_start=*/false));
}

TEST(ExerciseRulesTest, OutcomesFollowTheModeAndTheDeadline) {
  const absl::Time deadline = kNow + absl::Hours(4);
  const absl::Time after = deadline + absl::Hours(1);
  TargetAnswer nothing = Answer("KEN");
  TargetAnswer delivered = Answer("DEU", kNow + absl::Seconds(1));
  TargetAnswer acked = Answer("FRA", kNow + absl::Seconds(1), kNow + absl::Hours(1));
  TargetAnswer acked_late = Answer("BRA", kNow + absl::Seconds(1), deadline + absl::Minutes(1));
  TargetAnswer delivered_late = Answer("KEN", deadline + absl::Minutes(1));
  const auto ack = v1::EXERCISE_MODE_ACKNOWLEDGE;
  const auto receipt = v1::EXERCISE_MODE_RECEIPT;
  EXPECT_EQ(ExerciseOutcomeOf(ack, deadline, nothing, kNow), v1::EXERCISE_OUTCOME_PENDING);
  EXPECT_EQ(ExerciseOutcomeOf(ack, deadline, nothing, after), v1::EXERCISE_OUTCOME_UNREACHABLE);
  EXPECT_EQ(ExerciseOutcomeOf(ack, deadline, delivered, after), v1::EXERCISE_OUTCOME_NO_RESPONSE);
  EXPECT_EQ(ExerciseOutcomeOf(ack, deadline, acked, after), v1::EXERCISE_OUTCOME_RESPONDED);
  EXPECT_EQ(ExerciseOutcomeOf(ack, deadline, acked_late, after), v1::EXERCISE_OUTCOME_LATE);
  // As at the deadline, the late acknowledgement had not come yet.
  EXPECT_EQ(ExerciseOutcomeOf(ack, deadline, acked_late, deadline),
            v1::EXERCISE_OUTCOME_NO_RESPONSE);
  EXPECT_EQ(ExerciseOutcomeOf(receipt, deadline, delivered, kNow + absl::Seconds(2)),
            v1::EXERCISE_OUTCOME_RESPONDED);
  EXPECT_EQ(ExerciseOutcomeOf(receipt, deadline, delivered_late, after), v1::EXERCISE_OUTCOME_LATE);
  EXPECT_EQ(ExerciseOutcomeOf(receipt, deadline, nothing, after), v1::EXERCISE_OUTCOME_UNREACHABLE);
  // An acknowledgement proves the delivery, even before the receipt is logged.
  TargetAnswer ack_only = Answer("FRA", std::nullopt, kNow + absl::Seconds(3));
  EXPECT_EQ(ExerciseOutcomeOf(receipt, deadline, ack_only, after), v1::EXERCISE_OUTCOME_RESPONDED);
}

TEST(ExerciseRulesTest, TheReportCountsEachStateAndEachGroup) {
  v1::ExerciseRun run;
  run.set_number(3);
  *run.mutable_fired_at() = ToProto(kNow);
  *run.mutable_deadline_at() = ToProto(kNow + absl::Hours(4));
  TargetAnswer fra = Answer("FRA", kNow + absl::Seconds(1), kNow + absl::Minutes(10));
  fra.automatic = true;
  const std::vector<TargetAnswer> answers = {
      Answer("KEN"),
      Answer("DEU", kNow + absl::Seconds(2)),
      fra,
      Answer("BRA", kNow + absl::Seconds(1), kNow + absl::Hours(5)),
  };
  const DirectoryView directory = Directory();
  const v1::ExerciseRunReport report = BuildExerciseRunReport(
      run, v1::EXERCISE_MODE_ACKNOWLEDGE, answers, &directory, kNow + absl::Hours(6));
  ASSERT_EQ(report.states_size(), 4);
  EXPECT_EQ(report.states(0).state(), "BRA");
  EXPECT_EQ(report.states(0).outcome(), v1::EXERCISE_OUTCOME_LATE);
  EXPECT_EQ(report.states(1).state(), "DEU");
  EXPECT_EQ(report.states(1).outcome(), v1::EXERCISE_OUTCOME_NO_RESPONSE);
  EXPECT_THAT(report.states(1).groups(), ElementsAre("EU"));
  EXPECT_EQ(DurationFromProto(report.states(1).delivery_latency()), absl::Seconds(2));
  EXPECT_FALSE(report.states(1).has_acknowledgement_latency());
  EXPECT_EQ(report.states(2).state(), "FRA");
  EXPECT_EQ(report.states(2).outcome(), v1::EXERCISE_OUTCOME_RESPONDED);
  EXPECT_TRUE(report.states(2).automatic());
  EXPECT_EQ(DurationFromProto(report.states(2).acknowledgement_latency()), absl::Minutes(10));
  EXPECT_EQ(report.states(3).state(), "KEN");
  EXPECT_EQ(report.states(3).outcome(), v1::EXERCISE_OUTCOME_UNREACHABLE);
  const v1::ExerciseTally& t = report.total();
  EXPECT_EQ(t.targets(), 4u);
  EXPECT_EQ(t.delivered(), 3u);
  EXPECT_EQ(t.acknowledged(), 2u);
  EXPECT_EQ(t.responded(), 1u);
  EXPECT_EQ(t.late(), 1u);
  EXPECT_EQ(t.no_response(), 1u);
  EXPECT_EQ(t.unreachable(), 1u);
  EXPECT_DOUBLE_EQ(t.response_rate(), 0.25);
  ASSERT_EQ(report.groups_size(), 1);
  EXPECT_EQ(report.groups(0).group(), "EU");
  EXPECT_EQ(report.groups(0).targets(), 2u);
  EXPECT_EQ(report.groups(0).responded(), 1u);
  EXPECT_DOUBLE_EQ(report.groups(0).response_rate(), 0.5);
}

}  // namespace
}  // namespace poc
