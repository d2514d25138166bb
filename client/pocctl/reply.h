// pocctl reply: answer a received message (a RESPONSE with in_reply_to set by pocd).
#ifndef POC_CLIENT_POCCTL_REPLY_H_
#define POC_CLIENT_POCCTL_REPLY_H_

#include <CLI/CLI.hpp>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/pocctl/command_context.h"
#include "client/pocctl/template_flags.h"
#include "poc/v1/node_control.pb.h"

namespace poc::pocctl {

struct ReplyOptions {
  std::string id;  // a full id, or a unique start or end of it (8+ characters)
  TemplateFlags tmpl;
};

CLI::App* AddReplyCommand(CLI::App& app, ReplyOptions* options);

// The template of the response, checked locally as a RESPONSE created `now`. The message id
// is filled in by RunReply once the prefix is resolved.
absl::StatusOr<v1::ReplyRequest> BuildReplyRequest(const ReplyOptions& options, absl::Time now);

absl::Status RunReply(const ReplyOptions& options, CommandContext& ctx);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_REPLY_H_
