#include "client/pocctl/exercise_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/pocctl/output.h"
#include "client/pocctl/table.h"
#include "common/exercises/exercise_words.h"
#include "common/util/duration_proto.h"
#include "common/util/time_format.h"

namespace poc::pocctl {
namespace {

std::string Rate(const v1::ExerciseTally& t) {
  return absl::StrFormat("%.1f%%", 100.0 * t.response_rate());
}

std::string Outcome(const v1::ExerciseStateResult& r) {
  std::string word = ExerciseOutcomeWord(r.outcome());
  if (!r.refused_reason().empty()) {
    word += " (refused: " + r.refused_reason() + ")";
  }
  return word;
}

std::string Rfc3339(const google::protobuf::Timestamp& ts) {
  return IsSet(ts) ? FormatRfc3339(FromProto(ts)) : "";
}

std::string Seconds(const google::protobuf::Duration& d, bool set) {
  return set ? absl::StrFormat("%.3f", absl::FDivDuration(DurationFromProto(d), absl::Seconds(1)))
             : "";
}

}  // namespace

std::string FormatLatency(const google::protobuf::Duration& d, bool set) {
  return set ? ExerciseDurationWord(DurationFromProto(d)) : "";
}

std::string FormatExerciseReportTable(const v1::GetExerciseReportResponse& response) {
  const v1::Exercise& e = response.exercise();
  const v1::ExerciseRunReport& report = response.report();
  const v1::ExerciseRun& run = report.run();
  const v1::ExerciseTally& total = report.total();
  std::string out =
      absl::StrCat("Ping exercise \"", e.name(), "\" (", e.id(), "), run ", run.number(), ": ",
                   ExerciseModeWord(e.mode()), " mode, ", total.targets(), " target(s)\n");
  absl::StrAppend(&out, "Fired ", FormatDetailTime(run.fired_at()));
  if (run.late()) {
    absl::StrAppend(&out, " (late: due ", FormatDetailTime(run.scheduled_at()),
                    ", when the relay was not running)");
  }
  if (run.skipped() > 0) {
    absl::StrAppend(&out, "; ", run.skipped(), " earlier run(s) missed while the relay was down");
  }
  absl::StrAppend(&out, ", deadline ", FormatDetailTime(run.deadline_at()),
                  IsSet(run.closed_at()) ? " (closed)" : " (open)", ".\n");
  absl::StrAppend(&out, "As of ", FormatDetailTime(response.relay_time()), ".\n\n");

  Table states({"STATE", "GROUPS", "DELIVERED AFTER", "ACKNOWLEDGED AFTER", "BY", "OUTCOME"});
  states.SetMaxWidth(1, 32);
  for (const v1::ExerciseStateResult& r : report.states()) {
    const bool acked = r.has_acknowledgement_latency();
    states.AddRow({r.state(), absl::StrJoin(r.groups(), ","),
                   FormatLatency(r.delivery_latency(), r.has_delivery_latency()),
                   FormatLatency(r.acknowledgement_latency(), acked),
                   acked ? (r.automatic() ? "node (auto)" : "operator") : "", Outcome(r)});
  }
  out += states.Render();
  absl::StrAppend(&out, "\nTotals: ", total.targets(), " target(s), ", total.delivered(),
                  " delivered, ", total.acknowledged(), " acknowledged; ", total.responded(),
                  " responded, ", total.late(), " late");
  if (e.mode() == v1::EXERCISE_MODE_ACKNOWLEDGE) {
    absl::StrAppend(&out, ", ", total.no_response(), " no response");
  }
  absl::StrAppend(&out, ", ", total.unreachable(), " unreachable");
  if (total.pending() > 0) {
    absl::StrAppend(&out, ", ", total.pending(), " pending");
  }
  absl::StrAppend(&out, ". Response rate ", Rate(total), " (", total.responded(), " of ",
                  total.targets(), " in time).\n");

  if (!report.groups().empty()) {
    Table groups({"GROUP", "TARGETS", "RESPONDED", "LATE", "NO RESPONSE", "UNREACHABLE", "RATE"});
    for (const v1::ExerciseTally& g : report.groups()) {
      groups.AddRow({g.group(), std::to_string(g.targets()), std::to_string(g.responded()),
                     std::to_string(g.late()), std::to_string(g.no_response()),
                     std::to_string(g.unreachable()), Rate(g)});
    }
    out += "\n" + groups.Render();
  }

  if (response.trend_size() > 1) {
    Table trend({"RUN", "FIRED (UTC)", "TARGETS", "RESPONDED", "LATE", "RATE", ""});
    for (const v1::ExerciseRunSummary& s : response.trend()) {
      std::string note = s.closed() ? "" : "open";
      if (s.late()) {
        note += std::string(note.empty() ? "" : ", ") + "fired late";
      }
      trend.AddRow({std::to_string(s.run()), FormatTableTime(s.fired_at()),
                    std::to_string(s.total().targets()), std::to_string(s.total().responded()),
                    std::to_string(s.total().late()), Rate(s.total()), note});
    }
    out += "\nTrend across runs:\n" + trend.Render();
  }
  return out;
}

std::string FormatExerciseReportCsv(const v1::GetExerciseReportResponse& response) {
  std::string out =
      "exercise_id,run,state,groups,sent_at,delivered_at,acknowledged_at,delivery_latency_s,"
      "acknowledgement_latency_s,acknowledged_by,outcome\n";
  const v1::ExerciseRunReport& report = response.report();
  for (const v1::ExerciseStateResult& r : report.states()) {
    const bool acked = r.has_acknowledgement_latency();
    absl::StrAppend(&out, response.exercise().id(), ",", report.run().number(), ",", r.state(), ",",
                    CsvField(absl::StrJoin(r.groups(), ";")), ",", Rfc3339(r.sent_at()), ",",
                    Rfc3339(r.delivered_at()), ",", Rfc3339(r.acknowledged_at()), ",",
                    Seconds(r.delivery_latency(), r.has_delivery_latency()), ",",
                    Seconds(r.acknowledgement_latency(), acked), ",",
                    acked ? (r.automatic() ? "node" : "operator") : "", ",",
                    ExerciseOutcomeWord(r.outcome()), "\n");
  }
  return out;
}

}  // namespace poc::pocctl
