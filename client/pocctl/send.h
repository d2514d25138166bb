// pocctl send: write a new message to States, groups or all.
#ifndef POC_CLIENT_POCCTL_SEND_H_
#define POC_CLIENT_POCCTL_SEND_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/pocctl/command_context.h"
#include "client/pocctl/template_flags.h"
#include "poc/v1/node_control.pb.h"

namespace poc::pocctl {

struct SendOptions {
  std::vector<std::string> to;  // --to, comma-separated and repeatable
  std::string type;             // --type
  TemplateFlags tmpl;
  bool drill = false;
};

CLI::App* AddSendCommand(CLI::App& app, SendOptions* options);

// The request pocd will sign, checked locally with the rules the relay applies
// (common/template/validation.h), so that mistakes are reported before anything is signed.
// Recipients are normalized: "ken" becomes "KEN", "ALL" becomes "all". Errors name the flag.
absl::StatusOr<v1::SendRequest> BuildSendRequest(const SendOptions& options, absl::Time now);

absl::Status RunSend(const SendOptions& options, CommandContext& ctx);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_SEND_H_
