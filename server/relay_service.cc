#include "server/relay_service.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "common/rpc/grpc_status.h"
#include "server/access_policy.h"
#include "server/drill_service.h"
#include "server/exercise_service.h"
#include "server/relay_session.h"
#include "server/submit_answer.h"

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

// Lines per caller and status code per minute before the rest are only counted.
constexpr int kRefusalLinesPerMinute = 5;

}  // namespace

RelayService::RelayService(RelayCore* core)
    : core_(core), refusal_log_(kRefusalLinesPerMinute, absl::Minutes(1), core->clock) {}

void RelayService::LogRefusedSubmit(const std::string& caller, const absl::Status& status) {
  core_->metrics->submits_rejected[static_cast<size_t>(status.code()) % 17].fetch_add(1);
  const LogThrottle::Verdict verdict =
      refusal_log_.Admit(caller + " " + std::to_string(static_cast<int>(status.code())));
  if (verdict.log) {
    spdlog::warn("submit from {} rejected: {}{}", caller, status.ToString(),
                 LogThrottle::Suffix(verdict));
  }
}

grpc::ServerUnaryReactor* RelayService::Submit(grpc::CallbackServerContext* context,
                                               const grpc::ByteBuffer* raw_request,
                                               grpc::ByteBuffer* raw_response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto state = CallerState(context, Rpc::kSubmit, *core_);
  if (!state.ok()) {
    // The status names the caller's certificate; one throttle key for all such callers.
    LogRefusedSubmit("a caller who may not submit", state.status());
    reactor->Finish(ToGrpcStatus(state.status()));
    return reactor;
  }
  // Before any work on the envelope, so that a flood costs the relay as little as possible.
  if (const absl::Duration wait =
          core_->submit_limiter ? core_->submit_limiter->Take(*state) : absl::ZeroDuration();
      wait > absl::ZeroDuration()) {
    const RateLimiter::Options& rate = core_->submit_limiter->options();
    const absl::Status limited = absl::ResourceExhaustedError(
        *state + " made more Submit calls than the relay takes from one State (" +
        std::to_string(static_cast<int64_t>(rate.rate_per_second)) + " a second, " +
        std::to_string(rate.burst) + " at once); nothing was stored: retry in " +
        absl::FormatDuration(wait));
    LogRefusedSubmit(*state, limited);
    reactor->Finish(ToGrpcStatus(limited));
    return reactor;
  }
  v1::SubmitRequest request;
  grpc::ByteBuffer request_bytes(*raw_request);  // shares the slices; parsing consumes it
  if (!grpc::SerializationTraits<v1::SubmitRequest>::Deserialize(&request_bytes, &request).ok()) {
    const absl::Status bad = absl::InvalidArgumentError(
        "the request is not a poc.v1.SubmitRequest (malformed, or a string field that is not "
        "valid UTF-8)");
    LogRefusedSubmit(*state, bad);
    reactor->Finish(ToGrpcStatus(bad));
    return reactor;
  }
  auto directory = core_->directory->Get();
  auto message = CheckSubmission(request.envelope(), *state, directory->view, core_->limits,
                                 core_->clock->Now());
  if (!message.ok()) {
    LogRefusedSubmit(*state, message.status());
    reactor->Finish(ToGrpcStatus(message.status()));
    return reactor;
  }
  if (IsExerciseAcknowledgement(*message)) {
    if (IsDrillAcknowledgement(core_, *message)) {
      SubmitDrillAcknowledgement(core_, *std::move(message), reactor, raw_response);
      return reactor;
    }
    SubmitExerciseAcknowledgement(core_, *std::move(message), request.envelope(), reactor,
                                  raw_response);
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
      [this, reactor, raw_response, id, sender](absl::StatusOr<SubmitOutcome> out) {
        if (!out.ok()) {
          if (absl::IsResourceExhausted(out.status())) {
            LogRefusedSubmit(sender, out.status());  // a full queue or disk: one per call
          } else {
            spdlog::warn("submit {} from {} failed: {}", id, sender, out.status().ToString());
          }
          reactor->Finish(ToGrpcStatus(out.status()));
          return;
        }
        // The recipients' sessions first: the message is durable, and its delivery need not
        // wait for the submitter's answer and its log line. A live session that has read its
        // queue pushes it at once, without reading it back (README "Performance").
        core_->registry.Offer(out->queued);
        const grpc::Status answered = WriteSubmitAnswer(*out, *core_->metrics, raw_response);
        if (answered.ok()) {
          if (out->duplicate) {
            spdlog::info("submit {} from {}: duplicate, original receipt returned", id, sender);
          } else {
            spdlog::info("stored {} from {} for {} recipient(s)", id, sender,
                         out->recipients.size());
          }
        }
        reactor->Finish(answered);
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
