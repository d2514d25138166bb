#include "client/pocctl/drill_command.h"

#include <grpcpp/client_context.h>

#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/pocctl/message_ref.h"
#include "client/pocctl/output.h"
#include "client/pocctl/secretariat_relay.h"
#include "client/pocctl/table.h"
#include "common/drills/drill_scenario.h"
#include "common/drills/drill_words.h"
#include "common/status_macros.h"
#include "common/template/template_codes.h"
#include "common/util/duration_proto.h"
#include "common/util/time_format.h"
#include "poc/v1/escalation.grpc.pb.h"

namespace poc::pocctl {
namespace {

// "+1.5s" after `start`, or "" for an unset time.
std::string After(const google::protobuf::Timestamp& start, const google::protobuf::Timestamp& t) {
  if (!IsSet(t)) {
    return "";
  }
  return "+" +
         absl::FormatDuration(absl::Trunc(FromProto(t) - FromProto(start), absl::Milliseconds(1)));
}

using DrillsClient = SecretariatService<v1::Drills>;

absl::StatusOr<DrillsClient> OpenDrills(const DrillOptions& o, CommandContext& ctx) {
  return DrillsClient::Open(o.secretariat, ctx.timeout(), "drills");
}

// The full id of the drill `id` names (itself, or a unique prefix of 8+ characters).
absl::StatusOr<std::string> ResolveDrill(DrillsClient& client, const std::string& id) {
  return ResolveRecordId(
      id, "drill", "pocctl drill list", [&]() -> absl::StatusOr<std::vector<std::string>> {
        ASSIGN_OR_RETURN(const v1::ListDrillsResponse list,
                         client.Call(&v1::Drills::Stub::ListDrills, v1::ListDrillsRequest()));
        std::vector<std::string> ids;
        for (const v1::Drill& d : list.drills()) ids.push_back(d.id());
        return ids;
      });
}

absl::Status Start(const DrillOptions& o, CommandContext& ctx) {
  std::ifstream in(o.scenario);
  if (!in) {
    return absl::NotFoundError("--scenario: cannot read " + o.scenario);
  }
  std::stringstream text;
  text << in.rdbuf();
  ASSIGN_OR_RETURN(v1::DrillScenario scenario, ParseDrillScenario(text.str(), o.scenario));
  ASSIGN_OR_RETURN(DrillsClient client, OpenDrills(o, ctx));
  v1::StartDrillRequest request;
  *request.mutable_scenario() = std::move(scenario);
  ASSIGN_OR_RETURN(v1::StartDrillResponse r, client.Call(&v1::Drills::Stub::StartDrill, request));
  if (ctx.json()) {
    return PrintJson(r, ctx.out());
  }
  ctx.out() << "Started drill \"" << r.drill().scenario().name() << "\" as " << r.drill().id()
            << ": " << r.steps_size() << " step(s), the first at "
            << (r.steps().empty() ? "" : FormatDetailTime(r.steps(0).due_at())) << ".\n"
            << "Follow it with: pocctl drill report " << r.drill().id() << "\n";
  return absl::OkStatus();
}

}  // namespace

CLI::App* AddDrillCommand(CLI::App& app, DrillOptions* o) {
  CLI::App* cmd = app.add_subcommand("drill", "The Secretariat's escalation drills");
  cmd->description(
      "Escalation drills: the relay sends each scenario step's message, marked DRILL and signed "
      "by the relay, to its targets; each target is expected to acknowledge it in time "
      "(pocctl ack), and the relay's escalation policy reminds and escalates as for a real "
      "message. The report shows each step, each deadline met or missed, each escalation.");
  cmd->require_subcommand(1);
  auto secretariat = [o](CLI::App* sub) {
    sub->add_option("--secretariat", o->secretariat,
                    "The Secretariat's relay file (deploy/secretariat.toml.sample)")
        ->envname("POC_SECRETARIAT");
  };
  o->start = cmd->add_subcommand("start", "Start a drill from a scenario file (Secretariat only)");
  o->start
      ->add_option("--scenario", o->scenario,
                   "The scenario TOML file (deploy/drill-scenario.toml.sample)")
      ->required();
  secretariat(o->start);
  o->start->footer(
      "Example:\n"
      "  pocctl drill start --scenario q1-drill.toml --secretariat secretariat.toml");
  o->list = cmd->add_subcommand("list", "Every drill, oldest first");
  secretariat(o->list);
  o->report = cmd->add_subcommand("report", "The timeline of one drill");
  o->report->add_option("id", o->id, "The drill id (or its first 8+ characters)")->required();
  o->report->add_option("--format", o->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  secretariat(o->report);
  o->report->footer(
      "Columns: SENT, DELIVERED, REMINDED, ESCALATED (to the diplomatic contact), SECRETARIAT "
      "and ACKNOWLEDGED are offsets from the drill's start; DEADLINE is when the step's "
      "acknowledge_within ends; RESULT is met, late, missed, pending or waiting.\n"
      "Example:\n"
      "  pocctl drill report 0190c3a2 --secretariat secretariat.toml");
  return cmd;
}

std::string FormatDrillReport(const v1::GetDrillReportResponse& r) {
  const v1::Drill& d = r.drill();
  const google::protobuf::Timestamp& start = d.started_at();
  std::string out = absl::StrCat("DRILL \"", d.scenario().name(), "\" (", d.id(), "), started ",
                                 FormatDetailTime(start), ", ", d.scenario().steps_size(),
                                 " step(s). As of ", FormatDetailTime(r.relay_time()), ".\n\n");
  for (const v1::DrillStepStatus& s : r.steps()) {
    const v1::DrillScenarioStep& spec = d.scenario().steps(static_cast<int>(s.step() - 1));
    absl::StrAppend(
        &out, "Step ", s.step(), ": ", MessageTypeWord(spec.type()), ", ",
        UrgencyWord(spec.urgency()), ", \"", spec.subject(), "\"",
        spec.from().empty() || spec.from() == "secretariat" ? "" : " (as " + spec.from() + ")",
        " to ", absl::StrJoin(spec.to(), ","), "; acknowledge within ",
        absl::FormatDuration(DurationFromProto(spec.acknowledge_within())), "; ",
        IsSet(s.fired_at()) ? "sent " + After(start, s.fired_at()) + " as " + s.message_id()
                            : "due " + After(start, s.due_at()),
        "\n");
  }
  Table table({"STEP", "STATE", "SENT", "DELIVERED", "REMINDED", "ESCALATED", "SECRETARIAT",
               "ACKNOWLEDGED", "DEADLINE", "RESULT"});
  std::map<std::string, int> counts;
  for (const v1::DrillTargetResult& t : r.results()) {
    table.AddRow({std::to_string(t.step()), t.state(), After(start, t.sent_at()),
                  After(start, t.delivered_at()), After(start, t.reminded_at()),
                  IsSet(t.escalated_at())
                      ? After(start, t.escalated_at()) +
                            (t.escalated_to().empty() ? "" : " " + t.escalated_to())
                      : "",
                  After(start, t.secretariat_at()), After(start, t.acknowledged_at()),
                  After(start, t.deadline_at()), DrillOutcomeWord(t.outcome())});
    ++counts[DrillOutcomeWord(t.outcome())];
  }
  absl::StrAppend(&out, "\n", table.Render(), "\nTotals: ", r.results_size(), " target(s)");
  for (const char* word : {"met", "late", "missed", "pending", "waiting"}) {
    if (counts.count(word) != 0) {
      absl::StrAppend(&out, ", ", counts[word], " ", word);
    }
  }
  absl::StrAppend(&out, ".\n");
  return out;
}

absl::Status RunDrill(const DrillOptions& o, CommandContext& ctx) {
  if (o.start->parsed()) {
    return Start(o, ctx);
  }
  ASSIGN_OR_RETURN(DrillsClient client, OpenDrills(o, ctx));
  if (o.list->parsed()) {
    ASSIGN_OR_RETURN(v1::ListDrillsResponse list,
                     client.Call(&v1::Drills::Stub::ListDrills, v1::ListDrillsRequest()));
    if (ctx.json()) {
      return PrintJson(list, ctx.out());
    }
    if (list.drills().empty()) {
      ctx.out() << "No drills.\n";
      return absl::OkStatus();
    }
    Table table({"ID", "NAME", "STEPS", "STARTED (UTC)"});
    for (const v1::Drill& d : list.drills()) {
      table.AddRow({d.id(), d.scenario().name(), std::to_string(d.scenario().steps_size()),
                    FormatTableTime(d.started_at())});
    }
    ctx.out() << table.Render();
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::string id, ResolveDrill(client, o.id));
  v1::GetDrillReportRequest request;
  request.set_drill_id(id);
  ASSIGN_OR_RETURN(v1::GetDrillReportResponse report,
                   client.Call(&v1::Drills::Stub::GetDrillReport, request));
  if (ctx.json() || o.format == "json") {
    return PrintJson(report, ctx.out());
  }
  ctx.out() << FormatDrillReport(report);
  return absl::OkStatus();
}

}  // namespace poc::pocctl
