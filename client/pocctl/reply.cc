#include "client/pocctl/reply.h"

#include "client/pocctl/message_ref.h"
#include "client/pocctl/output.h"
#include "common/status_macros.h"
#include "common/template/validation.h"

namespace poc::pocctl {

CLI::App* AddReplyCommand(CLI::App& app, ReplyOptions* o) {
  CLI::App* cmd = app.add_subcommand("reply", "Answer a message you received");
  cmd->description(
      "Answer a message you received. pocd sends a response to its sender, linked to the "
      "original (in_reply_to), signed with the State's key; the original's sender sees it in "
      "its progress table. Name the message by its id or the first 8 or more characters of it "
      "as pocctl inbox shows them. The template flags are those of pocctl send.");
  cmd->add_option(
         "id", o->id,
         "The message to answer (its id, or a unique start or end of it such as …89abcdef)")
      ->required();
  AddTemplateFlags(cmd, &o->tmpl);
  cmd->footer(
      "Example:\n"
      "  pocctl reply 0190c3a2 --subject \"No such scanning seen here\" --tlp green \\\n"
      "      --summary \"Our sensors saw nothing from AS64500 in the last 7 days.\"");
  return cmd;
}

absl::StatusOr<v1::ReplyRequest> BuildReplyRequest(const ReplyOptions& o, absl::Time now) {
  v1::ReplyRequest request;
  ASSIGN_OR_RETURN(*request.mutable_template_(), BuildTemplate(o.tmpl, now));
  if (auto s =
          ValidateTemplate(request.template_(), v1::MESSAGE_TYPE_RESPONSE, now, ValidationLimits());
      !s.ok()) {
    return NameTheFlag(s);
  }
  return request;
}

absl::Status RunReply(const ReplyOptions& options, CommandContext& ctx) {
  ASSIGN_OR_RETURN(v1::ReplyRequest request, BuildReplyRequest(options, ctx.Now()));
  RETURN_IF_ERROR(CheckMessageRef(options.id));
  ASSIGN_OR_RETURN(ControlClient * client, ctx.Client());
  ASSIGN_OR_RETURN(*request.mutable_message_id(),
                   ResolveMessageId(options.id, Folders::kInbox, *client));
  ASSIGN_OR_RETURN(const v1::SendResponse response, client->Reply(request));
  return ReportSendResponse(response, ctx);
}

}  // namespace poc::pocctl
