// absl::Status <-> grpc::Status at the RPC edge. Codes map one to one; messages pass through.
#ifndef POC_COMMON_RPC_GRPC_STATUS_H_
#define POC_COMMON_RPC_GRPC_STATUS_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>
#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace poc {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// Finishes a unary callback call at once with `status`: `return FinishUnary(context, status);`.
grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* context,
                                      const absl::Status& status);

}  // namespace poc

#endif  // POC_COMMON_RPC_GRPC_STATUS_H_
