// The node's connection to the relay: one Session stream (reconnecting with backoff) that
// takes deliveries and receipts, and an outbox loop that submits what is still queued.
#ifndef POC_CLIENT_POCD_RELAY_LINK_H_
#define POC_CLIENT_POCD_RELAY_LINK_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "client/pocd/directory_cache.h"
#include "client/pocd/node_store.h"
#include "client/pocd/operator_hook.h"
#include "client/pocd/signing_key_holder.h"
#include "common/crypto/ed25519.h"
#include "common/util/clock.h"
#include "poc/v1/node_control.pb.h"
#include "poc/v1/observers.grpc.pb.h"
#include "poc/v1/relay.grpc.pb.h"

namespace poc {

struct LinkStatus {
  bool connected = false;
  absl::Time connected_since;
  std::string last_error;
};

// Thread-safe. Start() runs two threads; Stop() cancels the stream and joins them.
class RelayLink {
 public:
  struct Options {
    std::string state;
    std::string software;
    // Test seam for crash tests: exit the process right after storing a delivery, before the
    // receipt is sent (environment variable POC_TEST_EXIT_BEFORE_RECEIPT=1).
    bool exit_before_receipt = false;
    // Acknowledge exercise pings in acknowledge mode by ourselves (exercise_auto_ack).
    bool exercise_auto_ack = false;
    // Told of each newly stored message (not owned; may be null).
    OperatorHook* hook = nullptr;
  };

  RelayLink(Options options, std::shared_ptr<grpc::Channel> channel, NodeStore* store,
            DirectoryCache* directory, const SigningKeyHolder* signing_key,
            Ed25519PublicKey relay_key, const Clock* clock);
  ~RelayLink();
  RelayLink(const RelayLink&) = delete;
  RelayLink& operator=(const RelayLink&) = delete;

  void Start();
  void Stop();

  // Has the stored outgoing message `id` submitted in outbox order and returns the outcome:
  // SUBMITTED with the relay's verified receipt, REJECTED when the relay refuses it for good, or
  // QUEUED with the reason. Only the outbox thread submits, oldest queued message first, so the
  // relay takes this node's messages in the order they were written, also across outages.
  // When older messages are still queued, `id` waits behind them and the answer is QUEUED at
  // once; otherwise this waits up to `timeout` for the relay's answer.
  v1::SendResponse SubmitInOrder(const std::string& id, absl::Duration timeout);
  // Wakes the outbox loop.
  void KickOutbox();
  // Fetches the relay's current directory snapshot and adopts it.
  absl::Status RefreshDirectory();
  // Sends a signed key announcement (common/directory/key_rotation.h) to the relay and adopts
  // the directory it answers with. The relay's refusal comes back with its status and message.
  absl::StatusOr<v1::AnnounceKeyResponse> AnnounceKey(const v1::Signed& announcement,
                                                      absl::Duration timeout);
  LinkStatus status() const;
  // The relay's observer accreditations, and a State's signed objection to one (the relay's
  // status passes through; UNAVAILABLE when it cannot be reached).
  grpc::Status ListObservers(v1::ListObserversResponse* response);
  grpc::Status ObjectToObserver(const v1::Signed& objection,
                                v1::ObjectToObserverResponse* response);
  // Asks the relay for observer proposals and logs a warning, once per run, for each one still
  // in its silence period: this State may object until it ends.
  void CheckObserverProposals();

 private:
  void SessionLoop();
  void OutboxLoop();
  // Submits one stored outgoing envelope now and records the outcome in the store (outbox
  // thread only: see SubmitInOrder).
  v1::SendResponse Submit(const std::string& id, const v1::Envelope& envelope,
                          absl::Duration timeout);
  // Keeps the outcome of a submission for SubmitInOrder, and wakes it.
  void RecordOutcome(const v1::SendResponse& outcome);
  // Return false to end the session (it will reconnect).
  bool HandleDelivery(const v1::Delivery& delivery, v1::NodeFrame* answer);
  void HandleReceiptNotice(const v1::ReceiptNotice& notice);
  void SetDisconnected(const std::string& why);
  bool SleepUnlessStopping(absl::Duration d);
  // Waits before the next session try: `backoff`, or less once the relay can be reached again.
  // False when stopping.
  bool AwaitRetry(absl::Duration backoff);

  const Options options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Relay::Stub> stub_;
  std::unique_ptr<v1::Observers::Stub> observers_;
  NodeStore* const store_;
  DirectoryCache* const directory_;
  const SigningKeyHolder* const signing_key_;
  const Ed25519PublicKey relay_key_;
  const Clock* const clock_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;                                // guarded by mu_
  bool outbox_kicked_ = false;                           // guarded by mu_
  grpc::ClientContext* session_context_ = nullptr;       // guarded by mu_; the open stream's
  LinkStatus status_;                                    // guarded by mu_
  std::set<std::string> proposals_seen_;                 // guarded by mu_; warned about this run
  bool observers_due_ = true;                            // guarded by mu_; set by each new session
  absl::Time observers_checked_ = absl::InfinitePast();  // outbox thread only
  // Recent submission outcomes by message id, oldest first in outcome_order_; guarded by mu_.
  std::map<std::string, v1::SendResponse> outcomes_;
  std::deque<std::string> outcome_order_;
  std::thread session_thread_;
  std::thread outbox_thread_;
};

}  // namespace poc

#endif  // POC_CLIENT_POCD_RELAY_LINK_H_
