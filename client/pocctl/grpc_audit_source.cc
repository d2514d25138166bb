#include "client/pocctl/grpc_audit_source.h"

#include <grpcpp/client_context.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/rpc/deadline.h"

namespace poc::pocctl {
GrpcAuditSource::GrpcAuditSource(const std::shared_ptr<grpc::Channel>& channel, std::string address,
                                 absl::Duration timeout)
    : stub_(v1::Audit::NewStub(channel)), address_(std::move(address)), timeout_(timeout) {}

absl::Status GrpcAuditSource::Failed(const std::string& what, const grpc::Status& s) const {
  const std::string message = absl::StrCat(what, " from ", Name(), " failed: ", s.error_message());
  switch (s.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::UnavailableError(
          absl::StrCat(message,
                       "; is the relay up and reachable? (see relay and tls in "
                       "the node's pocd.toml)"));
    case grpc::StatusCode::NOT_FOUND:
      return absl::NotFoundError(message);
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE:
      return absl::InvalidArgumentError(message);
    default:
      return absl::UnknownError(message);
  }
}

absl::StatusOr<CheckpointAnswer> GrpcAuditSource::LatestCheckpoint(bool fresh) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, timeout_);
  v1::GetCheckpointRequest request;
  request.set_fresh(fresh);
  v1::GetCheckpointResponse response;
  grpc::Status s = stub_->GetCheckpoint(&ctx, request, &response);
  if (!s.ok()) {
    return Failed("getting the checkpoint", s);
  }
  return CheckpointAnswer{response.note(), response.verifier_key()};
}

absl::Status GrpcAuditSource::FetchEntries(uint64_t start, uint64_t count, uint64_t /*tree_size*/,
                                           EntryPage* page) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, timeout_);
  v1::GetEntriesRequest request;
  request.set_start(start);
  request.set_count(count);
  page->response.Clear();  // keeps the entry strings for reuse
  grpc::Status s = stub_->GetEntries(&ctx, request, &page->response);
  if (!s.ok()) {
    return Failed(absl::StrCat("getting entries ", start, "..", start + count - 1), s);
  }
  if (static_cast<uint64_t>(page->response.entries_size()) != count) {
    return absl::DataLossError(absl::StrCat(Name(), " returned ", page->response.entries_size(),
                                            " entries when asked for ", count, " from index ",
                                            start));
  }
  page->start = start;
  page->entries.clear();
  for (const std::string& e : page->response.entries()) {
    page->entries.emplace_back(e);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> GrpcAuditSource::ConsistencyProof(uint64_t first,
                                                                           uint64_t second) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, timeout_);
  v1::GetConsistencyProofRequest request;
  request.set_first(first);
  request.set_second(second);
  v1::GetConsistencyProofResponse response;
  grpc::Status s = stub_->GetConsistencyProof(&ctx, request, &response);
  if (!s.ok()) {
    return Failed(absl::StrCat("getting a consistency proof ", first, "→", second), s);
  }
  return std::vector<std::string>(response.hashes().begin(), response.hashes().end());
}

absl::Status GrpcAuditSource::LeafHashes(uint64_t, uint64_t, uint64_t,
                                         std::vector<merkle::Hash32>*) {
  return absl::UnimplementedError("the Audit service does not serve leaf hashes");
}

absl::StatusOr<v1::GetInclusionProofResponse> GrpcAuditSource::InclusionProofs(
    const std::string& message_id, uint64_t tree_size) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, timeout_);
  v1::GetInclusionProofRequest request;
  request.set_message_id(message_id);
  request.set_tree_size(tree_size);
  v1::GetInclusionProofResponse response;
  grpc::Status s = stub_->GetInclusionProof(&ctx, request, &response);
  if (!s.ok()) {
    return Failed("getting inclusion proofs of message " + message_id, s);
  }
  return response;
}

}  // namespace poc::pocctl
