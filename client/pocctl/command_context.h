// What every pocctl command needs: the global flags, stdout, the clock and, on first use, a
// connection to pocd.
#ifndef POC_CLIENT_POCCTL_COMMAND_CONTEXT_H_
#define POC_CLIENT_POCCTL_COMMAND_CONTEXT_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/pocctl/control_client.h"
#include "client/pocctl/node_address.h"
#include "common/util/clock.h"

namespace poc::pocctl {

// Flags that apply to every command.
struct GlobalOptions {
  std::string node;             // --node DIR
  std::string socket;           // --socket PATH
  bool json = false;            // --json: machine-readable output only
  std::string timeout = "10s";  // --timeout: deadline of every RPC
  std::string lang = "en";      // --lang: language of labels (ar zh en fr ru es)
};

// Opens a client for pocd at `address` whose RPCs time out after `timeout`.
using Connector = std::function<absl::StatusOr<std::unique_ptr<ControlClient>>(
    const NodeAddress& address, absl::Duration timeout)>;

class CommandContext {
 public:
  // `out` and `clock` must outlive this context. `env_node` is POC_NODE, empty when unset.
  CommandContext(GlobalOptions global, std::string env_node, std::ostream* out, const Clock* clock,
                 Connector connector);
  CommandContext(const CommandContext&) = delete;
  CommandContext& operator=(const CommandContext&) = delete;

  const GlobalOptions& global() const { return global_; }
  bool json() const { return global_.json; }
  // POC_NODE, empty when unset.
  const std::string& env_node() const { return env_node_; }
  std::ostream& out() { return *out_; }
  absl::Time Now() const { return clock_->Now(); }
  // --timeout as a duration (the command line checked it); the deadline of every RPC.
  absl::Duration timeout() const;

  // Resolves the node's socket and connects, once; later calls return the same client.
  // Commands call this only after their local checks passed, so that a mistake in the
  // arguments is reported without contacting pocd.
  absl::StatusOr<ControlClient*> Client();

 private:
  const GlobalOptions global_;
  const std::string env_node_;
  std::ostream* const out_;
  const Clock* const clock_;
  const Connector connector_;
  std::unique_ptr<ControlClient> client_;
};

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_COMMAND_CONTEXT_H_
