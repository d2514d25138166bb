// pocctl inbox: the messages this State received, newest first (as pocd lists them).
#ifndef POC_CLIENT_POCCTL_INBOX_H_
#define POC_CLIENT_POCCTL_INBOX_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "client/pocctl/command_context.h"
#include "poc/v1/node_control.pb.h"

namespace poc::pocctl {

struct InboxOptions {
  bool unacked = false;
  uint32_t limit = 0;  // 0: pocd's default
  bool wide = false;   // full ids and subjects
};

CLI::App* AddInboxCommand(CLI::App& app, InboxOptions* options);

// The table for people: ID, FROM, TYPE, URGENCY, SUBJECT, RECEIVED, ACK; or a friendly line
// when there is nothing to show.
std::string FormatInbox(const v1::ListResponse& list, const InboxOptions& options);

absl::Status RunInbox(const InboxOptions& options, CommandContext& ctx);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_INBOX_H_
