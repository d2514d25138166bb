#include "client/pocd/relay_link.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <random>

#include "client/pocd/exercise_auto_ack.h"
#include "common/crypto/sha256.h"
#include "common/envelope/envelope_verifier.h"
#include "common/envelope/relay_envelope.h"
#include "common/envelope/signed.h"
#include "common/rpc/deadline.h"
#include "common/util/time_format.h"
#include "poc/v1/message.pb.h"

namespace poc {
namespace {

constexpr absl::Duration kRpcTimeout = absl::Seconds(10);
constexpr absl::Duration kObserverCheckInterval = absl::Minutes(1);
constexpr size_t kKeptOutcomes = 256;  // enough for every operator waiting at once
constexpr absl::Duration kReconnectPoll = absl::Milliseconds(100);

bool IsFinalRejection(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
      return true;
    default:
      return false;
  }
}

// True when `state` is among the recipients as written, is a member of a group they name
// (in this copy of the directory), or they say "all".
bool AddressedTo(const v1::Message& m, const std::string& state, const DirectoryView& directory) {
  for (const auto& r : m.recipients()) {
    if (r == state || r == "all") {
      return true;
    }
    if (r.rfind("group:", 0) != 0) {
      continue;
    }
    const v1::Group* group = directory.FindGroup(r.substr(6));
    if (group != nullptr && std::find(group->members().begin(), group->members().end(), state) !=
                                group->members().end()) {
      return true;
    }
  }
  return false;
}

}  // namespace

RelayLink::RelayLink(Options options, std::shared_ptr<grpc::Channel> channel, NodeStore* store,
                     DirectoryCache* directory, const SigningKeyHolder* signing_key,
                     Ed25519PublicKey relay_key, const Clock* clock)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      stub_(v1::Relay::NewStub(channel_)),
      observers_(v1::Observers::NewStub(channel_)),
      store_(store),
      directory_(directory),
      signing_key_(signing_key),
      relay_key_(std::move(relay_key)),
      clock_(clock) {}

RelayLink::~RelayLink() { Stop(); }

void RelayLink::Start() {
  session_thread_ = std::thread([this] { SessionLoop(); });
  outbox_thread_ = std::thread([this] { OutboxLoop(); });
}

void RelayLink::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    if (session_context_ != nullptr) {
      session_context_->TryCancel();
    }
  }
  cv_.notify_all();
  if (session_thread_.joinable()) {
    session_thread_.join();
  }
  if (outbox_thread_.joinable()) {
    outbox_thread_.join();
  }
}

LinkStatus RelayLink::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

void RelayLink::KickOutbox() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    outbox_kicked_ = true;
  }
  cv_.notify_all();
}

bool RelayLink::SleepUnlessStopping(absl::Duration d) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, absl::ToChronoNanoseconds(d), [this] { return stopping_; });
  return !stopping_;
}

bool RelayLink::AwaitRetry(absl::Duration backoff) {
  // A session refused over a working connection waits out the whole backoff. One that failed
  // because the relay could not be reached is tried again as soon as the channel, which keeps
  // reconnecting with its own backoff (at most 5 s apart), connects: waiting out this loop's
  // doubled backoff on top of the channel's left nodes without a session for 15 s and more
  // while a relay restarted every second served (found by the soak test). GetState(true) also
  // makes an idle channel connect.
  const bool reachable = channel_->GetState(false) == GRPC_CHANNEL_READY;
  const absl::Time until = absl::Now() + backoff;
  for (absl::Time now = absl::Now(); now < until; now = absl::Now()) {
    if (!SleepUnlessStopping(std::min(until - now, kReconnectPoll))) {
      return false;
    }
    if (!reachable && channel_->GetState(true) == GRPC_CHANNEL_READY) {
      return true;
    }
  }
  return true;
}

void RelayLink::SetDisconnected(const std::string& why) {
  std::lock_guard<std::mutex> lock(mu_);
  if (status_.connected) {
    spdlog::warn("disconnected from the relay: {}", why);
  }
  status_.connected = false;
  status_.last_error = why;
}

absl::Status RelayLink::RefreshDirectory() {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kRpcTimeout);
  v1::GetDirectoryResponse response;
  grpc::Status s = stub_->GetDirectory(&ctx, v1::GetDirectoryRequest(), &response);
  if (!s.ok()) {
    return absl::UnavailableError("cannot fetch the directory: " + s.error_message());
  }
  absl::Status adopted = directory_->Adopt(response.directory());
  if (adopted.ok()) {
    spdlog::info("directory version {} adopted", directory_->version());
  } else {
    spdlog::error("directory from the relay refused: {}", adopted.ToString());
  }
  return adopted;
}

absl::StatusOr<v1::AnnounceKeyResponse> RelayLink::AnnounceKey(const v1::Signed& announcement,
                                                               absl::Duration timeout) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, timeout);
  v1::AnnounceKeyRequest request;
  *request.mutable_announcement() = announcement;
  v1::AnnounceKeyResponse response;
  grpc::Status s = stub_->AnnounceKey(&ctx, request, &response);
  if (!s.ok()) {
    if (s.error_code() == grpc::StatusCode::UNAVAILABLE ||
        s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      return absl::UnavailableError("the relay is unreachable (" + s.error_message() +
                                    "); nothing changed, announce again once it answers");
    }
    return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                        "the relay refused the key announcement: " + s.error_message());
  }
  if (absl::Status adopted = directory_->Adopt(response.directory()); !adopted.ok()) {
    return absl::Status(adopted.code(),
                        "the relay accepted the key announcement, but its directory "
                        "does not verify: " +
                            std::string(adopted.message()));
  }
  return response;
}

void RelayLink::SessionLoop() {
  absl::Duration backoff = absl::Milliseconds(200);
  std::mt19937 rng(std::random_device{}());
  while (true) {
    grpc::ClientContext ctx;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) {
        return;
      }
      session_context_ = &ctx;
    }
    auto stream = stub_->Session(&ctx);
    v1::NodeFrame hello;
    hello.mutable_hello()->set_software(options_.software);
    stream->Write(hello);
    v1::RelayFrame frame;
    bool keep = true;
    while (keep && stream->Read(&frame)) {
      switch (frame.frame_case()) {
        case v1::RelayFrame::kWelcome: {
          if (frame.welcome().state() != options_.state) {
            spdlog::error("relay says this node is {}, configured as {}", frame.welcome().state(),
                          options_.state);
          }
          {
            std::lock_guard<std::mutex> lock(mu_);
            status_.connected = true;
            status_.connected_since = clock_->Now();
            status_.last_error.clear();
            observers_due_ = true;
          }
          spdlog::info("connected to the relay; {} item(s) waiting", frame.welcome().queued());
          backoff = absl::Milliseconds(200);
          if (frame.welcome().directory_version() != directory_->version()) {
            (void)RefreshDirectory();
          }
          KickOutbox();  // the outbox thread also looks for observer proposals
          break;
        }
        case v1::RelayFrame::kDirectoryChanged:
          if (frame.directory_changed().version() != directory_->version()) {
            spdlog::info("the relay now serves directory version {}",
                         frame.directory_changed().version());
            (void)RefreshDirectory();
          }
          break;
        case v1::RelayFrame::kDelivery: {
          v1::NodeFrame answer;
          keep = HandleDelivery(frame.delivery(), &answer);
          if (keep) {
            keep = stream->Write(answer);
          }
          break;
        }
        case v1::RelayFrame::kReceiptNotice: {
          HandleReceiptNotice(frame.receipt_notice());
          v1::NodeFrame answer;
          answer.mutable_notice_ack()->set_seq(frame.receipt_notice().seq());
          keep = stream->Write(answer);
          break;
        }
        default:
          break;
      }
    }
    if (!keep) {
      ctx.TryCancel();
    }
    grpc::Status status = stream->Finish();
    {
      std::lock_guard<std::mutex> lock(mu_);
      session_context_ = nullptr;
    }
    SetDisconnected(status.ok() ? "the relay closed the session"
                                : status.error_message() + " (" +
                                      std::to_string(status.error_code()) + ")");
    std::uniform_int_distribution<int64_t> jitter(0, absl::ToInt64Milliseconds(backoff) / 2);
    if (!AwaitRetry(backoff + absl::Milliseconds(jitter(rng)))) {
      return;
    }
    backoff = std::min(backoff * 2, absl::Seconds(10));
  }
}

bool RelayLink::HandleDelivery(const v1::Delivery& delivery, v1::NodeFrame* answer) {
  auto directory = directory_->Get();
  if (!directory) {
    if (!RefreshDirectory().ok()) {
      return false;  // cannot verify yet; the item stays queued
    }
    directory = directory_->Get();
  }
  const v1::Envelope& envelope = delivery.envelope();
  // Exercise pings are signed by the relay itself, with the key this node pins.
  const bool from_relay = IsRelaySigned(envelope, relay_key_);
  auto verified =
      from_relay ? VerifyRelayEnvelope(envelope, relay_key_) : VerifyEnvelope(envelope, *directory);
  if (!from_relay && !verified.ok() && directory->FindKey(envelope.key_id()) == nullptr &&
      RefreshDirectory().ok()) {
    directory = directory_->Get();
    verified = VerifyEnvelope(envelope, *directory);  // the key may be newer than our copy
  }
  auto reject = [&](const std::string& reason) {
    spdlog::error("refusing delivery #{}: {}", delivery.seq(), reason);
    answer->mutable_delivery_reject()->set_seq(delivery.seq());
    answer->mutable_delivery_reject()->set_reason(reason);
    return true;
  };
  if (!verified.ok()) {
    return reject(std::string(verified.status().message()));
  }
  const v1::Message& message = verified->message;
  bool addressed = AddressedTo(message, options_.state, *directory);
  if (!addressed && RefreshDirectory().ok()) {  // a group may have grown since our copy
    addressed = AddressedTo(message, options_.state, *directory_->Get());
  }
  if (!addressed) {
    return reject("message " + message.id() + " is not addressed to " + options_.state);
  }
  bool fresh = false;  // stored now, not a redelivery
  auto receipt = store_->StoreIncoming(
      envelope, message, verified->message_hash, clock_->Now(), [&](absl::Time stored_at) {
        fresh = true;
        v1::DeliveryReceipt r;
        r.set_message_id(message.id());
        r.set_message_hash(verified->message_hash);
        r.set_recipient(options_.state);
        *r.mutable_stored_at() = ToProto(stored_at);
        return SignStatement(kDeliveryReceiptDomain, r.SerializeAsString(), *signing_key_->Get())
            .SerializeAsString();
      });
  if (!receipt.ok()) {
    if (absl::IsAlreadyExists(receipt.status())) {
      return reject(std::string(receipt.status().message()));
    }
    spdlog::error("cannot store message {}: {}", message.id(), receipt.status().ToString());
    return false;  // not stored: no receipt; the relay keeps it queued
  }
  if (options_.exit_before_receipt) {
    spdlog::warn("test seam: exiting after storing {} and before sending its receipt",
                 message.id());
    ::_exit(86);
  }
  spdlog::info("received {} from {} ({}){}", message.id(), message.sender(),
               v1::MessageType_Name(message.kind()), message.drill() ? " [DRILL]" : "");
  if (fresh && options_.hook != nullptr) {
    options_.hook->Post(
        HookMessageJson(HookEventFor(message), message, options_.state, clock_->Now()));
  }
  if (options_.exercise_auto_ack) {
    absl::StatusOr<bool> acked = AutoAcknowledgeExercisePing(message, options_.state, store_,
                                                             *signing_key_->Get(), clock_->Now());
    if (!acked.ok()) {
      spdlog::error("cannot acknowledge exercise ping {} automatically: {}", message.id(),
                    acked.status().ToString());
    } else if (*acked) {
      spdlog::info("acknowledged exercise ping {} automatically (exercise_auto_ack)", message.id());
      KickOutbox();
    }
  }
  v1::DeliveryAck* ack = answer->mutable_delivery_ack();
  ack->set_seq(delivery.seq());
  ack->mutable_receipt()->ParseFromString(*receipt);
  return true;
}

void RelayLink::HandleReceiptNotice(const v1::ReceiptNotice& notice) {
  auto directory = directory_->Get();
  const v1::Signed& signed_receipt = notice.receipt();
  v1::DeliveryReceipt receipt;
  const KeyEntry* key = directory ? directory->FindKey(signed_receipt.key_id()) : nullptr;
  if (key == nullptr) {
    (void)RefreshDirectory();
    directory = directory_->Get();
    key = directory ? directory->FindKey(signed_receipt.key_id()) : nullptr;
  }
  if (key == nullptr || !VerifyStatement(kDeliveryReceiptDomain, signed_receipt, key->key).ok() ||
      !receipt.ParseFromString(signed_receipt.body()) || receipt.recipient() != key->state) {
    spdlog::error("relay forwarded a delivery receipt (#{}) that does not verify; ignored",
                  notice.seq());
    return;
  }
  if (absl::Status s = store_->StoreDeliveryReceipt(receipt, signed_receipt.SerializeAsString());
      !s.ok()) {
    spdlog::error("cannot store delivery receipt: {}", s.ToString());
    return;
  }
  spdlog::info("{} confirmed delivery of {}", receipt.recipient(), receipt.message_id());
}

v1::SendResponse RelayLink::Submit(const std::string& id, const v1::Envelope& envelope,
                                   absl::Duration timeout) {
  v1::SendResponse out;
  out.set_message_id(id);
  grpc::ClientContext ctx;
  SetDeadline(&ctx, timeout);
  v1::SubmitRequest request;
  *request.mutable_envelope() = envelope;
  v1::SubmitResponse response;
  grpc::Status s = stub_->Submit(&ctx, request, &response);
  if (!s.ok()) {
    if (IsFinalRejection(s.error_code())) {
      spdlog::warn("relay rejected {}: {}", id, s.error_message());
      (void)store_->MarkRejected(id, s.error_message());
      out.set_state(v1::OUTBOX_STATE_REJECTED);
    } else {
      // RESOURCE_EXHAUSTED: the relay's per-State limits (or a full disk); retried like an outage.
      const char* why = s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED
                            ? "relay busy, retrying: "
                            : "relay unreachable: ";
      (void)store_->NoteQueuedError(id, why + s.error_message());
      out.set_state(v1::OUTBOX_STATE_QUEUED);
    }
    out.set_error(s.error_message());
    return out;
  }
  v1::SubmitReceipt receipt;
  const std::string hash = Sha256(envelope.message());
  if (!VerifyStatement(kSubmitReceiptDomain, response.receipt(), relay_key_).ok() ||
      !receipt.ParseFromString(response.receipt().body()) || receipt.message_id() != id ||
      receipt.message_hash() != hash) {
    const std::string why = "the relay's receipt for " + id + " does not verify";
    spdlog::error("{}", why);
    (void)store_->NoteQueuedError(id, why);
    out.set_state(v1::OUTBOX_STATE_QUEUED);
    out.set_error(why);
    return out;
  }
  std::vector<std::string> recipients(receipt.recipients().begin(), receipt.recipients().end());
  if (absl::Status st = store_->MarkSubmitted(id, response.receipt().SerializeAsString(),
                                              receipt.audit_index(), recipients);
      !st.ok()) {
    spdlog::error("cannot record the receipt of {}: {}", id, st.ToString());
  }
  spdlog::info("relay accepted {} (audit #{})", id, receipt.audit_index());
  out.set_state(v1::OUTBOX_STATE_SUBMITTED);
  out.set_audit_index(receipt.audit_index());
  for (const auto& r : recipients) {
    out.add_recipients(r);
  }
  return out;
}

grpc::Status RelayLink::ListObservers(v1::ListObserversResponse* response) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kRpcTimeout);
  return observers_->ListObservers(&ctx, v1::ListObserversRequest(), response);
}

grpc::Status RelayLink::ObjectToObserver(const v1::Signed& objection,
                                         v1::ObjectToObserverResponse* response) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kRpcTimeout);
  v1::ObjectToObserverRequest request;
  *request.mutable_objection() = objection;
  return observers_->ObjectToObserver(&ctx, request, response);
}

void RelayLink::CheckObserverProposals() {
  v1::ListObserversResponse list;
  if (grpc::Status s = ListObservers(&list); !s.ok()) {
    spdlog::debug("cannot list observer proposals: {}", s.error_message());
    return;
  }
  observers_checked_ = clock_->Now();
  for (const v1::ObserverRecord& r : list.records()) {
    const v1::ObserverProposal& p = r.proposal();
    if (r.status() != v1::OBSERVER_STATUS_PENDING) {
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!proposals_seen_.insert(p.id()).second) {
        continue;
      }
    }
    const std::string ends = FormatUtc(FromProto(p.silence_ends_at()));
    spdlog::warn(
        "observer accreditation proposed by the Secretariat: {} ({}, {}), purpose: {}; it takes "
        "effect at {} unless a State objects; to object, run `pocctl observer object {} --reason "
        "...` before {}",
        p.slug(), p.organization(), v1::ObserverKind_Name(p.kind()), p.purpose(), ends, p.id(),
        ends);
  }
}

void RelayLink::RecordOutcome(const v1::SendResponse& outcome) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (outcomes_.count(outcome.message_id()) == 0) {
      outcome_order_.push_back(outcome.message_id());
    }
    outcomes_[outcome.message_id()] = outcome;
    while (outcome_order_.size() > kKeptOutcomes) {
      outcomes_.erase(outcome_order_.front());
      outcome_order_.pop_front();
    }
  }
  cv_.notify_all();
}

v1::SendResponse RelayLink::SubmitInOrder(const std::string& id, absl::Duration timeout) {
  v1::SendResponse out;
  out.set_message_id(id);
  out.set_state(v1::OUTBOX_STATE_QUEUED);
  size_t ahead = 0;
  if (auto queued = store_->QueuedOutbox(); queued.ok()) {
    const auto self = std::find_if(queued->begin(), queued->end(),
                                   [&id](const OutboxEntry& e) { return e.id == id; });
    if (self != queued->end()) {
      ahead = static_cast<size_t>(self - queued->begin());
    }
  }
  std::unique_lock<std::mutex> lock(mu_);
  outbox_kicked_ = true;
  cv_.notify_all();
  if (ahead > 0) {
    out.set_error("queued behind " + std::to_string(ahead) +
                  " older message(s) in the outbox; they reach the relay first, then this one");
    return out;
  }
  cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
               [&] { return stopping_ || outcomes_.count(id) > 0; });
  if (auto it = outcomes_.find(id); it != outcomes_.end()) {
    return it->second;
  }
  out.set_error("the relay has not answered within " + absl::FormatDuration(timeout) +
                "; the message stays in the outbox and is submitted as soon as it answers");
  return out;
}

void RelayLink::OutboxLoop() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(5), [this] { return stopping_ || outbox_kicked_; });
      if (stopping_) {
        return;
      }
      outbox_kicked_ = false;
    }
    // Proposals reach every State this way: asked for on each new session (which kicks this
    // loop) and every minute while connected, so a node that was offline learns of them when
    // it is back. The relay keeps them durably until decided.
    bool observers_due = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      observers_due = status_.connected && (observers_due_ || clock_->Now() - observers_checked_ >=
                                                                  kObserverCheckInterval);
      observers_due_ = false;
    }
    if (observers_due) {
      CheckObserverProposals();
    }
    auto queued = store_->QueuedOutbox();
    if (!queued.ok()) {
      spdlog::error("reading the outbox: {}", queued.status().ToString());
      continue;
    }
    // Oldest first, and none past one still queued: the relay takes them in written order.
    for (size_t i = 0; i < queued->size(); ++i) {
      const v1::SendResponse r = Submit((*queued)[i].id, (*queued)[i].envelope, kRpcTimeout);
      RecordOutcome(r);
      if (r.state() != v1::OUTBOX_STATE_QUEUED) {
        continue;
      }
      for (size_t j = i + 1; j < queued->size(); ++j) {  // relay unreachable: try later
        v1::SendResponse behind;
        behind.set_message_id((*queued)[j].id);
        behind.set_state(v1::OUTBOX_STATE_QUEUED);
        behind.set_error("queued behind " + (*queued)[i].id + ": " + r.error());
        RecordOutcome(behind);
      }
      break;
    }
  }
}

}  // namespace poc
