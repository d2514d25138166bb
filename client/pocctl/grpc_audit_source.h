// The relay's gRPC Audit service as an AuditSource, reached with the node's own mutual-TLS
// credentials.
#ifndef POC_CLIENT_POCCTL_GRPC_AUDIT_SOURCE_H_
#define POC_CLIENT_POCCTL_GRPC_AUDIT_SOURCE_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "client/pocctl/audit_source.h"
#include "poc/v1/audit_service.grpc.pb.h"

namespace poc::pocctl {

class GrpcAuditSource final : public AuditSource {
 public:
  // `address` names the relay in messages; every RPC gets `timeout`.
  GrpcAuditSource(const std::shared_ptr<grpc::Channel>& channel, std::string address,
                  absl::Duration timeout);

  std::string Name() const override { return "the relay at " + address_; }
  absl::StatusOr<CheckpointAnswer> LatestCheckpoint(bool fresh) override;
  uint64_t PageSize() const override { return 1000; }  // the Audit service's GetEntries limit
  int Parallelism() const override { return 4; }
  absl::Status FetchEntries(uint64_t start, uint64_t count, uint64_t tree_size,
                            EntryPage* page) override;
  absl::StatusOr<std::vector<std::string>> ConsistencyProof(uint64_t first,
                                                            uint64_t second) override;
  absl::Status LeafHashes(uint64_t start, uint64_t count, uint64_t tree_size,
                          std::vector<merkle::Hash32>* hashes) override;
  absl::StatusOr<v1::GetInclusionProofResponse> InclusionProofs(const std::string& message_id,
                                                                uint64_t tree_size) override;

 private:
  absl::Status Failed(const std::string& what, const grpc::Status& status) const;

  const std::unique_ptr<v1::Audit::Stub> stub_;
  const std::string address_;
  const absl::Duration timeout_;
};

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_GRPC_AUDIT_SOURCE_H_
