// The node's connection to the relay: one Session stream (reconnecting with backoff) that
// takes deliveries and receipts, and an outbox loop that submits what is still queued.
#ifndef POC_CLIENT_POCD_RELAY_LINK_H_
#define POC_CLIENT_POCD_RELAY_LINK_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "client/pocd/directory_cache.h"
#include "client/pocd/node_store.h"
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
  };

  RelayLink(Options options, std::shared_ptr<grpc::Channel> channel, NodeStore* store,
            DirectoryCache* directory, const SigningKeyHolder* signing_key,
            Ed25519PublicKey relay_key, const Clock* clock);
  ~RelayLink();
  RelayLink(const RelayLink&) = delete;
  RelayLink& operator=(const RelayLink&) = delete;

  void Start();
  void Stop();

  // Submits one stored outgoing envelope now and records the outcome in the store: SUBMITTED
  // with the relay's verified receipt, REJECTED when the relay refuses it for good, or still
  // QUEUED (with the reason) when the relay cannot be reached.
  v1::SendResponse Submit(const std::string& id, const v1::Envelope& envelope,
                          absl::Duration timeout);
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
  std::thread session_thread_;
  std::thread outbox_thread_;
};

}  // namespace poc

#endif  // POC_CLIENT_POCD_RELAY_LINK_H_
