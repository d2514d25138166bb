// The Relay gRPC service (proto/poc/v1/relay.proto) over a RelayCore.
#ifndef POC_SERVER_RELAY_SERVICE_H_
#define POC_SERVER_RELAY_SERVICE_H_

#include "common/logging/log_throttle.h"
#include "poc/v1/relay.grpc.pb.h"
#include "server/relay_core.h"

namespace poc {

// Thread-safe; `*core` must outlive the server this service is registered with.
//
// Submit, the call States fill with whatever they like, takes the request as raw bytes and
// parses it itself: a request that does not parse gets INVALID_ARGUMENT saying so (gRPC's
// callback API would answer UNIMPLEMENTED, with no message), after the caller's certificate
// and rate limit were checked.
class RelayService final
    : public v1::Relay::WithRawCallbackMethod_Submit<v1::Relay::CallbackService> {
 public:
  explicit RelayService(RelayCore* core);

  grpc::ServerUnaryReactor* Submit(grpc::CallbackServerContext* context,
                                   const grpc::ByteBuffer* raw_request,
                                   grpc::ByteBuffer* raw_response) override;
  grpc::ServerBidiReactor<v1::NodeFrame, v1::RelayFrame>* Session(
      grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* GetDirectory(grpc::CallbackServerContext* context,
                                         const v1::GetDirectoryRequest* request,
                                         v1::GetDirectoryResponse* response) override;
  grpc::ServerUnaryReactor* AnnounceKey(grpc::CallbackServerContext* context,
                                        const v1::AnnounceKeyRequest* request,
                                        v1::AnnounceKeyResponse* response) override;

 private:
  // Logs a refused Submit, a few lines a minute per caller and status code, so that a flood of
  // bad calls cannot flood the log (each is still counted in /metrics).
  void LogRefusedSubmit(const std::string& caller, const absl::Status& status);

  RelayCore* const core_;
  LogThrottle refusal_log_;
};

}  // namespace poc

#endif  // POC_SERVER_RELAY_SERVICE_H_
