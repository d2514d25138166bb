// One simulated State node inside the bench process: its own certificate, signing key and
// mutual-TLS channel to the relay, and per message the real node's work (client/pocd's
// RelayLink): verify the delivered envelope's signature, store it durably, and send the
// signed delivery receipt only after the commit; verify and store the receipts forwarded to it.
#ifndef POC_BENCH_SIMULATED_NODE_H_
#define POC_BENCH_SIMULATED_NODE_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "bench/bench_pki.h"
#include "bench/node_store.h"
#include "bench/run_tracker.h"
#include "poc/v1/message.pb.h"
#include "poc/v1/relay.grpc.pb.h"

namespace poc::bench {

// What every node shares. All pointers must outlive the nodes.
struct NodeContext {
  const BenchPki* pki = nullptr;
  NodeStore* store = nullptr;
  boost::asio::thread_pool* workers = nullptr;  // signature and parsing work runs here
  RunTracker* tracker = nullptr;
  // Work posted to the workers or the store and not finished yet: a scenario waits for zero
  // after disconnecting its nodes, before it tears anything down.
  std::atomic<int64_t>* pending = nullptr;
};

class NodeSession;

class SimulatedNode {
 public:
  // `identity` and `context` must outlive the node.
  static absl::StatusOr<std::unique_ptr<SimulatedNode>> Make(const StateIdentity& identity,
                                                             const std::string& relay_address,
                                                             const NodeContext& context);
  ~SimulatedNode();
  SimulatedNode(const SimulatedNode&) = delete;
  SimulatedNode& operator=(const SimulatedNode&) = delete;

  const std::string& state() const { return identity_.code; }
  const Ed25519PrivateKey& key() const { return *identity_.key; }

  // Opens the Session stream (Hello first); the tracker hears of its Welcome.
  void Connect();
  // Cancels the session and waits until gRPC is done with it.
  void Disconnect();

  // Submits a signed envelope; `done` runs on a worker thread with the status and, when OK,
  // the number of recipients in the relay's verified submit receipt.
  using SubmitDone = std::function<void(const grpc::Status&, int recipients)>;
  void Submit(v1::Envelope envelope, SubmitDone done);
  // Submit, tried again after 50 ms while the relay answers RESOURCE_EXHAUSTED (its rate or
  // queue limit) or UNAVAILABLE, as pocd's outbox does; any other failure is the tracker's
  // error. `accepted` runs on a worker with the recipients once the relay took it.
  void SubmitRetrying(const std::shared_ptr<const v1::Envelope>& envelope,
                      std::function<void(int recipients)> accepted);

 private:
  friend class NodeSession;
  SimulatedNode(const StateIdentity& identity, const NodeContext& context,
                std::shared_ptr<grpc::Channel> channel);

  // Runs `fn` on a worker, counted in `pending`.
  void Post(std::function<void()> fn);
  // On a worker thread.
  void HandleDelivery(const std::shared_ptr<NodeSession>& session, const v1::Delivery& delivery);
  // As pocd with exercise_auto_ack: signs and submits the acknowledgement of an exercise ping in
  // acknowledge mode, once the ping is stored.
  void AcknowledgePing(const v1::Message& ping);
  void HandleReceiptNotice(const std::shared_ptr<NodeSession>& session,
                           const v1::ReceiptNotice& notice);

  const StateIdentity& identity_;
  const NodeContext context_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Relay::Stub> stub_;
  std::shared_ptr<NodeSession> session_;
};

// The node's Session stream (a gRPC callback reactor). Frames are handled on the workers, so
// no reactor callback blocks; writes are queued and go out one at a time.
class NodeSession final : public grpc::ClientBidiReactor<v1::NodeFrame, v1::RelayFrame>,
                          public std::enable_shared_from_this<NodeSession> {
 public:
  explicit NodeSession(SimulatedNode* node) : node_(node) {}
  void Begin(v1::Relay::Stub* stub);
  void Cancel() { context_.TryCancel(); }
  void WaitDone();
  // Thread-safe; dropped once the stream is closing.
  void Send(v1::NodeFrame frame);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  SimulatedNode* const node_;
  grpc::ClientContext context_;
  v1::RelayFrame in_;
  std::shared_ptr<NodeSession> self_;  // keeps us alive until OnDone

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<v1::NodeFrame> out_;  // guarded by mu_; front is being written when writing_
  bool writing_ = false;           // guarded by mu_
  bool closing_ = false;           // guarded by mu_
  bool done_ = false;              // guarded by mu_
};

}  // namespace poc::bench

#endif  // POC_BENCH_SIMULATED_NODE_H_
