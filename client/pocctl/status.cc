#include "client/pocctl/status.h"

#include "absl/strings/str_cat.h"
#include "client/pocctl/field_list.h"
#include "client/pocctl/output.h"
#include "common/status_macros.h"

namespace poc::pocctl {

CLI::App* AddStatusCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("status", "Show whether the node is connected and what waits");
  cmd->description(
      "Show whether the node is connected and what waits. You see whether pocd is connected "
      "to the relay and since when, the last error, the "
      "directory version it holds, how many messages wait in the outbox for the relay, how "
      "many received messages await an operator's acknowledgement, the State's signing key id, "
      "pocd's version, and the node's view as a witness of the relay's audit log: the latest "
      "checkpoint it verified and cosigned, how many of its messages it proved in the log, and "
      "every ALARM (fork, rollback, missing_inclusion, bad_signature) with its evidence folder. "
      "Use it first when something seems stuck.");
  cmd->footer(
      "Example:\n"
      "  pocctl --node /var/lib/poc/node status");
  return cmd;
}

std::string FormatStatus(const v1::StatusResponse& s, const Labels& l) {
  FieldList fields;
  fields.Add(std::string(l.node_state), s.state());
  fields.Add(std::string(l.relay), s.relay());
  std::string connected = s.connected() ? "yes" : "no";
  if (s.connected() && s.has_connected_since()) {
    absl::StrAppend(&connected, ", since ", FormatDetailTime(s.connected_since()));
  }
  fields.Add(std::string(l.connected), connected);
  fields.Add(std::string(l.last_error), s.last_error().empty() ? "none" : s.last_error());
  fields.Add(std::string(l.directory_version), absl::StrCat(s.directory_version()));
  fields.Add(std::string(l.outbox), absl::StrCat(s.outbox_queued(), " queued"));
  fields.Add(std::string(l.inbox),
             absl::StrCat(s.inbox_unacknowledged(), " unacknowledged of ", s.inbox_total()));
  fields.Add(std::string(l.signing_key), s.signing_key_id());
  fields.Add(std::string(l.software), s.software());
  const v1::WitnessStatus& w = s.witness();
  std::string witness = "no checkpoint verified yet";
  if (w.checkpoint_size() != 0) {
    witness = absl::StrCat("checkpoint of size ", w.checkpoint_size(), " verified");
    if (w.has_verified_at()) {
      absl::StrAppend(&witness, " at ", FormatDetailTime(w.verified_at()));
    }
  }
  absl::StrAppend(&witness, "; ", w.inclusions_verified(), " messages proven in the log; ",
                  w.alarms_size() == 0 ? "no alarms" : absl::StrCat(w.alarms_size(), " alarms"));
  fields.Add(std::string(l.audit_witness), witness);
  for (const v1::WitnessAlarm& a : w.alarms()) {
    fields.Add(std::string(l.alarm),
               absl::StrCat(a.kind(), " at ", FormatDetailTime(a.raised_at()), ": ", a.detail(),
                            " (evidence: ", a.evidence(), ")"));
  }
  return fields.Render();
}

absl::Status RunStatus(CommandContext& ctx) {
  ASSIGN_OR_RETURN(ControlClient * client, ctx.Client());
  ASSIGN_OR_RETURN(const v1::StatusResponse response, client->Status(v1::StatusRequest()));
  if (ctx.json()) {
    return PrintJson(response, ctx.out());
  }
  ctx.out() << FormatStatus(response, LabelsFor(ctx.global().lang));
  return absl::OkStatus();
}

}  // namespace poc::pocctl
