// pocctl status: is the node connected, and what is waiting.
#ifndef POC_CLIENT_POCCTL_STATUS_H_
#define POC_CLIENT_POCCTL_STATUS_H_

#include <CLI/CLI.hpp>
#include <string>

#include "absl/status/status.h"
#include "client/pocctl/command_context.h"
#include "client/pocctl/labels.h"
#include "poc/v1/node_control.pb.h"

namespace poc::pocctl {

CLI::App* AddStatusCommand(CLI::App& app);

std::string FormatStatus(const v1::StatusResponse& status, const Labels& labels);

absl::Status RunStatus(CommandContext& ctx);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_STATUS_H_
