// pocctl exercise: how the create flags become a request, and how a report prints.
#include "client/pocctl/exercise_command.h"

#include "client/pocctl/exercise_report.h"
#include "common/util/duration_proto.h"
#include "common/util/time_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace poc::pocctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);  // 2027-01-15T08:00:00Z

ExerciseOptions Flags() {
  ExerciseOptions o;
  o.name = "Quarterly ping";
  o.targets = "group:WEOG, KEN";
  o.at = "now";
  o.every = "90d";
  o.deadline = "4h";
  o.mode = "acknowledge";
  return o;
}

TEST(ExerciseCommandTest, FlagsBecomeTheRequestTheRelayChecks) {
  auto r = ExerciseRequestFromFlags(Flags(), kNow);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->name(), "Quarterly ping");
  EXPECT_THAT(r->targets(), ElementsAre("group:WEOG", "KEN"));
  EXPECT_EQ(r->mode(), v1::EXERCISE_MODE_ACKNOWLEDGE);
  EXPECT_FALSE(r->has_first_run_at());  // now: the relay's clock decides
  EXPECT_EQ(DurationFromProto(r->every()), absl::Hours(24 * 90));
  EXPECT_EQ(DurationFromProto(r->deadline()), absl::Hours(4));
}

TEST(ExerciseCommandTest, AStartAndADeadlineMayBeTimes) {
  ExerciseOptions o = Flags();
  o.at = "2027-01-20T09:00:00Z";
  o.deadline = "2027-01-20 13:30";
  auto r = ExerciseRequestFromFlags(o, kNow);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(FromProto(r->first_run_at()), absl::FromUnixSeconds(1'800'435'600));
  EXPECT_EQ(DurationFromProto(r->deadline()), absl::Minutes(270));
  o.at = "+10m";
  o.deadline = "4h";
  r = ExerciseRequestFromFlags(o, kNow);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(FromProto(r->first_run_at()), kNow + absl::Minutes(10));
}

TEST(ExerciseCommandTest, UnreadableTimesNameTheFlag) {
  ExerciseOptions o = Flags();
  o.at = "tomorrow";
  EXPECT_THAT(std::string(ExerciseRequestFromFlags(o, kNow).status().message()),
              HasSubstr("--at: 'tomorrow' is not a time"));
  o = Flags();
  o.deadline = "soon";
  EXPECT_THAT(std::string(ExerciseRequestFromFlags(o, kNow).status().message()),
              HasSubstr("--deadline: 'soon' is neither a duration"));
  o = Flags();
  o.every = "quarterly";
  EXPECT_THAT(std::string(ExerciseRequestFromFlags(o, kNow).status().message()),
              HasSubstr("--every: "));
}

v1::GetExerciseReportResponse SampleReport() {
  v1::GetExerciseReportResponse r;
  v1::Exercise* e = r.mutable_exercise();
  e->set_id("019b8a41-9c40-7f2e-a8d2-5b1e0c7d3f21");
  e->set_name("Quarterly ping");
  e->set_mode(v1::EXERCISE_MODE_ACKNOWLEDGE);
  v1::ExerciseRunReport* report = r.mutable_report();
  v1::ExerciseRun* run = report->mutable_run();
  run->set_number(2);
  *run->mutable_fired_at() = ToProto(kNow);
  *run->mutable_deadline_at() = ToProto(kNow + absl::Hours(4));
  *run->mutable_closed_at() = ToProto(kNow + absl::Hours(4));
  *r.mutable_relay_time() = ToProto(kNow + absl::Hours(5));
  auto add = [&](const std::string& state, v1::ExerciseOutcome outcome,
                 std::optional<absl::Duration> delivered, std::optional<absl::Duration> acked,
                 bool automatic) {
    v1::ExerciseStateResult* s = report->add_states();
    s->set_state(state);
    s->add_groups("WEOG");
    *s->mutable_sent_at() = ToProto(kNow);
    if (delivered) {
      *s->mutable_delivered_at() = ToProto(kNow + *delivered);
      *s->mutable_delivery_latency() = DurationToProto(*delivered);
    }
    if (acked) {
      *s->mutable_acknowledged_at() = ToProto(kNow + *acked);
      *s->mutable_acknowledgement_latency() = DurationToProto(*acked);
    }
    s->set_automatic(automatic);
    s->set_outcome(outcome);
  };
  add("DEU", v1::EXERCISE_OUTCOME_LATE, absl::Milliseconds(250), absl::Hours(4) + absl::Minutes(5),
      false);
  add("FRA", v1::EXERCISE_OUTCOME_RESPONDED, absl::Seconds(1), absl::Minutes(12), false);
  add("NZL", v1::EXERCISE_OUTCOME_RESPONDED, absl::Seconds(1), absl::Seconds(1), true);
  add("ITA", v1::EXERCISE_OUTCOME_UNREACHABLE, std::nullopt, std::nullopt, false);
  v1::ExerciseTally* t = report->mutable_total();
  t->set_targets(4);
  t->set_delivered(3);
  t->set_acknowledged(3);
  t->set_responded(2);
  t->set_late(1);
  t->set_unreachable(1);
  t->set_response_rate(0.5);
  *report->add_groups() = *t;
  report->mutable_groups(0)->set_group("WEOG");
  for (int i = 1; i <= 2; ++i) {
    v1::ExerciseRunSummary* s = r.add_trend();
    s->set_run(i);
    *s->mutable_fired_at() = ToProto(kNow - absl::Hours(24 * 90) * (2 - i));
    s->set_closed(true);
    *s->mutable_total() = *t;
  }
  return r;
}

TEST(ExerciseCommandTest, TheReportTableShowsEachStateTotalsGroupsAndTrend) {
  const std::string table = FormatExerciseReportTable(SampleReport());
  EXPECT_THAT(table, HasSubstr("Ping exercise \"Quarterly ping\" (019b8a41-9c40-7f2e-a8d2-"
                               "5b1e0c7d3f21), run 2: acknowledge mode, 4 target(s)\n"));
  EXPECT_THAT(table, HasSubstr("STATE  GROUPS  DELIVERED AFTER  ACKNOWLEDGED AFTER  BY           "
                               "OUTCOME\n"
                               "DEU    WEOG    250ms            4h5m                operator     "
                               "late\n"
                               "FRA    WEOG    1s               12m                 operator     "
                               "responded\n"
                               "NZL    WEOG    1s               1s                  node (auto)  "
                               "responded\n"
                               "ITA    WEOG                                                      "
                               "unreachable\n"));
  EXPECT_THAT(table, HasSubstr("Totals: 4 target(s), 3 delivered, 3 acknowledged; 2 responded, 1 "
                               "late, 0 no response, 1 unreachable. Response rate 50.0% (2 of 4 "
                               "in time).\n"));
  EXPECT_THAT(table, HasSubstr("WEOG   4        2          1     0            1            "
                               "50.0%\n"));
  EXPECT_THAT(table, HasSubstr("Trend across runs:\n"));
}

TEST(ExerciseCommandTest, TheCsvHasOneRowPerState) {
  EXPECT_EQ(FormatExerciseReportCsv(SampleReport()),
            "exercise_id,run,state,groups,sent_at,delivered_at,acknowledged_at,delivery_latency_s,"
            "acknowledgement_latency_s,acknowledged_by,outcome\n"
            "019b8a41-9c40-7f2e-a8d2-5b1e0c7d3f21,2,DEU,WEOG,2027-01-15T08:00:00.000Z,"
            "2027-01-15T08:00:00.250Z,2027-01-15T12:05:00.000Z,0.250,14700.000,operator,late\n"
            "019b8a41-9c40-7f2e-a8d2-5b1e0c7d3f21,2,FRA,WEOG,2027-01-15T08:00:00.000Z,"
            "2027-01-15T08:00:01.000Z,2027-01-15T08:12:00.000Z,1.000,720.000,operator,responded\n"
            "019b8a41-9c40-7f2e-a8d2-5b1e0c7d3f21,2,NZL,WEOG,2027-01-15T08:00:00.000Z,"
            "2027-01-15T08:00:01.000Z,2027-01-15T08:00:01.000Z,1.000,1.000,node,responded\n"
            "019b8a41-9c40-7f2e-a8d2-5b1e0c7d3f21,2,ITA,WEOG,2027-01-15T08:00:00.000Z,,,,,,"
            "unreachable\n");
}

}  // namespace
}  // namespace poc::pocctl
