// pocd's local control API for pocctl (proto/poc/v1/node_control.proto), served on a Unix
// socket of mode 0600 so that only the node's operator account can use it.
#ifndef POC_CLIENT_POCD_CONTROL_SERVICE_H_
#define POC_CLIENT_POCD_CONTROL_SERVICE_H_

#include <mutex>
#include <string>

#include "client/pocd/directory_cache.h"
#include "client/pocd/node_store.h"
#include "client/pocd/relay_link.h"
#include "client/pocd/signing_key_holder.h"
#include "common/crypto/ed25519.h"
#include "common/util/clock.h"
#include "poc/v1/node_control.grpc.pb.h"

namespace poc {

// A synchronous service: its handlers may wait on the relay (Submit) and on fsync, which
// gRPC's sync server runs on its own thread pool. Thread-safe.
class ControlService final : public v1::NodeControl::Service {
 public:
  struct Identity {
    std::string state;
    std::string relay;
    std::string software;
    std::string signing_key_file;  // the configured key file, rewritten on rotation
  };

  ControlService(Identity identity, NodeStore* store, RelayLink* link, DirectoryCache* directory,
                 SigningKeyHolder* signing_key, const Clock* clock);

  grpc::Status Send(grpc::ServerContext* context, const v1::SendRequest* request,
                    v1::SendResponse* response) override;
  grpc::Status Reply(grpc::ServerContext* context, const v1::ReplyRequest* request,
                     v1::SendResponse* response) override;
  grpc::Status Ack(grpc::ServerContext* context, const v1::AckRequest* request,
                   v1::SendResponse* response) override;
  grpc::Status List(grpc::ServerContext* context, const v1::ListRequest* request,
                    v1::ListResponse* response) override;
  grpc::Status Show(grpc::ServerContext* context, const v1::ShowRequest* request,
                    v1::ShowResponse* response) override;
  grpc::Status Status(grpc::ServerContext* context, const v1::StatusRequest* request,
                      v1::StatusResponse* response) override;
  grpc::Status GetDirectory(grpc::ServerContext* context, const v1::NodeDirectoryRequest* request,
                            v1::NodeDirectoryResponse* response) override;
  grpc::Status AnnounceKey(grpc::ServerContext* context, const v1::NodeAnnounceKeyRequest* request,
                           v1::NodeAnnounceKeyResponse* response) override;
  grpc::Status ListObservers(grpc::ServerContext* context, const v1::ListObserversRequest* request,
                             v1::ListObserversResponse* response) override;
  grpc::Status ObjectToObserver(grpc::ServerContext* context,
                                const v1::NodeObjectionRequest* request,
                                v1::ObjectToObserverResponse* response) override;

 private:
  // Validates, signs, stores in the outbox, then tries the relay once. `before_submit` runs
  // after the message is durable (used by Ack to mark the original acknowledged).
  grpc::Status SignStoreSubmit(
      v1::Message message, v1::SendResponse* response,
      const std::function<absl::Status(const std::string& id)>& before_submit = nullptr);
  // The stored incoming message `id`, or NOT_FOUND / FAILED_PRECONDITION.
  absl::StatusOr<v1::ShowResponse> Incoming(const std::string& id);

  const Identity identity_;
  NodeStore* const store_;
  RelayLink* const link_;
  DirectoryCache* const directory_;
  SigningKeyHolder* const signing_key_;
  std::mutex rotation_mu_;  // one key rotation at a time
  const Clock* const clock_;
};

}  // namespace poc

#endif  // POC_CLIENT_POCD_CONTROL_SERVICE_H_
