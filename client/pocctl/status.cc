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
      "many received messages await an operator's acknowledgement, the State's signing key id "
      "and pocd's version. Use it first when something seems stuck.");
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
  return fields.Render();
}

absl::Status RunStatus(CommandContext& ctx) {
  ASSIGN_OR_RETURN(ControlClient * client, ctx.Client());
  ASSIGN_OR_RETURN(const v1::StatusResponse response, client->Status(v1::StatusRequest()));
  if (ctx.json()) return PrintJson(response, ctx.out());
  ctx.out() << FormatStatus(response, LabelsFor(ctx.global().lang));
  return absl::OkStatus();
}

}  // namespace poc::pocctl
