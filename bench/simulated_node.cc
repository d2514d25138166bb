#include "bench/simulated_node.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "client/pocd/acknowledgement.h"
#include "common/crypto/sha256.h"
#include "common/envelope/relay_envelope.h"
#include "common/envelope/signed.h"
#include "common/tls/credentials.h"
#include "common/util/time_format.h"
#include "poc/v1/message.pb.h"

namespace poc::bench {
namespace {

constexpr auto kSubmitDeadline = std::chrono::seconds(60);

}  // namespace

absl::StatusOr<std::unique_ptr<SimulatedNode>> SimulatedNode::Make(const StateIdentity& identity,
                                                                   const std::string& relay_address,
                                                                   const NodeContext& context) {
  auto creds = MakeChannelCredentials(
      TlsFiles{identity.dir + "/ca.crt", identity.dir + "/node.crt", identity.dir + "/node.key"});
  if (!creds.ok()) return creds.status();
  grpc::ChannelArguments args = RelayChannelArguments("localhost");
  // Each simulated State gets its own connection, as on its own machine: no subchannel sharing.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return std::unique_ptr<SimulatedNode>(
      new SimulatedNode(identity, context, grpc::CreateCustomChannel(relay_address, *creds, args)));
}

SimulatedNode::SimulatedNode(const StateIdentity& identity, const NodeContext& context,
                             std::shared_ptr<grpc::Channel> channel)
    : identity_(identity),
      context_(context),
      channel_(std::move(channel)),
      stub_(v1::Relay::NewStub(channel_)) {}

SimulatedNode::~SimulatedNode() { Disconnect(); }

void SimulatedNode::Post(std::function<void()> fn) {
  ++*context_.pending;
  boost::asio::post(*context_.workers, [fn = std::move(fn), pending = context_.pending] {
    fn();
    --*pending;
  });
}

void SimulatedNode::Connect() {
  session_ = std::make_shared<NodeSession>(this);
  session_->Begin(stub_.get());
}

void SimulatedNode::Disconnect() {
  if (!session_) return;
  session_->Cancel();
  session_->WaitDone();
  session_.reset();
}

void SimulatedNode::Submit(v1::Envelope envelope, SubmitDone done) {
  struct Call {
    grpc::ClientContext context;
    v1::SubmitRequest request;
    v1::SubmitResponse response;
  };
  auto call = std::make_shared<Call>();
  call->context.set_deadline(std::chrono::system_clock::now() + kSubmitDeadline);
  call->context.set_wait_for_ready(true);
  *call->request.mutable_envelope() = std::move(envelope);
  ++*context_.pending;
  stub_->async()->Submit(
      &call->context, &call->request, &call->response,
      [this, call, done = std::move(done)](const grpc::Status& status) {
        Post([this, call, done, status] {
          if (!status.ok()) {
            done(status, 0);
            return;
          }
          // The node checks the relay's receipt, as pocd does.
          v1::SubmitReceipt receipt;
          if (!VerifyStatement(kSubmitReceiptDomain, call->response.receipt(),
                               context_.pki->relay_key())
                   .ok() ||
              !receipt.ParseFromString(call->response.receipt().body())) {
            done(grpc::Status(grpc::StatusCode::DATA_LOSS, "submit receipt does not verify"), 0);
            return;
          }
          done(status, receipt.recipients_size());
        });
        --*context_.pending;
      });
}

void SimulatedNode::SubmitRetrying(const std::shared_ptr<const v1::Envelope>& envelope,
                                   std::function<void(int recipients)> accepted) {
  ++*context_.pending;
  Submit(*envelope,
         [this, envelope, accepted = std::move(accepted)](const grpc::Status& s, int recipients) {
           if (s.ok()) {
             accepted(recipients);
           } else if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
                      s.error_code() == grpc::StatusCode::UNAVAILABLE) {
             context_.tracker->SubmitRetried();
             auto timer = std::make_shared<boost::asio::steady_timer>(
                 *context_.workers, std::chrono::milliseconds(50));
             ++*context_.pending;
             timer->async_wait([this, timer, envelope, accepted](const boost::system::error_code&) {
               SubmitRetrying(envelope, accepted);
               --*context_.pending;
             });
           } else {
             context_.tracker->Error(state() + ": submit failed: " + s.error_message());
           }
           --*context_.pending;
         });
}

void SimulatedNode::HandleDelivery(const std::shared_ptr<NodeSession>& session,
                                   const v1::Delivery& delivery) {
  const v1::Envelope& envelope = delivery.envelope();
  // A State's envelope, verified against the directory's key, or one the relay signed itself
  // (an exercise ping), against the relay's key every node pins.
  v1::Message message;
  bool verified = false;
  if (IsRelaySigned(envelope, context_.pki->relay_key())) {
    absl::StatusOr<VerifiedMessage> from_relay =
        VerifyRelayEnvelope(envelope, context_.pki->relay_key());
    if (from_relay.ok()) {
      message = std::move(from_relay->message);
      verified = true;
    }
  } else if (const StateIdentity* sender = context_.pki->FindState(envelope.key_id())) {
    verified = EnvelopeSignatureValid(envelope, sender->key->public_key()) &&
               message.ParseFromString(envelope.message()) && message.sender() == sender->code;
  }
  if (!verified) {
    context_.tracker->Error(state() + ": delivery #" + std::to_string(delivery.seq()) +
                            " does not verify");
    v1::NodeFrame reject;
    reject.mutable_delivery_reject()->set_seq(delivery.seq());
    reject.mutable_delivery_reject()->set_reason("signature does not verify");
    session->Send(std::move(reject));
    return;
  }
  const absl::Time stored_at = absl::Now();
  std::string hash = Sha256(envelope.message());
  const uint64_t seq = delivery.seq();
  std::shared_ptr<const v1::Message> ping;
  if (message.kind() == v1::MESSAGE_TYPE_EXERCISE_PING &&
      message.exercise().mode() == v1::EXERCISE_MODE_ACKNOWLEDGE) {
    ping = std::make_shared<const v1::Message>(message);
  }
  ++*context_.pending;
  context_.store->StoreMessage(
      state(), message.id(), envelope.SerializeAsString(), absl::ToUnixMillis(stored_at),
      [this, session, seq, id = message.id(), hash = std::move(hash), stored_at,
       ping](const absl::Status& s) {
        if (!s.ok()) {
          context_.tracker->Error(state() + ": cannot store " + id + ": " + s.ToString());
        } else {
          context_.tracker->Stored(id);
          // The receipt is signed only now that the message is on disk.
          Post([this, session, seq, id, hash, stored_at, ping] {
            v1::DeliveryReceipt r;
            r.set_message_id(id);
            r.set_message_hash(hash);
            r.set_recipient(state());
            *r.mutable_stored_at() = ToProto(stored_at);
            v1::NodeFrame ack;
            ack.mutable_delivery_ack()->set_seq(seq);
            *ack.mutable_delivery_ack()->mutable_receipt() =
                SignStatement(kDeliveryReceiptDomain, r.SerializeAsString(), key());
            session->Send(std::move(ack));
            if (ping) AcknowledgePing(*ping);
          });
        }
        --*context_.pending;
      });
}

void SimulatedNode::AcknowledgePing(const v1::Message& ping) {
  const v1::Message ack = MakeAutomaticAcknowledgement(ping, state(), absl::Now());
  SubmitRetrying(std::make_shared<const v1::Envelope>(SignEnvelope(ack.SerializeAsString(), key())),
                 [](int) {});
}

void SimulatedNode::HandleReceiptNotice(const std::shared_ptr<NodeSession>& session,
                                        const v1::ReceiptNotice& notice) {
  const v1::Signed& signed_receipt = notice.receipt();
  const StateIdentity* recipient = context_.pki->FindState(signed_receipt.key_id());
  v1::DeliveryReceipt receipt;
  if (recipient == nullptr ||
      !VerifyStatement(kDeliveryReceiptDomain, signed_receipt, recipient->key->public_key()).ok() ||
      !receipt.ParseFromString(signed_receipt.body()) || receipt.recipient() != recipient->code) {
    context_.tracker->Error(state() + ": receipt notice #" + std::to_string(notice.seq()) +
                            " does not verify");
    return;
  }
  const uint64_t seq = notice.seq();
  ++*context_.pending;
  context_.store->StoreReceipt(
      state(), receipt.message_id(), receipt.recipient(), signed_receipt.SerializeAsString(),
      [this, session, seq](const absl::Status& s) {
        if (!s.ok()) {
          context_.tracker->Error(state() + ": cannot store a receipt: " + s.ToString());
        } else {
          context_.tracker->ReceiptBack();
          v1::NodeFrame ack;
          ack.mutable_notice_ack()->set_seq(seq);
          session->Send(std::move(ack));
        }
        --*context_.pending;
      });
}

void NodeSession::Begin(v1::Relay::Stub* stub) {
  self_ = shared_from_this();
  // 193 handshakes at once on a loaded machine may fail a first connection attempt: wait for
  // the channel, as pocd's reconnect loop would, instead of failing the session at once.
  context_.set_wait_for_ready(true);
  stub->async()->Session(&context_, this);
  AddHold();  // released when the read side ends, so late writes never race OnDone
  v1::NodeFrame hello;
  hello.mutable_hello()->set_software("poc-bench");
  Send(std::move(hello));
  StartRead(&in_);
  StartCall();
}

void NodeSession::Send(v1::NodeFrame frame) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closing_) return;
  out_.push_back(std::move(frame));
  if (!writing_) {
    writing_ = true;
    StartWrite(&out_.front());
  }
}

void NodeSession::OnWriteDone(bool ok) {
  std::lock_guard<std::mutex> lock(mu_);
  out_.pop_front();
  if (!ok || out_.empty()) {
    writing_ = false;
    if (!ok) out_.clear();
    return;
  }
  StartWrite(&out_.front());
}

void NodeSession::OnReadDone(bool ok) {
  if (!ok) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closing_ = true;
    }
    RemoveHold();
    return;
  }
  auto frame = std::make_shared<v1::RelayFrame>(std::move(in_));
  in_.Clear();
  StartRead(&in_);
  std::shared_ptr<NodeSession> self = shared_from_this();
  SimulatedNode* node = node_;
  switch (frame->frame_case()) {
    case v1::RelayFrame::kWelcome:
      node->context_.tracker->Welcome();
      break;
    case v1::RelayFrame::kDelivery:
      node->Post([node, self, frame] { node->HandleDelivery(self, frame->delivery()); });
      break;
    case v1::RelayFrame::kReceiptNotice:
      node->Post([node, self, frame] { node->HandleReceiptNotice(self, frame->receipt_notice()); });
      break;
    default:
      break;
  }
}

void NodeSession::OnDone(const grpc::Status& status) {
  std::shared_ptr<NodeSession> keep = std::move(self_);
  if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
    // Not our Disconnect: the scenario would wait for this node forever; say why.
    node_->context_.tracker->Error(node_->state() + ": session ended: " + status.error_message());
  }
  std::lock_guard<std::mutex> lock(mu_);
  done_ = true;
  cv_.notify_all();
}

void NodeSession::WaitDone() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return done_; });
}

}  // namespace poc::bench
