#include "server/audit/audit_service.h"

#include "common/rpc/grpc_status.h"
#include "common/status_macros.h"
#include "server/access_policy.h"

namespace poc {
absl::Status AuditService::Authorized(grpc::CallbackServerContext* context, Rpc rpc) const {
  return Authorize(context->auth_context(), rpc, revocations_->Get().get(),
                   &directory_->Get()->view, observers_)
      .status();
}

grpc::ServerUnaryReactor* AuditService::GetCheckpoint(grpc::CallbackServerContext* context,
                                                      const v1::GetCheckpointRequest* request,
                                                      v1::GetCheckpointResponse* response) {
  absl::Status s = Authorized(context, Rpc::kGetCheckpoint);
  if (s.ok()) {
    if (request->fresh()) {
      s = log_->SignCheckpoint().status();
    }
    // The latest note with the witness cosignatures the relay holds for it.
    auto note = s.ok() ? log_->LatestCheckpointNote() : absl::StatusOr<std::string>(s);
    if (note.ok()) {
      response->set_note(*note);
      response->set_verifier_key(log_->verifier_key());
    }
    s = note.status();
  }
  return FinishUnary(context, s);
}

grpc::ServerUnaryReactor* AuditService::GetInclusionProof(
    grpc::CallbackServerContext* context, const v1::GetInclusionProofRequest* request,
    v1::GetInclusionProofResponse* response) {
  auto run = [&]() -> absl::Status {
    RETURN_IF_ERROR(Authorized(context, Rpc::kGetInclusionProof));
    const uint64_t size = request->tree_size() != 0 ? request->tree_size() : log_->latest_size();
    if (size == 0 || size > store_->AuditSize()) {
      return absl::OutOfRangeError(
          "tree_size " + std::to_string(size) + " is not a size of the log (it has " +
          std::to_string(store_->AuditSize()) + " entries); ask for a fresh checkpoint first");
    }
    std::vector<uint64_t> indexes;
    if (request->leaf_case() == v1::GetInclusionProofRequest::kMessageId) {
      ASSIGN_OR_RETURN(indexes, store_->LeafIndexesOf(request->message_id()));
      if (indexes.empty()) {
        return absl::NotFoundError("no audit entry names message " + request->message_id());
      }
    } else {
      indexes.push_back(request->leaf_index());
    }
    response->set_tree_size(size);
    for (uint64_t index : indexes) {
      if (index >= size) {
        continue;  // logged after the checkpoint asked about
      }
      ASSIGN_OR_RETURN(std::vector<std::string> entry, store_->Entries(index, 1));
      ASSIGN_OR_RETURN(std::vector<std::string> path, store_->InclusionProof(index, size));
      v1::InclusionProof* proof = response->add_proofs();
      proof->set_leaf_index(index);
      proof->set_leaf_data(entry.front());
      for (auto& h : path) {
        proof->add_hashes(std::move(h));
      }
    }
    if (response->proofs_size() == 0) {
      return absl::OutOfRangeError("the entries asked for come after tree size " +
                                   std::to_string(size) + "; ask for a fresh checkpoint");
    }
    return absl::OkStatus();
  };
  return FinishUnary(context, run());
}

grpc::ServerUnaryReactor* AuditService::GetConsistencyProof(
    grpc::CallbackServerContext* context, const v1::GetConsistencyProofRequest* request,
    v1::GetConsistencyProofResponse* response) {
  auto run = [&]() -> absl::Status {
    RETURN_IF_ERROR(Authorized(context, Rpc::kGetConsistencyProof));
    if (request->first() == 0 || request->first() > request->second() ||
        request->second() > store_->AuditSize()) {
      return absl::OutOfRangeError("need 0 < first <= second <= " +
                                   std::to_string(store_->AuditSize()));
    }
    ASSIGN_OR_RETURN(std::vector<std::string> path,
                     store_->ConsistencyProof(request->first(), request->second()));
    for (auto& h : path) {
      response->add_hashes(std::move(h));
    }
    return absl::OkStatus();
  };
  return FinishUnary(context, run());
}

grpc::ServerUnaryReactor* AuditService::GetEntries(grpc::CallbackServerContext* context,
                                                   const v1::GetEntriesRequest* request,
                                                   v1::GetEntriesResponse* response) {
  auto run = [&]() -> absl::Status {
    RETURN_IF_ERROR(Authorized(context, Rpc::kGetEntries));
    if (request->count() == 0 || request->count() > kMaxEntries) {
      return absl::InvalidArgumentError("count: ask for 1 to " + std::to_string(kMaxEntries) +
                                        " entries");
    }
    const uint64_t size = store_->AuditSize();
    if (request->start() >= size) {
      return absl::OutOfRangeError("start: the log has " + std::to_string(size) + " entries");
    }
    const uint64_t count = std::min<uint64_t>(request->count(), size - request->start());
    ASSIGN_OR_RETURN(std::vector<std::string> entries, store_->Entries(request->start(), count));
    for (auto& e : entries) {
      response->add_entries(std::move(e));
    }
    return absl::OkStatus();
  };
  return FinishUnary(context, run());
}

grpc::ServerUnaryReactor* AuditService::AddCosignature(grpc::CallbackServerContext* context,
                                                       const v1::AddCosignatureRequest* request,
                                                       v1::AddCosignatureResponse* /*response*/) {
  auto run = [&]() -> absl::Status {
    const auto directory = directory_->Get();
    ASSIGN_OR_RETURN(PeerIdentity peer,
                     Authorize(context->auth_context(), Rpc::kAddCosignature,
                               revocations_->Get().get(), &directory->view, observers_));
    std::vector<Ed25519PublicKey> active;
    if (const v1::StateEntry* entry = directory->view.FindState(peer.name)) {
      for (const v1::SigningKey& k : entry->keys()) {
        if (k.status() != v1::KEY_STATUS_ACTIVE) {
          continue;
        }
        auto key = Ed25519PublicKey::FromRaw(k.public_key());
        if (key.ok()) {
          active.push_back(*std::move(key));
        }
      }
    } else {
      return absl::PermissionDeniedError(peer.name + " is not in the directory");
    }
    return log_->AddCosignature(peer.name, active, request->note());
  };
  return FinishUnary(context, run());
}

}  // namespace poc
