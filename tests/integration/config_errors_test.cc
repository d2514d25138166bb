// Bad configuration makes each program exit non-zero with one clear line that names the file
// or setting and the fix, and starts nothing.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>

#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

class ConfigErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNetwork>(std::vector<std::string>{"FRA", "KEN"});
  }

  RunResult Relay(const std::vector<std::string>& args) {
    std::vector<std::string> argv{BinaryPath("server/poc-relay")};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }
  RunResult Pocd(const std::vector<std::string>& args) {
    std::vector<std::string> argv{BinaryPath("client/pocd/pocd")};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }
  void Append(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::app) << text;
  }

  std::string relay_config() const { return net_->dir() + "/relay/relay.toml"; }
  std::string node_config() const { return net_->NodeDir("FRA") + "/pocd.toml"; }

  std::unique_ptr<TestNetwork> net_;
};

// One line on stderr, containing each of `parts`.
void ExpectOneClearLine(const RunResult& r, const std::vector<std::string>& parts) {
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  for (const auto& p : parts) EXPECT_NE(r.output.find(p), std::string::npos) << r.output;
}

TEST_F(ConfigErrorsTest, RelayWithAMissingConfigFileNamesIt) {
  ExpectOneClearLine(Relay({"--config", net_->dir() + "/nope.toml"}), {"nope.toml", "not found"});
}

TEST_F(ConfigErrorsTest, RelayWithMalformedTomlNamesTheFileAndLine) {
  Append(relay_config(), "[limits\n");
  ExpectOneClearLine(Relay({"--config", relay_config()}), {"relay.toml:", "TOML"});
}

TEST_F(ConfigErrorsTest, RelayWithAMisspelledSettingNamesIt) {
  Append(relay_config(), "\n[limits]\nmax_mesage_bytes = 10\n");
  ExpectOneClearLine(Relay({"--config", relay_config()}),
                     {"relay.toml", "max_mesage_bytes", "unknown setting"});
}

TEST_F(ConfigErrorsTest, RelayWithAWronglyTypedSettingNamesIt) {
  Append(relay_config(), "\n[limits]\nmax_message_bytes = \"big\"\n");
  ExpectOneClearLine(Relay({"--config", relay_config()}),
                     {"[limits] max_message_bytes", "integer"});
}

TEST_F(ConfigErrorsTest, RelayRefusesASigningKeyOthersCanRead) {
  ::chmod((net_->dir() + "/relay/relay-signing.key").c_str(), 0644);
  ExpectOneClearLine(Relay({"--config", relay_config()}), {"relay-signing.key", "chmod 600"});
}

TEST_F(ConfigErrorsTest, RelayRefusesAnUnreadableTlsKey) {
  ExpectOneClearLine(Relay({"--config", relay_config(), "--tls-key", net_->dir() + "/missing.key"}),
                     {"missing.key", "no such file"});
}

TEST_F(ConfigErrorsTest, RelayRefusesATlsKeyThatIsNotTheCertificatesKey) {
  // A node's key (mode 0600, a valid PEM key) beside the relay's certificate.
  ExpectOneClearLine(
      Relay({"--config", relay_config(), "--tls-key", net_->NodeDir("FRA") + "/node.key"}),
      {"node.key is not the key of", "relay.crt"});
}

TEST_F(ConfigErrorsTest, RelayRefusesATlsReloadIntervalOutOfRange) {
  ExpectOneClearLine(Relay({"--config", relay_config(), "--tls-reload-interval", "0s"}),
                     {"[tls] reload_interval", "between 1s and 24h"});
}

TEST_F(ConfigErrorsTest, RelayRefusesADirectoryWithAnUnknownStateCode) {
  Append(net_->dir() + "/relay/directory.toml",
         "\n[[state]]\ncode = \"FRX\"\n[[state.key]]\npublic_key = \"AAAA\"\n");
  ExpectOneClearLine(Relay({"--config", relay_config()}),
                     {"directory.toml", "state[2].code", "FRX"});
}

TEST_F(ConfigErrorsTest, NodeWithoutAStateSaysHowToSetIt) {
  ExpectOneClearLine(Pocd({"--signing-key", "x"}), {"state", "--state"});
}

TEST_F(ConfigErrorsTest, NodeRefusesASigningKeyOthersCanRead) {
  net_->StartRelay();
  ::chmod((net_->NodeDir("FRA") + "/signing.key").c_str(), 0640);
  ExpectOneClearLine(Pocd({"--config", node_config()}), {"signing.key", "chmod 600"});
}

TEST_F(ConfigErrorsTest, NodeRefusesACertificateOfAnotherState) {
  net_->StartRelay();
  ExpectOneClearLine(
      Pocd({"--config", node_config(), "--tls-cert", net_->NodeDir("KEN") + "/node.crt"}),
      {"node.crt", "urn:poc:state:FRA"});
}

TEST_F(ConfigErrorsTest, NodeWithAMisspelledSettingNamesIt) {
  net_->StartRelay();
  Append(node_config(), "\nrelay_adress = \"x\"\n");
  ExpectOneClearLine(Pocd({"--config", node_config()}), {"pocd.toml", "relay_adress"});
}

TEST_F(ConfigErrorsTest, NodeWithAnUnknownStateCodeNamesIt) {
  ExpectOneClearLine(Pocd({"--state", "FRX"}), {"FRX", "ISO 3166-1"});
}

}  // namespace
}  // namespace poc::testing
