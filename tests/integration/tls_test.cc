// The relay's TLS as an outside client sees it, with `openssl s_client`: TLS 1.3 with a valid
// node certificate works; TLS 1.2 is refused.
#include <gtest/gtest.h>

#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

class RelayTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNetwork>(std::vector<std::string>{"FRA"});
    net_->StartRelay();
  }

  RunResult Handshake(const std::string& version) {
    const std::string n = net_->NodeDir("FRA");
    return RunCommand({"/usr/bin/openssl", "s_client", "-connect", net_->relay_address(), version,
                       "-alpn", "h2", "-cert", n + "/node.crt", "-key", n + "/node.key", "-CAfile",
                       n + "/ca.crt", "-verify_return_error"});
  }

  std::unique_ptr<TestNetwork> net_;
};

TEST_F(RelayTlsTest, AcceptsTls13WithANodeCertificate) {
  const RunResult r = Handshake("-tls1_3");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("New, TLSv1.3"), std::string::npos) << r.output;
}

TEST_F(RelayTlsTest, RefusesTls12) {
  const RunResult r = Handshake("-tls1_2");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Cipher is (NONE)"), std::string::npos) << r.output;
  EXPECT_TRUE(net_->relay().Running());
}

}  // namespace
}  // namespace poc::testing
