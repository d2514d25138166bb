#include "client/pocctl/exercise_command.h"

#include <grpcpp/client_context.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/pocctl/exercise_report.h"
#include "client/pocctl/message_ref.h"
#include "client/pocctl/output.h"
#include "client/pocctl/secretariat_relay.h"
#include "client/pocctl/table.h"
#include "common/exercises/exercise_words.h"
#include "common/status_macros.h"
#include "common/util/duration_proto.h"
#include "common/util/time_format.h"
#include "poc/v1/exercises.grpc.pb.h"

namespace poc::pocctl {
namespace {

// The relay's Exercises service over the --secretariat file's channel.
using ExercisesClient = SecretariatService<v1::Exercises>;

absl::StatusOr<ExercisesClient> OpenExercises(const ExerciseOptions& o, CommandContext& ctx) {
  return ExercisesClient::Open(o.secretariat, ctx.timeout(), "exercises");
}

// The full id of the exercise `id` names (itself, or a unique prefix of 8+ characters).
absl::StatusOr<std::string> ResolveExercise(ExercisesClient& client, const std::string& id) {
  return ResolveRecordId(
      id, "exercise", "pocctl exercise list", [&]() -> absl::StatusOr<std::vector<std::string>> {
        ASSIGN_OR_RETURN(
            const v1::ListExercisesResponse list,
            client.Call(&v1::Exercises::Stub::ListExercises, v1::ListExercisesRequest()));
        std::vector<std::string> ids;
        for (const v1::ExerciseRecord& r : list.records()) ids.push_back(r.exercise().id());
        return ids;
      });
}

std::string Every(const v1::Exercise& e) {
  return e.has_every() && DurationFromProto(e.every()) > absl::ZeroDuration()
             ? ExerciseDurationWord(DurationFromProto(e.every()))
             : "once";
}

std::string Summary(const v1::Exercise& e) {
  return absl::StrCat(
      ExerciseModeWord(e.mode()), " mode, targets ", absl::StrJoin(e.targets(), ","),
      ", first run at ", FormatDetailTime(e.first_run_at()),
      e.has_every() ? ", every " + Every(e) : std::string(", once"), ", deadline ",
      ExerciseDurationWord(DurationFromProto(e.deadline())), " after each run starts");
}

std::string StatusText(const v1::ExerciseRecord& r) {
  std::string s = ExerciseStatusWord(r.status());
  if (r.status() == v1::EXERCISE_STATUS_CANCELLED) {
    s += " " + FormatTableTime(r.cancelled_at());
  }
  return s;
}

std::string FormatList(const v1::ListExercisesResponse& list) {
  if (list.records().empty()) {
    return "No exercises.\n";
  }
  Table table(
      {"ID", "NAME", "MODE", "TARGETS", "EVERY", "DEADLINE", "RUNS", "NEXT RUN (UTC)", "STATUS"});
  table.SetMaxWidth(1, 32);
  table.SetMaxWidth(3, 24);
  for (const v1::ExerciseRecord& r : list.records()) {
    const v1::Exercise& e = r.exercise();
    table.AddRow({e.id(), e.name(), ExerciseModeWord(e.mode()), absl::StrJoin(e.targets(), ","),
                  Every(e), ExerciseDurationWord(DurationFromProto(e.deadline())),
                  std::to_string(r.runs_size()), FormatTableTime(r.next_run_at()), StatusText(r)});
  }
  return table.Render();
}

std::string FormatShow(const v1::ExerciseRecord& r) {
  const v1::Exercise& e = r.exercise();
  std::string out = absl::StrCat("Exercise \"", e.name(), "\" (", e.id(), ")\n");
  absl::StrAppend(&out, "  mode:       ", ExerciseModeWord(e.mode()), "\n");
  absl::StrAppend(&out, "  targets:    ", absl::StrJoin(e.targets(), ", "), "\n");
  absl::StrAppend(&out, "  first run:  ", FormatDetailTime(e.first_run_at()), "\n");
  absl::StrAppend(&out, "  every:      ", Every(e), "\n");
  absl::StrAppend(&out, "  deadline:   ", ExerciseDurationWord(DurationFromProto(e.deadline())),
                  " after each run starts\n");
  absl::StrAppend(&out, "  status:     ", ExerciseStatusWord(r.status()));
  if (r.status() == v1::EXERCISE_STATUS_SCHEDULED) {
    absl::StrAppend(&out, ", next run at ", FormatDetailTime(r.next_run_at()));
  } else if (r.status() == v1::EXERCISE_STATUS_CANCELLED) {
    absl::StrAppend(&out, " at ", FormatDetailTime(r.cancelled_at()),
                    r.cancel_reason().empty() ? "" : " (" + r.cancel_reason() + ")");
  }
  absl::StrAppend(&out, "\n  created:    ", FormatDetailTime(e.created_at()), " (audit #",
                  r.audit_index(), ")\n");
  if (r.runs().empty()) {
    return out + "No run has fired yet.\n";
  }
  Table runs({"RUN", "DUE (UTC)", "FIRED (UTC)", "DEADLINE (UTC)", "TARGETS", "STATE", "PING"});
  for (const v1::ExerciseRun& run : r.runs()) {
    std::string state = IsSet(run.closed_at()) ? "closed" : "open";
    if (run.late()) {
      state += ", fired late";
    }
    if (run.skipped() > 0) {
      state += ", " + std::to_string(run.skipped()) + " missed before";
    }
    runs.AddRow({std::to_string(run.number()), FormatTableTime(run.scheduled_at()),
                 FormatTableTime(run.fired_at()), FormatTableTime(run.deadline_at()),
                 std::to_string(run.targets_size()), state, run.ping_id()});
  }
  return out + "\n" + runs.Render();
}

absl::Status RunCreate(const ExerciseOptions& o, CommandContext& ctx) {
  ASSIGN_OR_RETURN(const v1::CreateExerciseRequest request, ExerciseRequestFromFlags(o, ctx.Now()));
  ASSIGN_OR_RETURN(ExercisesClient client, OpenExercises(o, ctx));
  ASSIGN_OR_RETURN(const v1::CreateExerciseResponse response,
                   client.Call(&v1::Exercises::Stub::CreateExercise, request));
  if (ctx.json()) {
    return PrintJson(response.record(), ctx.out());
  }
  const v1::Exercise& e = response.record().exercise();
  ctx.out() << "Scheduled exercise \"" << e.name() << "\" as " << e.id() << ": " << Summary(e)
            << ".\n"
            << "Read its report with: pocctl exercise report " << e.id() << "\n";
  return absl::OkStatus();
}

absl::Status RunReport(const ExerciseOptions& o, ExercisesClient& client, const std::string& id,
                       CommandContext& ctx) {
  v1::GetExerciseReportRequest request;
  request.set_exercise_id(id);
  request.set_run(o.run);
  ASSIGN_OR_RETURN(const v1::GetExerciseReportResponse report,
                   client.Call(&v1::Exercises::Stub::GetExerciseReport, request));
  if (ctx.json() || o.format == "json") {
    return PrintJson(report, ctx.out());
  }
  ctx.out() << (o.format == "csv" ? FormatExerciseReportCsv(report)
                                  : FormatExerciseReportTable(report));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<absl::Time>> ParseExerciseTime(const std::string& text,
                                                            absl::Time now) {
  if (text == "now") {
    return std::optional<absl::Time>();
  }
  if (!text.empty() && text[0] == '+') {
    absl::StatusOr<absl::Duration> d = ParseDuration(text.substr(1));
    if (!d.ok()) {
      return d.status();
    }
    return std::optional<absl::Time>(now + *d);
  }
  absl::Time t;
  std::string error;
  for (const char* format : {absl::RFC3339_full, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"}) {
    if (absl::ParseTime(format, text, absl::UTCTimeZone(), &t, &error)) {
      return std::optional<absl::Time>(t);
    }
  }
  return absl::InvalidArgumentError("'" + text +
                                    "' is not a time: give now, +DURATION (e.g. +10m) or UTC as "
                                    "2026-01-05T09:00:00Z or \"2026-01-05 09:00\"");
}

absl::StatusOr<v1::CreateExerciseRequest> ExerciseRequestFromFlags(const ExerciseOptions& o,
                                                                   absl::Time now) {
  v1::CreateExerciseRequest request;
  request.set_name(o.name);
  for (absl::string_view t : absl::StrSplit(o.targets, ',', absl::SkipWhitespace())) {
    request.add_targets(std::string(absl::StripAsciiWhitespace(t)));
  }
  request.set_mode(ParseExerciseMode(o.mode));
  absl::StatusOr<std::optional<absl::Time>> at = ParseExerciseTime(o.at, now);
  if (!at.ok()) {
    return absl::InvalidArgumentError("--at: " + std::string(at.status().message()));
  }
  if (at->has_value()) {
    *request.mutable_first_run_at() = ToProto(**at);
  }
  if (!o.every.empty()) {
    absl::StatusOr<absl::Duration> every = ParseDuration(o.every);
    if (!every.ok()) {
      return absl::InvalidArgumentError("--every: " + std::string(every.status().message()));
    }
    *request.mutable_every() = DurationToProto(*every);
  }
  // The deadline is a duration after each run starts; a time is taken as the first run's
  // deadline and turned into one.
  absl::StatusOr<absl::Duration> deadline = ParseDuration(o.deadline);
  if (!deadline.ok()) {
    absl::StatusOr<std::optional<absl::Time>> until = ParseExerciseTime(o.deadline, now);
    if (!until.ok() || !until->has_value()) {
      return absl::InvalidArgumentError(
          "--deadline: '" + o.deadline +
          "' is neither a duration after each run starts (e.g. 4h) nor a time");
    }
    deadline = **until - at->value_or(now);
  }
  *request.mutable_deadline() = DurationToProto(*deadline);
  return request;
}

CLI::App* AddExerciseCommand(CLI::App& app, ExerciseOptions* o) {
  CLI::App* cmd = app.add_subcommand(
      "exercise", "The Secretariat's ping exercises: schedule, list, cancel, read reports");
  cmd->description(
      "Ping exercises check that every State's point of contact is reachable and attended. "
      "The Secretariat schedules one (once or recurring); at each run the relay sends each "
      "target State a ping signed with the relay's own key; the node's signed delivery receipt "
      "proves the channel, and in acknowledge mode an operator must also `pocctl ack` it "
      "before the deadline. The report gives each State's outcome (responded, late, no "
      "response, unreachable), totals and response rates per group, and the trend across "
      "runs. Every step is in the relay's audit log. pocctl talks to the relay directly with "
      "the certificate in --secretariat FILE.");
  cmd->require_subcommand(1);
  cmd->fallthrough();
  cmd->add_option("--secretariat", o->secretariat,
                  "The Secretariat's settings (relay address, admin certificate; see "
                  "deploy/secretariat.toml.sample); or set POC_SECRETARIAT")
      ->envname("POC_SECRETARIAT");

  o->create = cmd->add_subcommand("create", "Schedule a ping exercise (the Secretariat only)");
  o->create->add_option("--name", o->name, "a name for people, e.g. \"Quarterly ping\"")
      ->required();
  o->create
      ->add_option("--targets", o->targets,
                   "who is pinged: all, group:NAME, or State codes (FRA,DEU); comma-separated")
      ->required();
  o->create
      ->add_option("--at", o->at,
                   "the first run: now, +DURATION (+10m), or UTC (2026-01-05T09:00:00Z)")
      ->capture_default_str();
  o->create->add_option("--every", o->every,
                        "repeat at this interval (e.g. 90d for quarterly); once when omitted");
  o->create
      ->add_option("--deadline", o->deadline,
                   "how long States have to answer after each run starts (e.g. 4h)")
      ->required();
  o->create
      ->add_option("--mode", o->mode,
                   "receipt (the node's delivery receipt answers) or acknowledge (an operator "
                   "must run pocctl ack)")
      ->required()
      ->check(CLI::IsMember({"receipt", "acknowledge"}));
  o->create->footer(
      "Example (a quarterly ping of every State, operators to acknowledge within 4 hours):\n"
      "  pocctl exercise create --secretariat secretariat.toml --name \"Quarterly ping\" \\\n"
      "      --targets all --at 2026-01-05T09:00:00Z --every 90d --deadline 4h --mode acknowledge");

  o->list = cmd->add_subcommand("list", "Every exercise: status, runs, next run");
  o->show = cmd->add_subcommand("show", "One exercise and each of its runs");
  o->show->add_option("ID", o->id, "the exercise id (or its first 8+ characters)")->required();
  o->cancel = cmd->add_subcommand("cancel", "Cancel an exercise: no further run fires");
  o->cancel->add_option("ID", o->id, "the exercise id (or its first 8+ characters)")->required();
  o->cancel->add_option("--reason", o->reason, "why, for the audit log (optional)");
  o->report = cmd->add_subcommand("report", "A run's report: per State, per group, trend");
  o->report->add_option("ID", o->id, "the exercise id (or its first 8+ characters)")->required();
  o->report->add_option("--run", o->run, "which run (default: the latest that fired)");
  o->report->add_option("--format", o->format, "table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  o->report->footer(
      "Outcomes: responded (answered by the deadline: the delivery receipt in receipt mode, "
      "the acknowledgement in acknowledge mode), late (answered after it), no response "
      "(delivered, never acknowledged), unreachable (never delivered), pending (before the "
      "deadline). BY says whether an operator acknowledged or the node did by itself "
      "(pocd's exercise_auto_ack). The response rate counts answers in time only.\n"
      "Example:\n"
      "  pocctl exercise report 0190c3a2 --secretariat secretariat.toml --format csv");
  return cmd;
}

absl::Status RunExercise(const ExerciseOptions& o, CommandContext& ctx) {
  if (o.create->parsed()) {
    return RunCreate(o, ctx);
  }
  ASSIGN_OR_RETURN(ExercisesClient client, OpenExercises(o, ctx));
  if (o.list->parsed()) {
    ASSIGN_OR_RETURN(const v1::ListExercisesResponse list,
                     client.Call(&v1::Exercises::Stub::ListExercises, v1::ListExercisesRequest()));
    if (ctx.json()) {
      return PrintJson(list, ctx.out());
    }
    ctx.out() << FormatList(list);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(const std::string id, ResolveExercise(client, o.id));
  if (o.show->parsed()) {
    v1::GetExerciseRequest request;
    request.set_exercise_id(id);
    ASSIGN_OR_RETURN(const v1::GetExerciseResponse shown,
                     client.Call(&v1::Exercises::Stub::GetExercise, request));
    if (ctx.json()) {
      return PrintJson(shown.record(), ctx.out());
    }
    ctx.out() << FormatShow(shown.record());
    return absl::OkStatus();
  }
  if (o.cancel->parsed()) {
    v1::CancelExerciseRequest request;
    request.set_exercise_id(id);
    request.set_reason(o.reason);
    ASSIGN_OR_RETURN(const v1::CancelExerciseResponse cancelled,
                     client.Call(&v1::Exercises::Stub::CancelExercise, request));
    if (ctx.json()) {
      return PrintJson(cancelled.record(), ctx.out());
    }
    ctx.out() << "Cancelled exercise \"" << cancelled.record().exercise().name() << "\" (" << id
              << "): no further run will fire.\n";
    return absl::OkStatus();
  }
  return RunReport(o, client, id, ctx);
}

}  // namespace poc::pocctl
