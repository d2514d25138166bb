// The Relay gRPC service (proto/poc/v1/relay.proto) over a RelayCore.
#ifndef POC_SERVER_RELAY_SERVICE_H_
#define POC_SERVER_RELAY_SERVICE_H_

#include "poc/v1/relay.grpc.pb.h"
#include "server/relay_core.h"

namespace poc {

// Thread-safe; `*core` must outlive the server this service is registered with.
class RelayService final : public v1::Relay::CallbackService {
 public:
  explicit RelayService(RelayCore* core) : core_(core) {}

  grpc::ServerUnaryReactor* Submit(grpc::CallbackServerContext* context,
                                   const v1::SubmitRequest* request,
                                   v1::SubmitResponse* response) override;
  grpc::ServerBidiReactor<v1::NodeFrame, v1::RelayFrame>* Session(
      grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* GetDirectory(grpc::CallbackServerContext* context,
                                         const v1::GetDirectoryRequest* request,
                                         v1::GetDirectoryResponse* response) override;
  grpc::ServerUnaryReactor* AnnounceKey(grpc::CallbackServerContext* context,
                                        const v1::AnnounceKeyRequest* request,
                                        v1::AnnounceKeyResponse* response) override;

 private:
  RelayCore* const core_;
};

}  // namespace poc

#endif  // POC_SERVER_RELAY_SERVICE_H_
