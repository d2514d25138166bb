// Where pocctl finds pocd: the node's folder holds the control socket DIR/control.sock.
#ifndef POC_CLIENT_POCCTL_NODE_ADDRESS_H_
#define POC_CLIENT_POCCTL_NODE_ADDRESS_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace poc::pocctl {

struct NodeAddress {
  std::string socket_path;  // the Unix socket pocd serves NodeControl on
  std::string node_dir;     // the node's folder; empty when only --socket named the socket
};

// --socket wins; otherwise --node, otherwise the POC_NODE environment variable (`env_node`,
// empty when unset). Fails (FAILED_PRECONDITION) when none is given:
// "no node given: pass --node DIR (the node's folder) or set POC_NODE".
absl::StatusOr<NodeAddress> ResolveNodeAddress(std::string_view node_flag,
                                               std::string_view socket_flag,
                                               std::string_view env_node);

// "cannot reach pocd at DIR/control.sock: is it running? start it with: pocd --config
// DIR/pocd.toml". Without a node folder, the socket's folder stands in for it.
std::string UnreachableMessage(const NodeAddress& address);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_NODE_ADDRESS_H_
