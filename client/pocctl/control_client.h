// pocctl's view of pocd's NodeControl service: one call per RPC, errors as absl::Status.
//
// The production implementation (grpc_control_client.h) talks gRPC over the node's Unix
// socket; tests substitute a fake to check what pocctl would send without a running pocd.
// Error messages are meant for people: pocd writes its status messages for operators, and the
// implementation turns transport failures into advice ("cannot reach pocd at ...").
#ifndef POC_CLIENT_POCCTL_CONTROL_CLIENT_H_
#define POC_CLIENT_POCCTL_CONTROL_CLIENT_H_

#include "absl/status/statusor.h"
#include "poc/v1/node_control.pb.h"

namespace poc::pocctl {

class ControlClient {
 public:
  virtual ~ControlClient() = default;

  virtual absl::StatusOr<v1::SendResponse> Send(const v1::SendRequest& request) = 0;
  virtual absl::StatusOr<v1::SendResponse> Reply(const v1::ReplyRequest& request) = 0;
  virtual absl::StatusOr<v1::SendResponse> Ack(const v1::AckRequest& request) = 0;
  virtual absl::StatusOr<v1::ListResponse> List(const v1::ListRequest& request) = 0;
  virtual absl::StatusOr<v1::ShowResponse> Show(const v1::ShowRequest& request) = 0;
  virtual absl::StatusOr<v1::StatusResponse> Status(const v1::StatusRequest& request) = 0;
  virtual absl::StatusOr<v1::NodeDirectoryResponse> GetDirectory(
      const v1::NodeDirectoryRequest& request) = 0;
  virtual absl::StatusOr<v1::NodeAnnounceKeyResponse> AnnounceKey(
      const v1::NodeAnnounceKeyRequest& request) = 0;
  virtual absl::StatusOr<v1::ListObserversResponse> ListObservers(
      const v1::ListObserversRequest& request) = 0;
  virtual absl::StatusOr<v1::ObjectToObserverResponse> ObjectToObserver(
      const v1::NodeObjectionRequest& request) = 0;
};

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_CONTROL_CLIENT_H_
