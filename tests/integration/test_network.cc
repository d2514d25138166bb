#include "tests/integration/test_network.h"

#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "absl/time/clock.h"
#include "common/crypto/key_files.h"
#include "common/tls/credentials.h"
#include "common/util/files.h"

namespace poc::testing {
namespace {

void WriteText(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string ReadText(const std::string& path) {
  auto s = ReadFile(path);
  return s.ok() ? *s : std::string();
}

}  // namespace

void SetTestDeadline(grpc::ClientContext* context, absl::Duration timeout) {
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

std::string TestNetwork::Pki(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{BinaryPath("certs/poc-pki")};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = RunCommand(argv);
  EXPECT_EQ(r.exit_code, 0) << "poc-pki failed: " << r.output;
  return r.output;
}

TestNetwork::TestNetwork(const std::vector<std::string>& states) : states_(states) {
  char tmpl[] = "/tmp/poc-net-XXXXXX";
  dir_ = ::mkdtemp(tmpl);
  std::filesystem::create_directories(dir_ + "/relay");
  Pki({"init", "--dir", dir_ + "/pki"});
  Pki({"relay-cert", "--dir", dir_ + "/pki", "--out", dir_ + "/relay", "--dns", "localhost", "--ip",
       "127.0.0.1"});
  Pki({"signing-key", "--out", dir_ + "/relay", "--name", "relay-signing"});

  for (const std::string& state : states) {
    const std::string nd = NodeDir(state);
    std::filesystem::create_directories(nd);
    Pki({"node-cert", "--dir", dir_ + "/pki", "--state", state, "--out", nd});
    const std::string out = Pki({"signing-key", "--out", nd, "--state", state, "--json"});
    const auto json = nlohmann::json::parse(out.substr(out.find('{')));
    key_lines_[state] = "public_key = \"" + json["public_key"].get<std::string>() +
                        "\"\nproof = \"" + json["proof"].get<std::string>() + "\"\n";
    std::filesystem::copy_file(dir_ + "/relay/relay-signing.pub", nd + "/relay-signing.pub");
    auto key = LoadPrivateKeyFile(nd + "/signing.key");
    EXPECT_TRUE(key.ok()) << key.status();
    if (key.ok()) keys_.emplace(state, *std::move(key));
  }
  WriteDirectory(1);
  WriteText(dir_ + "/relay/relay.toml",
            "listen = \"127.0.0.1:0\"\n"
            "port_file = \"port\"\n"
            "http_listen = \"127.0.0.1:0\"\n"
            "http_port_file = \"http-port\"\n"
            "database = \"relay.db\"\n"
            "directory = \"directory.toml\"\n"
            "signing_key = \"relay-signing.key\"\n"
            "[tls]\nca = \"ca.crt\"\ncert = \"relay.crt\"\nkey = \"relay.key\"\n");
}

void TestNetwork::WriteDirectory(uint64_t version,
                                 const std::map<std::string, std::string>& key_extras,
                                 const std::string& tail,
                                 const std::map<std::string, std::string>& state_extras) {
  std::string directory = "version = " + std::to_string(version) + "\n";
  for (const std::string& state : states_) {
    directory += "\n[[state]]\ncode = \"" + state + "\"\n";
    if (auto extra = state_extras.find(state); extra != state_extras.end()) {
      directory += extra->second + "\n";
    }
    directory += "[[state.key]]\n" + key_lines_[state];
    if (auto extra = key_extras.find(state); extra != key_extras.end()) {
      directory += extra->second + "\n";
    }
  }
  WriteText(dir_ + "/relay/directory.toml", directory + "\n" + tail);
}

TestNetwork::~TestNetwork() {
  for (auto& [state, p] : nodes_) p->Stop(SIGKILL);
  relay_.Stop(SIGKILL);
  if (::getenv("POC_KEEP_TEST_DIRS") == nullptr) std::filesystem::remove_all(dir_);
}

void TestNetwork::StartRelay(const std::vector<std::string>& extra_flags) {
  const std::string port_file = dir_ + "/relay/port";
  std::filesystem::remove(port_file);
  std::vector<std::string> argv = launch_prefix_["relay"];
  argv.insert(argv.end(), {BinaryPath("server/poc-relay"), "--config", dir_ + "/relay/relay.toml"});
  if (relay_port_ != 0 || relay_listen_host_ != "127.0.0.1") {
    argv.push_back("--listen");
    argv.push_back(relay_listen_host_ + ":" + std::to_string(relay_port_));
  }
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  relay_.Start(argv, dir_ + "/relay/relay.log");
  ASSERT_TRUE(WaitFor([&] { return !ReadText(port_file).empty() || !relay_.Running(); }))
      << relay_.Log();
  ASSERT_TRUE(relay_.Running()) << relay_.Log();
  relay_port_ = std::stoi(ReadText(port_file));
  relay_http_port_ = std::stoi(ReadText(dir_ + "/relay/http-port"));
  for (const auto& state : states_) WriteNodeConfig(state);
}

int TestNetwork::StopRelay(int sig) { return relay_.Stop(sig); }

void TestNetwork::WriteNodeConfig(const std::string& state) {
  const auto relay = node_relay_.find(state);
  const auto extras = node_extras_.find(state);
  WriteText(NodeDir(state) + "/pocd.toml",
            "state = \"" + state +
                "\"\n"
                "relay = \"" +
                (relay != node_relay_.end() ? relay->second : relay_address()) + "\"\n" +
                (extras != node_extras_.end() ? extras->second + "\n" : "") +
                "relay_name = \"localhost\"\n"
                "database = \"node.db\"\n"
                "control_socket = \"control.sock\"\n"
                "signing_key = \"signing.key\"\n"
                "relay_public_key = \"relay-signing.pub\"\n"
                "[tls]\nca = \"ca.crt\"\ncert = \"node.crt\"\nkey = \"node.key\"\n");
}

std::string TestNetwork::CopyRelayFolder(const std::string& name) {
  std::string to = dir_ + "/" + name;
  std::filesystem::copy(dir_ + "/relay", to, std::filesystem::copy_options::recursive);
  return to;
}

std::string TestNetwork::StartRelayFrom(const std::string& folder, Process* process,
                                        const std::vector<std::string>& extra_flags) {
  const std::string port_file = folder + "/port";
  std::filesystem::remove(port_file);
  std::vector<std::string> argv{BinaryPath("server/poc-relay"), "--config", folder + "/relay.toml",
                                "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  process->Start(argv, folder + "/relay.log");
  EXPECT_TRUE(WaitFor([&] { return !ReadText(port_file).empty() || !process->Running(); }))
      << process->Log();
  EXPECT_TRUE(process->Running()) << process->Log();
  const std::string port = ReadText(port_file);
  return port.empty() ? std::string() : "127.0.0.1:" + std::to_string(std::stoi(port));
}

void TestNetwork::SetNodeRelay(const std::string& state, const std::string& relay_address) {
  if (relay_address.empty()) {
    node_relay_.erase(state);
  } else {
    node_relay_[state] = relay_address;
  }
  if (relay_port_ != 0) WriteNodeConfig(state);
}

void TestNetwork::SetNodeExtras(const std::string& state, const std::string& toml_lines) {
  node_extras_[state] = toml_lines;
  if (relay_port_ != 0) WriteNodeConfig(state);
}

void TestNetwork::StartNode(const std::string& state,
                            const std::map<std::string, std::string>& env) {
  auto& p = nodes_[state];
  if (!p) p = std::make_unique<Process>();
  std::vector<std::string> argv = launch_prefix_[state];
  argv.insert(argv.end(),
              {BinaryPath("client/pocd/pocd"), "--config", NodeDir(state) + "/pocd.toml"});
  p->Start(argv, NodeDir(state) + "/pocd.log", env);
  ASSERT_TRUE(WaitFor([&] {
    if (!p->Running()) return true;
    // A fresh channel per try: a channel that failed once waits out a reconnect backoff.
    auto control = Control(state);
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx, absl::Seconds(1));
    v1::StatusResponse r;
    return control->Status(&ctx, v1::StatusRequest(), &r).ok();
  })) << p->Log();
  ASSERT_TRUE(p->Running()) << p->Log();
}

void TestNetwork::SetLaunchPrefix(const std::string& who, const std::vector<std::string>& prefix) {
  launch_prefix_[who] = prefix;
}

int TestNetwork::StopNode(const std::string& state, int sig) { return nodes_.at(state)->Stop(sig); }

bool TestNetwork::NodeConnected(const std::string& state) {
  grpc::ClientContext ctx;
  SetTestDeadline(&ctx, absl::Seconds(2));
  v1::StatusResponse r;
  return Control(state)->Status(&ctx, v1::StatusRequest(), &r).ok() && r.connected();
}

std::unique_ptr<v1::NodeControl::Stub> TestNetwork::Control(const std::string& state) const {
  return v1::NodeControl::NewStub(grpc::CreateChannel("unix:" + NodeDir(state) + "/control.sock",
                                                      grpc::InsecureChannelCredentials()));
}

std::unique_ptr<v1::Relay::Stub> TestNetwork::RelayClient(const std::string& tls_dir,
                                                          const std::string& cert) const {
  return v1::Relay::NewStub(RelayChannel(tls_dir, cert));
}

std::shared_ptr<grpc::Channel> TestNetwork::RelayChannel(const std::string& tls_dir,
                                                         const std::string& cert) const {
  auto creds = MakeChannelCredentials(
      TlsFiles{tls_dir + "/ca.crt", tls_dir + "/" + cert + ".crt", tls_dir + "/" + cert + ".key"});
  EXPECT_TRUE(creds.ok()) << creds.status();
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  return grpc::CreateCustomChannel(relay_address(), *creds, args);
}

const Ed25519PrivateKey& TestNetwork::SigningKey(const std::string& state) const {
  return keys_.at(state);
}

}  // namespace poc::testing
