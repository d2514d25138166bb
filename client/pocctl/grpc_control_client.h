// ControlClient over gRPC on pocd's Unix socket (mode 0600: only the node's user gets in).
#ifndef POC_CLIENT_POCCTL_GRPC_CONTROL_CLIENT_H_
#define POC_CLIENT_POCCTL_GRPC_CONTROL_CLIENT_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/pocctl/control_client.h"
#include "client/pocctl/node_address.h"

namespace poc::pocctl {

// Checks that the socket exists and is usable, then opens a channel to it. Every RPC on the
// returned client carries a deadline of `timeout` from the moment it starts.
//
// Failures, each with a message that says what to do:
//  - socket missing, or nothing listening (UNAVAILABLE): UnreachableMessage(address);
//  - the path is not a socket (FAILED_PRECONDITION); no permission (PERMISSION_DENIED);
//  - later, an RPC past its deadline (DEADLINE_EXCEEDED) suggests --timeout.
absl::StatusOr<std::unique_ptr<ControlClient>> ConnectToPocd(const NodeAddress& address,
                                                             absl::Duration timeout);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_GRPC_CONTROL_CLIENT_H_
