// A running node: keys, store, directory cache, relay link and the control socket, assembled
// from a NodeConfig. main.cc runs one.
#ifndef POC_CLIENT_POCD_NODE_H_
#define POC_CLIENT_POCD_NODE_H_

#include <grpcpp/server.h>

#include <memory>

#include "absl/status/statusor.h"
#include "client/pocd/control_service.h"
#include "client/pocd/directory_cache.h"
#include "client/pocd/node_config.h"
#include "client/pocd/node_store.h"
#include "client/pocd/operator_hook.h"
#include "client/pocd/relay_link.h"
#include "client/pocd/signing_key_holder.h"
#include "client/pocd/witness.h"

namespace poc {

inline constexpr char kPocdSoftware[] = "pocd 0.1.0";

class Node {
 public:
  // Checks every file first (keys, certificates, their permissions, that the certificate
  // names the configured State), then opens the store and starts serving. Errors name the
  // file or setting and the fix. `*clock` must outlive the node.
  static absl::StatusOr<std::unique_ptr<Node>> Start(const NodeConfig& config, const Clock* clock);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  void Shutdown();

 private:
  Node() = default;

  std::unique_ptr<SigningKeyHolder> signing_key_;
  std::unique_ptr<OperatorHook> hook_;  // before link_ and witness_, which post to it
  std::unique_ptr<NodeStore> store_;
  std::unique_ptr<DirectoryCache> directory_;
  std::unique_ptr<RelayLink> link_;
  std::unique_ptr<Witness> witness_;
  std::unique_ptr<ControlService> control_;
  std::unique_ptr<grpc::Server> control_server_;
  std::string socket_path_;
  bool stopped_ = false;
};

}  // namespace poc

#endif  // POC_CLIENT_POCD_NODE_H_
