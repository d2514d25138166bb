#include "server/relay_service.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "common/rpc/grpc_status.h"
#include "server/access_policy.h"
#include "server/exercise_service.h"
#include "server/relay_session.h"

namespace poc {
namespace {

absl::StatusOr<std::string> CallerState(grpc::CallbackServerContext* context, Rpc rpc,
                                        const RelayCore& core) {
  absl::StatusOr<PeerIdentity> peer = AuthorizeCaller(context, rpc, core);
  if (!peer.ok()) {
    return peer.status();
  }
  return peer->name;
}

// A session that is refused before it starts.
class RefusedSession final : public grpc::ServerBidiReactor<v1::NodeFrame, v1::RelayFrame> {
 public:
  explicit RefusedSession(grpc::Status status) { Finish(std::move(status)); }
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerUnaryReactor* RelayService::Submit(grpc::CallbackServerContext* context,
                                               const v1::SubmitRequest* request,
                                               v1::SubmitResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto state = CallerState(context, Rpc::kSubmit, *core_);
  if (!state.ok()) {
    spdlog::warn("submit refused ({}): {}", context->peer(), state.status().ToString());
    core_->metrics->submits_rejected[static_cast<size_t>(state.status().code()) % 17].fetch_add(1);
    reactor->Finish(ToGrpcStatus(state.status()));
    return reactor;
  }
  auto directory = core_->directory->Get();
  auto message = CheckSubmission(request->envelope(), *state, directory->view, core_->limits,
                                 core_->clock->Now());
  if (!message.ok()) {
    spdlog::warn("submit from {} rejected: {}", *state, message.status().ToString());
    core_->metrics->submits_rejected[static_cast<size_t>(message.status().code()) % 17].fetch_add(
        1);
    reactor->Finish(ToGrpcStatus(message.status()));
    return reactor;
  }
  if (IsExerciseAcknowledgement(*message)) {
    SubmitExerciseAcknowledgement(core_, *std::move(message), request->envelope(), reactor,
                                  response);
    return reactor;
  }
  const RelaySigner* signer = core_->signer;
  auto receipt_fields = std::make_shared<NewMessage>(*message);
  receipt_fields->envelope.clear();
  ReceiptMaker make_receipt = [signer, receipt_fields](uint64_t audit_index) {
    return signer->SubmitReceipt(receipt_fields->id, receipt_fields->hash, audit_index,
                                 receipt_fields->relay_time, receipt_fields->recipients);
  };
  const std::string id = message->id;
  const std::string sender = message->sender;
  core_->store->Submit(
      *std::move(message), std::move(make_receipt),
      [this, reactor, response, id, sender](absl::StatusOr<SubmitOutcome> out) {
        if (!out.ok()) {
          spdlog::warn("submit {} from {} failed: {}", id, sender, out.status().ToString());
          reactor->Finish(ToGrpcStatus(out.status()));
          return;
        }
        if (!response->mutable_receipt()->ParseFromString(out->receipt)) {
          reactor->Finish(grpc::Status(grpc::StatusCode::INTERNAL, "stored receipt is damaged"));
          return;
        }
        response->set_duplicate(out->duplicate);
        (out->duplicate ? core_->metrics->submits_duplicate : core_->metrics->submits_accepted)
            .fetch_add(1);
        if (out->duplicate) {
          spdlog::info("submit {} from {}: duplicate, original receipt returned", id, sender);
        } else {
          spdlog::info("stored {} from {} for {} recipient(s)", id, sender, out->recipients.size());
        }
        reactor->Finish(grpc::Status::OK);
        core_->registry.Wake(out->recipients);
      });
  return reactor;
}

grpc::ServerBidiReactor<v1::NodeFrame, v1::RelayFrame>* RelayService::Session(
    grpc::CallbackServerContext* context) {
  auto peer = AuthorizeCaller(context, Rpc::kSession, *core_);
  if (!peer.ok()) {
    spdlog::warn("session refused ({}): {}", context->peer(), peer.status().ToString());
    return new RefusedSession(ToGrpcStatus(peer.status()));
  }
  if (!core_->directory->Get()->view.HasState(peer->name)) {
    spdlog::warn("session refused: {} is not in the directory", peer->name);
    return new RefusedSession(
        grpc::Status(grpc::StatusCode::PERMISSION_DENIED, peer->name + " is not in the directory"));
  }
  return new RelaySession(core_, peer->name, peer->serial);
}

grpc::ServerUnaryReactor* RelayService::GetDirectory(grpc::CallbackServerContext* context,
                                                     const v1::GetDirectoryRequest* /*request*/,
                                                     v1::GetDirectoryResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto caller = AuthorizeCaller(context, Rpc::kGetDirectory, *core_);
  if (!caller.ok()) {
    spdlog::warn("directory refused ({}): {}", context->peer(), caller.status().ToString());
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  *response->mutable_directory() = core_->directory->Get()->signed_snapshot;
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* RelayService::AnnounceKey(grpc::CallbackServerContext* context,
                                                    const v1::AnnounceKeyRequest* request,
                                                    v1::AnnounceKeyResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto state = CallerState(context, Rpc::kAnnounceKey, *core_);
  if (!state.ok()) {
    spdlog::warn("key announcement refused ({}): {}", context->peer(), state.status().ToString());
    reactor->Finish(ToGrpcStatus(state.status()));
    return reactor;
  }
  // The publisher waits for the store's commit: not on this reactor's thread.
  boost::asio::post(core_->directory_changes, [this, reactor, request, response, state = *state] {
    auto announced = core_->publisher->Announce(request->announcement(), state);
    if (!announced.ok()) {
      spdlog::warn("key announcement from {} refused: {}", state, announced.status().ToString());
      reactor->Finish(ToGrpcStatus(announced.status()));
      return;
    }
    *response->mutable_directory() = announced->directory;
    response->set_duplicate(announced->duplicate);
    response->set_audit_index(announced->audit_index);
    reactor->Finish(grpc::Status::OK);
    if (!announced->duplicate) {
      core_->registry.DirectoryChanged(core_->directory->Get()->view.version());
    }
  });
  return reactor;
}

}  // namespace poc
