// Deadlines for the RPCs our clients make: every call carries one (DESIGN.md, "every RPC has a
// deadline").
#ifndef POC_COMMON_RPC_DEADLINE_H_
#define POC_COMMON_RPC_DEADLINE_H_

#include <grpcpp/client_context.h>

#include "absl/time/time.h"

namespace poc {

// Sets `context`'s deadline to `timeout` from now.
void SetDeadline(grpc::ClientContext* context, absl::Duration timeout);

}  // namespace poc

#endif  // POC_COMMON_RPC_DEADLINE_H_
