#include "client/pocctl/command_context.h"

#include <utility>

#include "common/status_macros.h"
#include "common/util/time_format.h"

namespace poc::pocctl {

CommandContext::CommandContext(GlobalOptions global, std::string env_node, std::ostream* out,
                               const Clock* clock, Connector connector)
    : global_(std::move(global)),
      env_node_(std::move(env_node)),
      out_(out),
      clock_(clock),
      connector_(std::move(connector)) {}

absl::Duration CommandContext::timeout() const {
  absl::StatusOr<absl::Duration> t = ParseDuration(global_.timeout);
  return t.ok() ? *t : absl::Seconds(10);
}

absl::StatusOr<ControlClient*> CommandContext::Client() {
  if (client_ != nullptr) return client_.get();
  ASSIGN_OR_RETURN(const NodeAddress address,
                   ResolveNodeAddress(global_.node, global_.socket, env_node_));
  ASSIGN_OR_RETURN(client_, connector_(address, timeout()));
  return client_.get();
}

}  // namespace poc::pocctl
