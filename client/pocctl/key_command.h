// pocctl key: the State's signing keys as this node sees them, and their rotation.
//
//   pocctl key list                 the State's keys in the node's directory; which one signs
//   pocctl key announce --key FILE  announce FILE's key to the relay, then sign with it
#ifndef POC_CLIENT_POCCTL_KEY_COMMAND_H_
#define POC_CLIENT_POCCTL_KEY_COMMAND_H_

#include <CLI/CLI.hpp>
#include <string>

#include "absl/status/status.h"
#include "client/pocctl/command_context.h"
#include "poc/v1/directory.pb.h"
#include "poc/v1/node_control.pb.h"

namespace poc::pocctl {

struct KeyOptions {
  CLI::App* list = nullptr;
  CLI::App* announce = nullptr;
  std::string key_file;  // announce --key
};

CLI::App* AddKeyCommand(CLI::App& app, KeyOptions* options);

absl::Status RunKey(const KeyOptions& options, CommandContext& ctx);

// For tests: the table of `state`'s keys, marking `signing_key_id`.
std::string FormatKeyList(const v1::Directory& directory, const std::string& state,
                          const std::string& signing_key_id);
std::string FormatAnnounced(const v1::NodeAnnounceKeyResponse& response);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_KEY_COMMAND_H_
