// Certificate revocation over real processes: `poc-pki revoke` writes the CRL, the relay reads
// it on SIGHUP, closes the revoked node's open session and refuses its every call, while the
// other States go on.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/message_factory.h"
#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

class RevocationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNetwork>(std::vector<std::string>{"FRA", "KEN"});
    net_->Pki({"crl", "--dir", Pki()});  // an empty CRL to start with
    InstallCrl();
    std::ofstream(net_->dir() + "/relay/relay.toml", std::ios::app) << "crl = \"crl.pem\"\n";
  }

  std::string Pki() const { return net_->dir() + "/pki"; }
  void InstallCrl() {
    std::filesystem::copy_file(Pki() + "/crl.pem", net_->dir() + "/relay/crl.pem",
                               std::filesystem::copy_options::overwrite_existing);
  }

  grpc::Status SubmitFrom(const std::string& state) {
    auto relay = net_->RelayClient(net_->NodeDir(state));
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::SubmitRequest request;
    *request.mutable_envelope() =
        Sign(MakeMessage(state, {state == "FRA" ? "KEN" : "FRA"}), net_->SigningKey(state));
    v1::SubmitResponse response;
    return relay->Submit(&ctx, request, &response);
  }

  std::unique_ptr<TestNetwork> net_;
};

TEST_F(RevocationTest, ARevokedNodeLosesItsSessionAndEveryCallWhileOthersGoOn) {
  net_->StartRelay();
  net_->StartNode("FRA");
  net_->StartNode("KEN");
  ASSERT_TRUE(WaitFor([&] { return net_->NodeConnected("FRA") && net_->NodeConnected("KEN"); }));
  ASSERT_TRUE(SubmitFrom("FRA").ok());

  net_->Pki({"revoke", "--dir", Pki(), "--cert", net_->NodeDir("FRA") + "/node.crt", "--reason",
             "key-compromise"});
  InstallCrl();
  net_->relay().Signal(SIGHUP);

  ASSERT_TRUE(WaitFor([&] { return !net_->NodeConnected("FRA"); })) << net_->relay().Log();
  const grpc::Status refused = SubmitFrom("FRA");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAUTHENTICATED) << refused.error_message();
  EXPECT_NE(refused.error_message().find("was revoked by the federation CA"), std::string::npos)
      << refused.error_message();
  EXPECT_NE(refused.error_message().find("key compromise"), std::string::npos);
  EXPECT_NE(net_->relay().Log().find("closed 1 session(s) of revoked certificates"),
            std::string::npos)
      << net_->relay().Log();
  // It stays out: its reconnection attempts are refused too.
  absl::SleepFor(absl::Seconds(1));
  EXPECT_FALSE(net_->NodeConnected("FRA"));
  EXPECT_TRUE(net_->NodeConnected("KEN"));
  EXPECT_TRUE(SubmitFrom("KEN").ok());
}

TEST_F(RevocationTest, ACrlNotSignedByTheFederationCaKeepsTheRelayFromStarting) {
  net_->Pki({"init", "--dir", net_->dir() + "/other-pki"});
  net_->Pki({"crl", "--dir", net_->dir() + "/other-pki"});
  std::filesystem::copy_file(net_->dir() + "/other-pki/crl.pem", net_->dir() + "/relay/crl.pem",
                             std::filesystem::copy_options::overwrite_existing);
  Process relay;
  relay.Start({BinaryPath("server/poc-relay"), "--config", net_->dir() + "/relay/relay.toml"},
              net_->dir() + "/refused.log");
  EXPECT_NE(relay.WaitExit(absl::Seconds(30)), 0);
  EXPECT_NE(relay.Log().find("tls.crl: "), std::string::npos) << relay.Log();
  EXPECT_NE(relay.Log().find("not signed by the federation CA"), std::string::npos) << relay.Log();
}

TEST_F(RevocationTest, ABadCrlOnReloadLeavesThePreviousListInForce) {
  net_->StartRelay();
  std::ofstream(net_->dir() + "/relay/crl.pem", std::ios::trunc) << "not a CRL\n";
  net_->relay().Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] {
    return net_->relay().Log().find("CRL reload failed, the previous list stays in force") !=
           std::string::npos;
  })) << net_->relay().Log();
  EXPECT_TRUE(SubmitFrom("FRA").ok());
}

}  // namespace
}  // namespace poc::testing
