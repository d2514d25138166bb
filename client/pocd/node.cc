#include "client/pocd/node.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>

#include "common/crypto/key_files.h"
#include "common/status_macros.h"
#include "common/tls/credentials.h"
#include "common/tls/peer_identity.h"
#include "common/util/files.h"

namespace poc {
namespace {

// The node's certificate must name the configured State: a node cannot speak for another.
absl::Status CheckCertificateState(const std::string& cert_path, const std::string& state) {
  ASSIGN_OR_RETURN(std::string pem, ReadFile(cert_path));
  auto uris = CertificateUris(pem);
  if (!uris.ok()) {
    return absl::InvalidArgumentError(cert_path + ": " + std::string(uris.status().message()));
  }
  const std::string want = "urn:poc:state:" + state;
  for (const auto& u : *uris) {
    if (u == want) {
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(cert_path + ": certificate does not name " + want +
                                    "; issue one with `poc-pki node-cert --state " + state + "`");
}

// Removes a socket file left by a node that did not stop cleanly; refuses if one is serving.
absl::Status ClaimSocketPath(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    return absl::OkStatus();
  }
  if (!S_ISSOCK(st.st_mode)) {
    return absl::FailedPreconditionError(path +
                                         ": exists and is not a socket; remove it or set "
                                         "control_socket");
  }
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
  const bool live = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  if (live) {
    return absl::FailedPreconditionError(path + ": another pocd is already serving this node");
  }
  ::unlink(path.c_str());
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Node>> Node::Start(const NodeConfig& config, const Clock* clock) {
  std::unique_ptr<Node> node(new Node());
  ASSIGN_OR_RETURN(Ed25519PrivateKey key, LoadPrivateKeyFile(config.signing_key));
  node->signing_key_ = std::make_unique<SigningKeyHolder>(std::move(key));
  ASSIGN_OR_RETURN(Ed25519PublicKey relay_key, LoadPublicKeyFile(config.relay_public_key));
  ASSIGN_OR_RETURN(auto credentials, MakeChannelCredentials(config.tls));
  RETURN_IF_ERROR(CheckCertificateState(config.tls.cert, config.state));
  if (config.control_socket.size() >= sizeof(sockaddr_un::sun_path)) {
    return absl::InvalidArgumentError("control_socket: path is longer than " +
                                      std::to_string(sizeof(sockaddr_un::sun_path) - 1) +
                                      " bytes; choose a shorter path");
  }
  RETURN_IF_ERROR(ClaimSocketPath(config.control_socket));
  ASSIGN_OR_RETURN(node->store_, NodeStore::Open(config.database));
  node->directory_ = std::make_unique<DirectoryCache>(node->store_.get(), relay_key);
  if (absl::Status s = node->directory_->LoadFromStore(); !s.ok()) {
    spdlog::warn("cached directory ignored: {}", s.ToString());
  }

  auto channel = grpc::CreateCustomChannel(
      config.relay, credentials, RelayChannelArguments(config.relay_name, config.keepalive));
  RelayLink::Options options;
  options.state = config.state;
  options.software = kPocdSoftware;
  const char* seam = std::getenv("POC_TEST_EXIT_BEFORE_RECEIPT");
  options.exit_before_receipt = seam != nullptr && std::string(seam) == "1";
  options.exercise_auto_ack = config.exercise_auto_ack;
  node->hook_ = std::make_unique<OperatorHook>(
      OperatorHook::Options{config.hook_command, config.hook_url, config.hook_timeout,
                            static_cast<int>(config.hook_retries)});
  options.hook = node->hook_.get();
  node->link_ =
      std::make_unique<RelayLink>(options, channel, node->store_.get(), node->directory_.get(),
                                  node->signing_key_.get(), relay_key, clock);

  Witness::Options witness;
  witness.state = config.state;
  witness.relay = config.relay;
  witness.relay_name = config.relay_name;
  witness.keepalive = config.keepalive;
  witness.interval = config.witness_interval;
  witness.evidence_dir = config.evidence_dir;
  witness.alarm_command = config.alarm_command;
  witness.hook = node->hook_.get();
  node->witness_ =
      std::make_unique<Witness>(witness, credentials, node->store_.get(), node->directory_.get(),
                                node->signing_key_.get(), relay_key, clock);

  node->control_ = std::make_unique<ControlService>(
      ControlService::Identity{config.state, config.relay, kPocdSoftware, config.signing_key},
      node->store_.get(), node->link_.get(), node->directory_.get(), node->signing_key_.get(),
      clock);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + config.control_socket, grpc::InsecureServerCredentials());
  builder.RegisterService(node->control_.get());
  const mode_t old_mask = ::umask(077);  // the socket is born 0600
  node->control_server_ = builder.BuildAndStart();
  ::umask(old_mask);
  if (!node->control_server_) {
    return absl::UnavailableError(config.control_socket + ": cannot listen on the control socket");
  }
  ::chmod(config.control_socket.c_str(), 0600);
  node->socket_path_ = config.control_socket;
  node->link_->Start();
  node->witness_->Start();
  spdlog::info("node {} up: relay {}, signing key {}, control socket {}", config.state,
               config.relay, node->signing_key_->Get()->public_key().key_id(),
               config.control_socket);
  return node;
}

void Node::Shutdown() {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  // Start() may have failed part way: stop only what was built.
  if (control_server_) {
    control_server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }
  if (witness_) {
    witness_->Stop();
  }
  if (link_) {
    link_->Stop();
  }
  if (hook_) {
    hook_->Stop();
  }
  if (!socket_path_.empty()) {
    ::unlink(socket_path_.c_str());
  }
  if (control_server_) {
    spdlog::info("node stopped");
  }
}

Node::~Node() { Shutdown(); }

}  // namespace poc
