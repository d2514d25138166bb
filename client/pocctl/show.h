// pocctl show: one message in full, with its delivery progress and replies.
#ifndef POC_CLIENT_POCCTL_SHOW_H_
#define POC_CLIENT_POCCTL_SHOW_H_

#include <CLI/CLI.hpp>
#include <string>

#include "absl/status/status.h"
#include "client/pocctl/command_context.h"
#include "client/pocctl/labels.h"
#include "poc/v1/node_control.pb.h"

namespace poc::pocctl {

struct ShowOptions {
  std::string id;  // a full id or a unique prefix of at least 8 characters
};

CLI::App* AddShowCommand(CLI::App& app, ShowOptions* options);

// Every template field with its label, the signing key, the audit index, the per-recipient
// progress of a sent message and the ids of replies.
std::string FormatShow(const v1::ShowResponse& show, const Labels& labels);

absl::Status RunShow(const ShowOptions& options, CommandContext& ctx);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_SHOW_H_
