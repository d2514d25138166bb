// One node's Session stream: pushes the State's queue in relay order and takes its answers.
#ifndef POC_SERVER_RELAY_SESSION_H_
#define POC_SERVER_RELAY_SESSION_H_

#include <grpcpp/support/server_callback.h>

#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "poc/v1/relay.pb.h"
#include "server/relay_core.h"

namespace poc {

// Lifetime: created by the service for each Session call; deletes itself in OnDone, or when
// its last store call returns after OnDone. Thread-safety: all mutable state is guarded by
// mu_; callbacks may run on any gRPC or store thread.
//
// Flow control: at most kWindow pushed items wait for an answer, and at most kWriteAheadFrames
// frames (and about kWriteAheadBytes, or one frame of the largest message) wait to be written;
// the rest stay in the store. So a node that stops reading its stream costs the relay a few
// frames, however much is queued for its State.
//
// Items reach the session two ways: it reads the store from its cursor (at start, and after a
// Wake), or the writer hands it one just committed (Offer), which it pushes without reading
// only when server/offer_decision.h allows; relay order per State holds either way.
class RelaySession final : public grpc::ServerBidiReactor<v1::NodeFrame, v1::RelayFrame>,
                           public SessionHandle {
 public:
  static constexpr size_t kWindow = 256;
  static constexpr size_t kWriteAheadFrames = 16;
  static constexpr size_t kWriteAheadBytes = size_t{4} << 20;

  RelaySession(RelayCore* core, std::string state, std::string certificate_serial);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

  void Wake() override;
  void Offer(const QueueItem& item) override;
  void Close(int status_code, const std::string& reason) override;
  void DirectoryChanged(uint64_t version) override;

 private:
  struct Outgoing {
    v1::RelayFrame frame;
    size_t bytes = 0;  // its serialized size when queued, for the write-ahead bound
  };
  struct Pushed {
    QueueItem::Kind kind;
    std::string message_id;
    std::string message_hash;  // deliveries only
  };

  void HandleFrame(const v1::NodeFrame& frame);
  void HandleDeliveryAck(const v1::DeliveryAck& ack);
  void Answered(uint64_t seq);
  // The following require mu_ held.
  void FetchLocked();
  void QueueLocked(v1::RelayFrame frame);
  void WriteNextLocked();
  void FinishLocked(grpc::Status status);
  void FetchDone(absl::StatusOr<std::vector<QueueItem>> items, size_t asked);
  // Turns `item` into a frame waiting to be written and a pushed item awaiting its answer, and
  // moves cursor_ to it; skips (with an error logged) one whose stored bytes do not parse.
  void PushLocked(const QueueItem& item);
  // Whether another item may be taken: the window and the write-ahead bounds are not reached (an
  // item taken may then pass the byte bound by at most its own size). Reads and offers alike.
  bool HasRoomLocked() const;
  // Store work in flight holds the session alive: Hold() before starting it, and end its
  // callback with Release(), which deletes the session when it is done and nothing is left.
  void Hold();
  void Release(std::unique_lock<std::mutex>* lock);

  RelayCore* const core_;
  const std::string state_;
  const std::string serial_;  // the node certificate's
  v1::NodeFrame in_;          // owned by the read in flight

  std::mutex mu_;
  std::deque<Outgoing> out_;           // guarded by mu_; front() is being written when writing_
  size_t out_bytes_ = 0;               // guarded by mu_; sum of out_[i].bytes
  std::map<uint64_t, Pushed> pushed_;  // guarded by mu_; sent and not yet answered
  uint64_t cursor_ = 0;                // guarded by mu_; highest seq taken from the store
  bool writing_ = false;               // guarded by mu_
  bool fetching_ = false;              // guarded by mu_
  bool refetch_ = false;               // guarded by mu_; a Wake came while fetching
  bool backlog_ = true;                // guarded by mu_; the store may hold items past cursor_
  bool finished_ = false;              // guarded by mu_; Finish called or scheduled
  bool done_ = false;                  // guarded by mu_; OnDone ran
  int outstanding_ = 0;                // guarded by mu_; store calls in flight
  grpc::Status pending_finish_;        // guarded by mu_; held back while a write is pending
  bool finish_pending_ = false;        // guarded by mu_
};

}  // namespace poc

#endif  // POC_SERVER_RELAY_SESSION_H_
