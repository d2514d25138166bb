#include "client/pocctl/inbox.h"

#include "client/pocctl/output.h"
#include "client/pocctl/table.h"
#include "common/status_macros.h"
#include "common/template/template_codes.h"

namespace poc::pocctl {

CLI::App* AddInboxCommand(CLI::App& app, InboxOptions* o) {
  CLI::App* cmd = app.add_subcommand("inbox", "List the messages your State received");
  cmd->description(
      "List the messages your State received. The table shows who sent each, its type "
      "and urgency, when it arrived and whether an operator has acknowledged it. Exercise messages "
      "are "
      "marked [DRILL]. Use the ID column (or its first 8 characters) with pocctl show, ack "
      "and reply. Times are UTC.");
  cmd->add_flag("--unacked", o->unacked, "Only messages no operator has acknowledged yet");
  cmd->add_option("--limit", o->limit, "At most this many messages (default: pocd's)");
  cmd->add_flag("--wide", o->wide, "Show full ids and subjects");
  cmd->footer(
      "Example:\n"
      "  pocctl inbox --unacked --limit 20");
  return cmd;
}

std::string FormatInbox(const v1::ListResponse& list, const InboxOptions& o) {
  if (list.messages().empty()) {
    return o.unacked ? "No unacknowledged messages.\n" : "Inbox is empty.\n";
  }
  Table table({"ID", "FROM", "TYPE", "URGENCY", "SUBJECT", "RECEIVED (UTC)", "ACK"});
  if (!o.wide) table.SetMaxWidth(4, 48);
  for (const auto& m : list.messages()) {
    std::string ack = m.has_acknowledged_at() ? "yes" : "no";
    if (m.kind() == v1::MESSAGE_TYPE_ACKNOWLEDGEMENT) ack = "-";
    table.AddRow({ShortId(m.id(), o.wide), m.sender(), MessageTypeWord(m.kind()),
                  UrgencyWord(m.urgency()), (m.drill() ? "[DRILL] " : "") + m.subject(),
                  FormatTableTime(m.received_at()), ack});
  }
  return table.Render();
}

absl::Status RunInbox(const InboxOptions& o, CommandContext& ctx) {
  v1::ListRequest request;
  request.set_folder(v1::FOLDER_INBOX);
  request.set_unacknowledged_only(o.unacked);
  request.set_limit(o.limit);
  ASSIGN_OR_RETURN(ControlClient * client, ctx.Client());
  ASSIGN_OR_RETURN(const v1::ListResponse response, client->List(request));
  if (ctx.json()) return PrintJson(response, ctx.out());
  ctx.out() << FormatInbox(response, o);
  return absl::OkStatus();
}

}  // namespace poc::pocctl
