#include "client/pocctl/ack.h"

#include "client/pocctl/message_ref.h"
#include "client/pocctl/output.h"
#include "common/status_macros.h"
#include "poc/v1/node_control.pb.h"

namespace poc::pocctl {

CLI::App* AddAckCommand(CLI::App& app, AckOptions* o) {
  CLI::App* cmd = app.add_subcommand("ack", "Acknowledge a message you received");
  cmd->description(
      "Acknowledge a message you received. This is the operator's own act, separate from the "
      "delivery receipt pocd returned automatically: it tells the sender a person has read "
      "the message. pocd signs it, sends it to the sender and the relay logs it. Name the "
      "message by its id or the first 8 or more characters of it as pocctl inbox shows them.");
  cmd->add_option(
         "id", o->id,
         "The message to acknowledge (its id, or a unique start or end of it such as …89abcdef)")
      ->required();
  cmd->add_option("--note", o->note, "A short note for the sender (optional)");
  cmd->footer(
      "Example:\n"
      "  pocctl ack 0190c3a2 --note \"Received; our team is looking into it\"");
  return cmd;
}

absl::Status RunAck(const AckOptions& options, CommandContext& ctx) {
  RETURN_IF_ERROR(CheckMessageRef(options.id));
  ASSIGN_OR_RETURN(ControlClient * client, ctx.Client());
  v1::AckRequest request;
  ASSIGN_OR_RETURN(*request.mutable_message_id(),
                   ResolveMessageId(options.id, Folders::kInbox, *client));
  request.set_note(options.note);
  ASSIGN_OR_RETURN(const v1::SendResponse response, client->Ack(request));
  return ReportSendResponse(response, ctx);
}

}  // namespace poc::pocctl
