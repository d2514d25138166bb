// The Audit gRPC service (proto/poc/v1/audit_service.proto) over the relay's audit log.
#ifndef POC_SERVER_AUDIT_AUDIT_SERVICE_H_
#define POC_SERVER_AUDIT_AUDIT_SERVICE_H_

#include "poc/v1/audit_service.grpc.pb.h"
#include "server/access_policy.h"
#include "server/audit/audit_log.h"
#include "server/directory_holder.h"
#include "server/relay_store.h"

namespace poc {

// Thread-safe. Who may call what is server/access_policy.h's table: any authenticated caller
// with an unrevoked certificate (observers: accredited ones) may read the log (it holds hashes and
// metadata, never message bodies). Calls are quick reads of the store, made inline; AddCosignature
// (States only) waits for one durable write, as SaveCheckpoint does.
class AuditService final : public v1::Audit::CallbackService {
 public:
  // `directory` gives the States' keys to verify witness cosignatures with; `revocations` the
  // CRL in force.
  // `observers` admits only accredited observers.
  AuditService(AuditLog* log, RelayStore* store, const DirectoryHolder* directory,
               const RevocationHolder* revocations, const ObserverGate* observers)
      : log_(log),
        store_(store),
        directory_(directory),
        revocations_(revocations),
        observers_(observers) {}

  grpc::ServerUnaryReactor* GetCheckpoint(grpc::CallbackServerContext* context,
                                          const v1::GetCheckpointRequest* request,
                                          v1::GetCheckpointResponse* response) override;
  grpc::ServerUnaryReactor* GetInclusionProof(grpc::CallbackServerContext* context,
                                              const v1::GetInclusionProofRequest* request,
                                              v1::GetInclusionProofResponse* response) override;
  grpc::ServerUnaryReactor* GetConsistencyProof(grpc::CallbackServerContext* context,
                                                const v1::GetConsistencyProofRequest* request,
                                                v1::GetConsistencyProofResponse* response) override;
  grpc::ServerUnaryReactor* GetEntries(grpc::CallbackServerContext* context,
                                       const v1::GetEntriesRequest* request,
                                       v1::GetEntriesResponse* response) override;
  grpc::ServerUnaryReactor* AddCosignature(grpc::CallbackServerContext* context,
                                           const v1::AddCosignatureRequest* request,
                                           v1::AddCosignatureResponse* response) override;

  static constexpr uint64_t kMaxEntries = 1000;

 private:
  absl::Status Authorized(grpc::CallbackServerContext* context, Rpc rpc) const;

  AuditLog* const log_;
  RelayStore* const store_;
  const DirectoryHolder* const directory_;
  const RevocationHolder* const revocations_;
  const ObserverGate* const observers_;
};

}  // namespace poc

#endif  // POC_SERVER_AUDIT_AUDIT_SERVICE_H_
