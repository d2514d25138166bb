#include "server/relay_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cstdlib>
#include <thread>

#include "absl/strings/numbers.h"
#include "common/crypto/sha256.h"
#include "common/envelope/signed.h"
#include "common/rpc/grpc_status.h"
#include "common/util/time_format.h"
#include "poc/v1/message.pb.h"
#include "server/offer_decision.h"

namespace poc {
namespace {

// Test seam (tests/integration/session_opening_test.cc): with
// POC_TEST_SESSION_REGISTER_DELAY_MS=<ms> a new session, once its first queue read is done,
// waits that long before it registers to be woken, which widens the window a message committed
// meanwhile falls into.
absl::Duration TestRegisterDelay() {
  static const absl::Duration delay = [] {
    const char* text = std::getenv("POC_TEST_SESSION_REGISTER_DELAY_MS");
    int ms = 0;
    return text != nullptr && absl::SimpleAtoi(text, &ms) && ms > 0 ? absl::Milliseconds(ms)
                                                                    : absl::ZeroDuration();
  }();
  return delay;
}

}  // namespace

RelaySession::RelaySession(RelayCore* core, std::string state, std::string certificate_serial)
    : core_(core), state_(std::move(state)), serial_(std::move(certificate_serial)) {
  v1::RelayFrame welcome;
  welcome.mutable_welcome()->set_state(state_);
  welcome.mutable_welcome()->set_directory_version(core_->directory->Get()->view.version());
  welcome.mutable_welcome()->set_queued(core_->store->QueuedCount(state_).value_or(0));
  spdlog::info("session opened: {} ({} queued)", state_, welcome.welcome().queued());
  core_->metrics->sessions_opened.fetch_add(1);
  core_->metrics->sessions_open.fetch_add(1);
  {
    std::lock_guard<std::mutex> lock(mu_);
    QueueLocked(std::move(welcome));
    WriteNextLocked();
    FetchLocked();
  }
  StartRead(&in_);
  if (const absl::Duration delay = TestRegisterDelay(); delay > absl::ZeroDuration()) {
    for (bool fetching = true; fetching;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      std::lock_guard<std::mutex> lock(mu_);
      fetching = fetching_;
    }
    spdlog::warn("test seam: the session of {} read its queue and registers in {}", state_,
                 absl::FormatDuration(delay));
    std::this_thread::sleep_for(absl::ToChronoNanoseconds(delay));
  }
  core_->registry.Register(state_, this, serial_);
  // The first fetch may have read the queue just before a message to this State was committed,
  // whose wake-up then found no session registered: without looking again, that message waited
  // for the next one to this State, however long that took.
  Wake();
}

void RelaySession::Wake() {
  std::lock_guard<std::mutex> lock(mu_);
  backlog_ = true;
  FetchLocked();
}

void RelaySession::Offer(const QueueItem& item) {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) {
    return;
  }
  switch (DecideOffer(item.seq, item.prev_seq, cursor_, fetching_, HasRoomLocked())) {
    case OfferAction::kSkip:
      return;
    case OfferAction::kRead:
      backlog_ = true;
      FetchLocked();
      return;
    case OfferAction::kPush:
      PushLocked(item);
      WriteNextLocked();
      return;
  }
}

bool RelaySession::HasRoomLocked() const {
  return pushed_.size() < kWindow && out_.size() < kWriteAheadFrames &&
         out_bytes_ < kWriteAheadBytes;
}

void RelaySession::Close(int status_code, const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  spdlog::info("closing the session of {}: {}", state_, reason);
  FinishLocked(grpc::Status(static_cast<grpc::StatusCode>(status_code), reason));
}

void RelaySession::DirectoryChanged(uint64_t version) {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) {
    return;
  }
  // One notice waiting to be written is enough, however many changes a slow reader misses: it
  // fetches the newest directory anyway.
  for (size_t i = writing_ ? 1 : 0; i < out_.size(); ++i) {
    if (out_[i].frame.has_directory_changed()) {
      v1::DirectoryChanged* waiting = out_[i].frame.mutable_directory_changed();
      waiting->set_version(std::max(waiting->version(), version));
      return;
    }
  }
  v1::RelayFrame frame;
  frame.mutable_directory_changed()->set_version(version);
  QueueLocked(std::move(frame));
  WriteNextLocked();
}

void RelaySession::QueueLocked(v1::RelayFrame frame) {
  const size_t bytes = frame.ByteSizeLong();
  out_bytes_ += bytes;
  out_.push_back(Outgoing{std::move(frame), bytes});
}

void RelaySession::FetchLocked() {
  if (finished_ || !backlog_) {
    return;
  }
  if (fetching_) {
    refetch_ = true;
    return;
  }
  // Full: an answer (window) or a finished write (a node that does not read gets no more)
  // calls FetchLocked again.
  if (!HasRoomLocked()) {
    return;
  }
  // As many as fit the byte bound even if each is of the largest size accepted (at least one).
  const size_t largest = static_cast<size_t>(core_->limits.max_message_bytes) + 1024;
  const size_t fit = std::max<size_t>(1, (kWriteAheadBytes - out_bytes_) / largest);
  fetching_ = true;
  refetch_ = false;
  const size_t want = std::min<size_t>(
      {kWindow - pushed_.size(), kWriteAheadFrames - out_.size(), fit, size_t{64}});
  const uint64_t after = cursor_;
  ++outstanding_;
  boost::asio::post(core_->readers, [this, after, want] {
    FetchDone(core_->store->FetchQueue(state_, after, static_cast<int>(want)), want);
  });
}

void RelaySession::FetchDone(absl::StatusOr<std::vector<QueueItem>> items, size_t asked) {
  std::unique_lock<std::mutex> lock(mu_);
  fetching_ = false;
  if (done_) {
    Release(&lock);
    return;
  }
  --outstanding_;
  if (!items.ok()) {
    spdlog::error("reading the queue of {} failed: {}", state_, items.status().ToString());
    FinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE, "relay store unavailable"));
    return;
  }
  for (const QueueItem& item : *items) {
    PushLocked(item);
  }
  if (!refetch_ && items->size() < asked) {
    backlog_ = false;  // drained; a Wake says when there is more
  }
  WriteNextLocked();
  FetchLocked();
}

void RelaySession::PushLocked(const QueueItem& item) {
  cursor_ = std::max(cursor_, item.seq);
  v1::RelayFrame frame;
  Pushed pushed{item.kind, item.message_id, {}};
  if (item.kind == QueueItem::Kind::kDelivery) {
    v1::Delivery* d = frame.mutable_delivery();
    d->set_seq(item.seq);
    if (!d->mutable_envelope()->ParseFromString(item.payload)) {
      spdlog::error("stored envelope of {} does not parse; skipping", item.message_id);
      return;
    }
    pushed.message_hash = Sha256(d->envelope().message());
  } else {
    v1::ReceiptNotice* n = frame.mutable_receipt_notice();
    n->set_seq(item.seq);
    if (!n->mutable_receipt()->ParseFromString(item.payload)) {
      spdlog::error("stored receipt for {} does not parse; skipping", item.message_id);
      return;
    }
  }
  pushed_.emplace(item.seq, std::move(pushed));
  QueueLocked(std::move(frame));
}

void RelaySession::WriteNextLocked() {
  if (writing_ || out_.empty() || finished_) {
    return;
  }
  writing_ = true;
  StartWrite(&out_.front().frame);
}

void RelaySession::OnWriteDone(bool ok) {
  std::lock_guard<std::mutex> lock(mu_);
  writing_ = false;
  out_bytes_ -= out_.front().bytes;
  out_.pop_front();
  if (finish_pending_) {
    finish_pending_ = false;
    Finish(pending_finish_);
    return;
  }
  if (!ok) {
    FinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE, "write failed"));
    return;
  }
  WriteNextLocked();
  FetchLocked();
}

void RelaySession::FinishLocked(grpc::Status status) {
  if (finished_) return;
  finished_ = true;
  if (writing_) {
    pending_finish_ = std::move(status);
    finish_pending_ = true;
  } else {
    Finish(std::move(status));
  }
}

void RelaySession::OnReadDone(bool ok) {
  if (!ok) {
    std::lock_guard<std::mutex> lock(mu_);
    FinishLocked(grpc::Status::OK);
    return;
  }
  const v1::NodeFrame frame = std::move(in_);
  in_.Clear();
  StartRead(&in_);
  HandleFrame(frame);
}

void RelaySession::HandleFrame(const v1::NodeFrame& frame) {
  switch (frame.frame_case()) {
    case v1::NodeFrame::kHello:
      spdlog::info("session of {}: node software {}", state_, frame.hello().software());
      return;
    case v1::NodeFrame::kDeliveryAck:
      HandleDeliveryAck(frame.delivery_ack());
      return;
    case v1::NodeFrame::kDeliveryReject: {
      const uint64_t seq = frame.delivery_reject().seq();
      spdlog::warn("{} refused delivery #{}: {}", state_, seq, frame.delivery_reject().reason());
      core_->metrics->delivery_refusals.fetch_add(1);
      Hold();
      core_->store->RecordRefusal(state_, seq, frame.delivery_reject().reason(),
                                  core_->clock->Now(), [this, seq](const absl::Status& s) {
                                    if (!s.ok())
                                      spdlog::error("recording refusal: {}", s.ToString());
                                    Answered(seq);
                                  });
      return;
    }
    case v1::NodeFrame::kNoticeAck: {
      const uint64_t seq = frame.notice_ack().seq();
      Hold();
      core_->store->RecordNoticeAck(state_, seq, [this, seq](const absl::Status& s) {
        if (!s.ok()) spdlog::error("recording notice ack: {}", s.ToString());
        Answered(seq);
      });
      return;
    }
    default: {
      std::lock_guard<std::mutex> lock(mu_);
      FinishLocked(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "empty or unknown frame"));
    }
  }
}

void RelaySession::HandleDeliveryAck(const v1::DeliveryAck& ack) {
  Pushed pushed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pushed_.find(ack.seq());
    if (it == pushed_.end() || it->second.kind != QueueItem::Kind::kDelivery) {
      spdlog::debug("{} answered #{}, which this session did not push; ignored", state_, ack.seq());
      return;
    }
    pushed = it->second;
  }
  // The receipt must be the recipient State's own signed statement about these exact bytes.
  auto directory = core_->directory->Get();
  const KeyEntry* key = directory->view.FindKey(ack.receipt().key_id());
  absl::Status bad;
  v1::DeliveryReceipt receipt;
  if (key == nullptr || key->state != state_ || key->status == v1::KEY_STATUS_REVOKED) {
    bad = absl::UnauthenticatedError("receipt key " + ack.receipt().key_id() +
                                     " is not an active key of " + state_);
  } else if (absl::Status s = VerifyStatement(kDeliveryReceiptDomain, ack.receipt(), key->key);
             !s.ok()) {
    bad = s;
  } else if (!receipt.ParseFromString(ack.receipt().body())) {
    bad = absl::InvalidArgumentError("receipt body does not parse");
  } else if (receipt.message_id() != pushed.message_id ||
             receipt.message_hash() != pushed.message_hash || receipt.recipient() != state_) {
    bad =
        absl::InvalidArgumentError("receipt does not match delivery #" + std::to_string(ack.seq()));
  }
  if (!bad.ok()) {
    spdlog::warn("{} sent a bad delivery receipt for #{}: {}", state_, ack.seq(), bad.ToString());
    std::lock_guard<std::mutex> lock(mu_);
    FinishLocked(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                              "delivery receipt rejected: " + std::string(bad.message())));
    return;
  }
  DeliveryRecord record;
  record.state = state_;
  record.seq = ack.seq();
  record.message_id = receipt.message_id();
  record.receipt = ack.receipt().SerializeAsString();
  record.receipt_hash = Sha256(ack.receipt().body());
  record.relay_time = core_->clock->Now();
  const uint64_t seq = ack.seq();
  const std::string message_id = receipt.message_id();
  Hold();
  core_->store->RecordDelivery(std::move(record),
                               [this, seq, message_id](absl::StatusOr<DeliveryOutcome> out) {
                                 if (!out.ok()) {
                                   spdlog::error("recording delivery of {} to {}: {}", message_id,
                                                 state_, out.status().ToString());
                                 } else if (!out->sender.empty()) {
                                   spdlog::info("delivered {} to {}", message_id, state_);
                                   core_->metrics->deliveries.fetch_add(1);
                                   core_->registry.Offer(out->queued);
                                 }
                                 Answered(seq);
                               });
}

void RelaySession::Answered(uint64_t seq) {
  std::unique_lock<std::mutex> lock(mu_);
  pushed_.erase(seq);
  if (!done_) FetchLocked();
  Release(&lock);
}

void RelaySession::Hold() {
  std::lock_guard<std::mutex> lock(mu_);
  ++outstanding_;
}

void RelaySession::Release(std::unique_lock<std::mutex>* lock) {
  --outstanding_;
  if (done_ && outstanding_ == 0) {
    lock->unlock();
    delete this;
  }
}

void RelaySession::OnCancel() {
  std::lock_guard<std::mutex> lock(mu_);
  FinishLocked(grpc::Status::CANCELLED);
}

void RelaySession::OnDone() {
  core_->registry.Unregister(state_, this);
  core_->metrics->sessions_open.fetch_sub(1);
  spdlog::info("session closed: {}", state_);
  std::unique_lock<std::mutex> lock(mu_);
  done_ = true;
  if (outstanding_ > 0) return;  // the last store callback deletes us
  lock.unlock();
  delete this;
}

}  // namespace poc
