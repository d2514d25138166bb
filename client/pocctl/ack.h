// pocctl ack: the operator's acknowledgement of a received message (a human act, signed).
#ifndef POC_CLIENT_POCCTL_ACK_H_
#define POC_CLIENT_POCCTL_ACK_H_

#include <CLI/CLI.hpp>
#include <string>

#include "absl/status/status.h"
#include "client/pocctl/command_context.h"

namespace poc::pocctl {

struct AckOptions {
  std::string id;    // a full id, or a unique start or end of it (8+ characters)
  std::string note;  // optional free text that travels with the acknowledgement
};

CLI::App* AddAckCommand(CLI::App& app, AckOptions* options);

absl::Status RunAck(const AckOptions& options, CommandContext& ctx);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_ACK_H_
