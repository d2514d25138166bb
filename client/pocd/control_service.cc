#include "client/pocd/control_service.h"

#include <spdlog/spdlog.h>

#include "client/pocd/acknowledgement.h"
#include "client/pocd/key_file_switch.h"
#include "common/crypto/key_files.h"
#include "common/directory/key_rotation.h"
#include "common/envelope/observer_objection.h"
#include "common/envelope/signed.h"
#include "common/rpc/grpc_status.h"
#include "common/template/validation.h"
#include "common/util/time_format.h"
#include "common/util/uuid_v7.h"

namespace poc {
namespace {

constexpr absl::Duration kSubmitTimeout = absl::Seconds(5);
constexpr int kDefaultListLimit = 50;
constexpr absl::Duration kAnnounceTimeout = absl::Seconds(10);

// True when `directory` lists `key_id` as `state`'s ACTIVE key: the relay has its announcement.
bool IsActiveKeyOf(const DirectoryView* directory, const std::string& state,
                   const std::string& key_id) {
  const KeyEntry* key = directory != nullptr ? directory->FindKey(key_id) : nullptr;
  return key != nullptr && key->state == state && key->status == v1::KEY_STATUS_ACTIVE;
}

}  // namespace

ControlService::ControlService(Identity identity, NodeStore* store, RelayLink* link,
                               DirectoryCache* directory, SigningKeyHolder* signing_key,
                               const Clock* clock)
    : identity_(std::move(identity)),
      store_(store),
      link_(link),
      directory_(directory),
      signing_key_(signing_key),
      clock_(clock) {}

grpc::Status ControlService::SignStoreSubmit(
    v1::Message message, v1::SendResponse* response,
    const std::function<absl::Status(const std::string& id)>& before_submit) {
  const absl::Time now = clock_->Now();
  message.set_id(NewUuidV7(now));
  message.set_sender(identity_.state);
  *message.mutable_created_at() = ToProto(now);
  if (absl::Status s = ValidateMessage(message, ValidationLimits{}); !s.ok()) {
    return ToGrpcStatus(s);
  }
  const v1::Envelope envelope = SignEnvelope(message.SerializeAsString(), *signing_key_->Get());
  if (absl::Status s = store_->AddOutgoing(message, envelope); !s.ok()) {
    spdlog::error("cannot store outgoing {}: {}", message.id(), s.ToString());
    return ToGrpcStatus(s);
  }
  if (before_submit) {
    if (absl::Status s = before_submit(message.id()); !s.ok()) {
      return ToGrpcStatus(s);
    }
  }
  spdlog::info("signed {} ({}) to {}", message.id(), v1::MessageType_Name(message.kind()),
               message.recipients_size() == 1
                   ? message.recipients(0)
                   : std::to_string(message.recipients_size()) + " recipients");
  *response = link_->SubmitInOrder(message.id(), kSubmitTimeout);
  return grpc::Status::OK;
}

grpc::Status ControlService::Send(grpc::ServerContext*, const v1::SendRequest* request,
                                  v1::SendResponse* response) {
  if (request->kind() == v1::MESSAGE_TYPE_RESPONSE ||
      request->kind() == v1::MESSAGE_TYPE_ACKNOWLEDGEMENT) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "kind: responses and acknowledgements answer a received message; use "
                        "`pocctl reply ID` or `pocctl ack ID`");
  }
  v1::Message message;
  *message.mutable_recipients() = request->recipients();
  message.set_kind(request->kind());
  *message.mutable_template_() = request->template_();
  message.set_drill(request->drill());
  return SignStoreSubmit(std::move(message), response);
}

absl::StatusOr<v1::ShowResponse> ControlService::Incoming(const std::string& id) {
  auto shown = store_->Show(id);
  if (!shown.ok()) {
    return shown.status();
  }
  if (shown->message().sender() == identity_.state) {
    return absl::FailedPreconditionError("message " + id +
                                         " was sent by this node; only received messages can "
                                         "be answered or acknowledged");
  }
  return shown;
}

grpc::Status ControlService::Reply(grpc::ServerContext*, const v1::ReplyRequest* request,
                                   v1::SendResponse* response) {
  auto original = Incoming(request->message_id());
  if (!original.ok()) {
    return ToGrpcStatus(original.status());
  }
  if (original->message().kind() == v1::MESSAGE_TYPE_EXERCISE_PING) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "message " + original->message().id() +
                            " is an exercise ping; answer it with `pocctl ack`, not a reply");
  }
  v1::Message message;
  message.add_recipients(original->message().sender());
  message.set_kind(v1::MESSAGE_TYPE_RESPONSE);
  message.set_in_reply_to(original->message().id());
  message.set_drill(original->message().drill());
  *message.mutable_template_() = request->template_();
  return SignStoreSubmit(std::move(message), response);
}

grpc::Status ControlService::Ack(grpc::ServerContext*, const v1::AckRequest* request,
                                 v1::SendResponse* response) {
  auto original = Incoming(request->message_id());
  if (!original.ok()) {
    return ToGrpcStatus(original.status());
  }
  const v1::Message& m = original->message();
  if (m.kind() == v1::MESSAGE_TYPE_ACKNOWLEDGEMENT || m.kind() == v1::MESSAGE_TYPE_RESPONSE) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "message " + m.id() + " is itself an answer; it needs no acknowledgement");
  }
  if (IsSet(original->summary().acknowledged_at())) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "message " + m.id() + " was already acknowledged at " +
                            FormatUtc(FromProto(original->summary().acknowledged_at())));
  }
  v1::Message ack = MakeAcknowledgement(m, request->note());
  const absl::Time now = clock_->Now();
  return SignStoreSubmit(std::move(ack), response, [&](const std::string& ack_id) {
    return store_->MarkAcknowledged(m.id(), ack_id, now);
  });
}

grpc::Status ControlService::List(grpc::ServerContext*, const v1::ListRequest* request,
                                  v1::ListResponse* response) {
  const int limit = request->limit() == 0 ? kDefaultListLimit : static_cast<int>(request->limit());
  auto list = store_->List(request->folder(), request->unacknowledged_only(), limit);
  if (!list.ok()) {
    return ToGrpcStatus(list.status());
  }
  for (auto& s : *list) {
    *response->add_messages() = std::move(s);
  }
  return grpc::Status::OK;
}

grpc::Status ControlService::Show(grpc::ServerContext*, const v1::ShowRequest* request,
                                  v1::ShowResponse* response) {
  auto shown = store_->Show(request->message_id());
  if (!shown.ok()) {
    return ToGrpcStatus(shown.status());
  }
  *response = *std::move(shown);
  return grpc::Status::OK;
}

grpc::Status ControlService::GetDirectory(grpc::ServerContext*, const v1::NodeDirectoryRequest*,
                                          v1::NodeDirectoryResponse* response) {
  auto directory = directory_->Get();
  if (!directory) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "the node has no directory yet: it gets one from the relay on its first "
                        "connection; check `pocctl status`");
  }
  *response->mutable_directory() = directory->proto();
  return grpc::Status::OK;
}

namespace {

// The relay's refusals are written for operators; a relay that cannot be reached gets advice.
grpc::Status RelayAnswer(const grpc::Status& s, const std::string& relay, const std::string& what) {
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE ||
      s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "cannot reach the relay at " + relay + " (" +
                                                           s.error_message() + "); " + what +
                                                           "; check `pocctl status` and try again");
  }
  return s;
}

}  // namespace

grpc::Status ControlService::ListObservers(grpc::ServerContext*, const v1::ListObserversRequest*,
                                           v1::ListObserversResponse* response) {
  return RelayAnswer(link_->ListObservers(response), identity_.relay,
                     "observer proposals are listed live from the relay");
}

grpc::Status ControlService::ObjectToObserver(grpc::ServerContext*,
                                              const v1::NodeObjectionRequest* request,
                                              v1::ObjectToObserverResponse* response) {
  if (request->proposal_id().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "proposal_id: required; `pocctl observer list` shows the proposals");
  }
  v1::ObserverObjection objection;
  objection.set_proposal_id(request->proposal_id());
  objection.set_state(identity_.state);
  objection.set_reason(request->reason());
  *objection.mutable_objected_at() = ToProto(clock_->Now());
  const v1::Signed signed_objection =
      SignStatement(kObserverObjectionDomain, objection.SerializeAsString(), *signing_key_->Get());
  grpc::Status s = link_->ObjectToObserver(signed_objection, response);
  if (!s.ok()) {
    spdlog::warn("objection to observer proposal {} not accepted: {}", request->proposal_id(),
                 s.error_message());
    return RelayAnswer(s, identity_.relay, "the objection was not sent");
  }
  spdlog::warn("{} objected to observer proposal {} ({}){}", identity_.state,
               request->proposal_id(), response->record().proposal().slug(),
               response->duplicate() ? ": it had objected before, nothing changed" : "");
  return grpc::Status::OK;
}

grpc::Status ControlService::Status(grpc::ServerContext*, const v1::StatusRequest*,
                                    v1::StatusResponse* response) {
  const LinkStatus link = link_->status();
  response->set_state(identity_.state);
  response->set_relay(identity_.relay);
  response->set_connected(link.connected);
  if (link.connected) {
    *response->mutable_connected_since() = ToProto(link.connected_since);
  }
  response->set_last_error(link.last_error);
  response->set_directory_version(directory_->version());
  auto counts = store_->CountMessages();
  if (!counts.ok()) {
    return ToGrpcStatus(counts.status());
  }
  response->set_outbox_queued(counts->outbox_queued);
  response->set_inbox_unacknowledged(counts->inbox_unacknowledged);
  response->set_inbox_total(counts->inbox_total);
  response->set_signing_key_id(signing_key_->Get()->public_key().key_id());
  response->set_software(identity_.software);
  v1::WitnessStatus* witness = response->mutable_witness();
  auto last = store_->LatestWitnessed();
  if (!last.ok()) {
    return ToGrpcStatus(last.status());
  }
  if (*last) {
    witness->set_checkpoint_size((*last)->size);
    *witness->mutable_verified_at() = ToProto((*last)->verified_at);
  }
  auto included = store_->CountInclusions("verified");
  if (!included.ok()) {
    return ToGrpcStatus(included.status());
  }
  witness->set_inclusions_verified(static_cast<uint32_t>(*included));
  auto alarms = store_->Alarms();
  if (!alarms.ok()) {
    return ToGrpcStatus(alarms.status());
  }
  for (const WitnessAlarm& a : *alarms) {
    v1::WitnessAlarm* out = witness->add_alarms();
    out->set_kind(a.kind);
    out->set_detail(a.detail);
    out->set_evidence(a.evidence);
    *out->mutable_raised_at() = ToProto(a.raised_at);
  }
  return grpc::Status::OK;
}

grpc::Status ControlService::AnnounceKey(grpc::ServerContext*,
                                         const v1::NodeAnnounceKeyRequest* request,
                                         v1::NodeAnnounceKeyResponse* response) {
  std::lock_guard<std::mutex> lock(rotation_mu_);
  if (request->key_file().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "no key file given; make one with `poc-pki signing-key --out DIR --name "
                        "next --state " +
                            identity_.state + "` and pass DIR/next.key");
  }
  absl::StatusOr<Ed25519PrivateKey> next = LoadPrivateKeyFile(request->key_file());
  if (!next.ok()) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "cannot use the new key: " + std::string(next.status().message()));
  }
  const std::shared_ptr<const Ed25519PrivateKey> current = signing_key_->Get();
  const std::string next_id = next->public_key().key_id();
  const std::string current_id = current->public_key().key_id();
  if (next_id == current_id) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "key " + next_id + " in " + request->key_file() +
                            " is already the key this node signs with; make a new one with "
                            "`poc-pki signing-key`");
  }
  response->set_state(identity_.state);
  response->set_key_id(next_id);
  response->set_previous_key_id(current_id);
  // A retry after the relay accepted the announcement but before this node switched keys (a
  // crash, a lost answer): the relay's directory already has the new key as ours.
  (void)link_->RefreshDirectory();
  auto directory = directory_->Get();
  if (IsActiveKeyOf(directory.get(), identity_.state, next_id)) {
    response->set_already_announced(true);
    spdlog::info("key {} is already {}'s active key at the relay; switching to it", next_id,
                 identity_.state);
  } else {
    const v1::Signed announcement =
        MakeKeyAnnouncement(identity_.state, *current, *next, clock_->Now());
    absl::StatusOr<v1::AnnounceKeyResponse> answer =
        link_->AnnounceKey(announcement, kAnnounceTimeout);
    if (!answer.ok()) {
      spdlog::warn("announcing key {}: {}", next_id, answer.status().ToString());
      return ToGrpcStatus(answer.status());
    }
    response->set_already_announced(answer->duplicate());
    directory = directory_->Get();
    if (!IsActiveKeyOf(directory.get(), identity_.state, next_id)) {
      return grpc::Status(grpc::StatusCode::INTERNAL,
                          "the relay accepted the announcement of key " + next_id +
                              " but its directory does not list it as active; the node keeps "
                              "signing with key " +
                              current_id + "; check the relay's log");
    }
  }
  if (const KeyEntry* key = directory->FindKey(next_id);
      key != nullptr && key->valid_from != absl::InfinitePast()) {
    *response->mutable_announced_at() = ToProto(key->valid_from);
  }
  if (const KeyEntry* old = directory->FindKey(current_id);
      old != nullptr && old->valid_until != absl::InfiniteFuture()) {
    *response->mutable_previous_valid_until() = ToProto(old->valid_until);
  }
  response->set_directory_version(directory->version());
  absl::StatusOr<std::string> retired =
      SwitchSigningKeyFile(identity_.signing_key_file, *current, *next);
  // Sign with the new key from now on even if the file could not be rewritten: the relay
  // already serves it, and the old one stops working after the overlap.
  signing_key_->Set(*std::move(next));
  if (!retired.ok()) {
    spdlog::error("signing with key {} now, but {}", next_id, retired.status().ToString());
    return grpc::Status(grpc::StatusCode::INTERNAL,
                        "the relay accepted key " + next_id +
                            " and this node signs with it now, but the key file could not be "
                            "replaced (" +
                            std::string(retired.status().message()) + "); copy " +
                            request->key_file() + " over " + identity_.signing_key_file +
                            " before pocd restarts");
  }
  response->set_signing_key_file(identity_.signing_key_file);
  response->set_retired_key_file(*retired);
  spdlog::info("signing key rotated: {} -> {} (previous key kept in {})", current_id, next_id,
               *retired);
  return grpc::Status::OK;
}

}  // namespace poc
