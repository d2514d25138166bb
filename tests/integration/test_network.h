// A whole PoC network on loopback for integration tests: a PKI made by the real poc-pki, a real
// poc-relay process on a free port, and real pocd processes, all in one temporary folder.
#ifndef POC_TESTS_INTEGRATION_TEST_NETWORK_H_
#define POC_TESTS_INTEGRATION_TEST_NETWORK_H_

#include <grpcpp/channel.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/crypto/ed25519.h"
#include "poc/v1/node_control.grpc.pb.h"
#include "poc/v1/relay.grpc.pb.h"
#include "tests/integration/process.h"

namespace poc::testing {

class TestNetwork {
 public:
  // Makes the PKI, one signing key per State, the directory and configs. Starts nothing.
  explicit TestNetwork(const std::vector<std::string>& states);
  ~TestNetwork();  // stops every process and removes the folder
  TestNetwork(const TestNetwork&) = delete;
  TestNetwork& operator=(const TestNetwork&) = delete;

  const std::string& dir() const { return dir_; }
  std::string NodeDir(const std::string& state) const { return dir_ + "/nodes/" + state; }

  // Starts the relay and waits until it serves. The port stays the same across restarts.
  void StartRelay(const std::vector<std::string>& extra_flags = {});
  int StopRelay(int sig);
  Process& relay() { return relay_; }
  int relay_port() const { return relay_port_; }
  // The relay's HTTP port (/healthz, /metrics, /audit/...); it changes on each StartRelay.
  int relay_http_port() const { return relay_http_port_; }
  std::string relay_address() const { return "127.0.0.1:" + std::to_string(relay_port_); }

  // Copies the (stopped) relay's folder to <dir>/<name> and returns its path, e.g. to run a
  // second relay with the same key and the same database as of now.
  std::string CopyRelayFolder(const std::string& name);
  // Starts poc-relay from another folder holding a relay.toml (as CopyRelayFolder makes) on a
  // free port, waits until it serves, and returns its address.
  std::string StartRelayFrom(const std::string& folder, Process* process,
                             const std::vector<std::string>& extra_flags = {});
  // Node config overrides, applied when the config is next written (StartRelay, or now).
  // `relay_address` empty: the main relay.
  void SetNodeRelay(const std::string& state, const std::string& relay_address);
  // Extra top-level TOML lines for the node's config (e.g. "witness_interval = \"200ms\"").
  void SetNodeExtras(const std::string& state, const std::string& toml_lines);

  // Runs the relay (`who` = "relay") or a State's pocd under `prefix`, e.g. {"ip", "netns",
  // "exec", NAME} to start it in a network namespace. Applies from the next start.
  void SetLaunchPrefix(const std::string& who, const std::vector<std::string>& prefix);
  // The host the relay listens on (default 127.0.0.1), e.g. "0.0.0.0" inside a namespace.
  void SetRelayListenHost(const std::string& host) { relay_listen_host_ = host; }

  // Starts a node and waits until its control socket answers.
  void StartNode(const std::string& state, const std::map<std::string, std::string>& env = {});
  int StopNode(const std::string& state, int sig);
  Process& node(const std::string& state) { return *nodes_.at(state); }
  // True once the node reports a live session with the relay.
  bool NodeConnected(const std::string& state);

  std::unique_ptr<v1::NodeControl::Stub> Control(const std::string& state) const;
  // A relay client presenting the TLS identity in `tls_dir` (node.crt/node.key/ca.crt), as a
  // node would: for tests that talk to the relay directly.
  std::unique_ptr<v1::Relay::Stub> RelayClient(const std::string& tls_dir,
                                               const std::string& cert = "node") const;
  // A mutual-TLS channel to the relay with the identity in `tls_dir`.
  std::shared_ptr<grpc::Channel> RelayChannel(const std::string& tls_dir,
                                              const std::string& cert = "node") const;
  const Ed25519PrivateKey& SigningKey(const std::string& state) const;

  // Rewrites the relay's directory.toml: every State with `state_extras[state]` lines in its
  // [[state]] table (e.g. "certificates = [...]") and its key (and proof), then
  // `key_extras[state]` lines inside that State's [[state.key]] table (e.g. "valid_until =
  // ..."), then `tail` (e.g. [[group]] tables). The relay reads it on start or SIGHUP.
  void WriteDirectory(uint64_t version, const std::map<std::string, std::string>& key_extras = {},
                      const std::string& tail = "",
                      const std::map<std::string, std::string>& state_extras = {});

  // Runs poc-pki with `args`; fails the test on a non-zero exit.
  std::string Pki(const std::vector<std::string>& args) const;

 private:
  void WriteNodeConfig(const std::string& state);

  std::string dir_;
  std::vector<std::string> states_;
  std::map<std::string, Ed25519PrivateKey> keys_;
  std::map<std::string, std::string> key_lines_;  // state -> public_key and proof lines
  Process relay_;
  int relay_port_ = 0;
  int relay_http_port_ = 0;
  std::map<std::string, std::unique_ptr<Process>> nodes_;
  std::map<std::string, std::string> node_relay_;   // state -> relay address override
  std::map<std::string, std::string> node_extras_;  // state -> extra TOML lines
  std::map<std::string, std::vector<std::string>> launch_prefix_;  // "relay" or state -> argv
  std::string relay_listen_host_ = "127.0.0.1";
};

// Deadline helper for every RPC a test makes.
void SetTestDeadline(grpc::ClientContext* context, absl::Duration timeout = absl::Seconds(10));

}  // namespace poc::testing

#endif  // POC_TESTS_INTEGRATION_TEST_NETWORK_H_
