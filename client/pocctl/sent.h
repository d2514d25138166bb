// pocctl sent: the messages this State sent, with their delivery progress.
#ifndef POC_CLIENT_POCCTL_SENT_H_
#define POC_CLIENT_POCCTL_SENT_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "client/pocctl/command_context.h"
#include "poc/v1/node_control.pb.h"

namespace poc::pocctl {

struct SentOptions {
  uint32_t limit = 0;  // 0: pocd's default
  bool wide = false;   // full ids, recipients and subjects
};

CLI::App* AddSentCommand(CLI::App& app, SentOptions* options);

// The table for people: ID, TO, TYPE, SUBJECT, STATE, DELIVERED (2/3), ACKED (1/3); or a
// friendly line when nothing was sent.
std::string FormatSent(const v1::ListResponse& list, const SentOptions& options);

absl::Status RunSent(const SentOptions& options, CommandContext& ctx);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_SENT_H_
