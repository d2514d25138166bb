#include "client/pocctl/sent.h"

#include "absl/strings/str_cat.h"
#include "client/pocctl/output.h"
#include "client/pocctl/table.h"
#include "common/status_macros.h"
#include "common/template/template_codes.h"

namespace poc::pocctl {
namespace {

// "2/3" once the relay said how many States it delivers to; "-" before.
std::string Progress(uint32_t done, const v1::MessageSummary& m) {
  if (m.state() != v1::OUTBOX_STATE_SUBMITTED || m.recipient_count() == 0) return "-";
  return absl::StrCat(done, "/", m.recipient_count());
}

}  // namespace

CLI::App* AddSentCommand(CLI::App& app, SentOptions* o) {
  CLI::App* cmd = app.add_subcommand("sent", "List the messages your State sent");
  cmd->description(
      "List the messages your State sent. The table shows how far each got: queued on this node, "
      "submitted to the relay or rejected by it; how many recipient States have stored it "
      "(DELIVERED) and how many operators have acknowledged it (ACKED). Use pocctl show ID for "
      "the per-State detail.");
  cmd->add_option("--limit", o->limit, "At most this many messages (default: pocd's)");
  cmd->add_flag("--wide", o->wide, "Show full ids, recipients and subjects");
  cmd->footer(
      "Example:\n"
      "  pocctl sent --limit 10");
  return cmd;
}

std::string FormatSent(const v1::ListResponse& list, const SentOptions& o) {
  if (list.messages().empty()) return "Nothing sent yet.\n";
  Table table({"ID", "TO", "TYPE", "SUBJECT", "STATE", "DELIVERED", "ACKED"});
  if (!o.wide) {
    table.SetMaxWidth(1, 24);
    table.SetMaxWidth(3, 40);
  }
  for (const auto& m : list.messages()) {
    table.AddRow({ShortId(m.id(), o.wide), JoinList(m.recipients()), MessageTypeWord(m.kind()),
                  (m.drill() ? "[DRILL] " : "") + m.subject(), OutboxStateWord(m.state()),
                  Progress(m.delivered_to(), m), Progress(m.acknowledged_by(), m)});
  }
  return table.Render();
}

absl::Status RunSent(const SentOptions& o, CommandContext& ctx) {
  v1::ListRequest request;
  request.set_folder(v1::FOLDER_SENT);
  request.set_limit(o.limit);
  ASSIGN_OR_RETURN(ControlClient * client, ctx.Client());
  ASSIGN_OR_RETURN(const v1::ListResponse response, client->List(request));
  if (ctx.json()) return PrintJson(response, ctx.out());
  ctx.out() << FormatSent(response, o);
  return absl::OkStatus();
}

}  // namespace poc::pocctl
