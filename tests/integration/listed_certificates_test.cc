// The directory's list of a State's node certificates (certificate_fingerprints) is enforced:
// once the Secretariat lists fingerprints for a State, only those certificates act for it, even
// though the federation CA issued others; a State without a list accepts any CA-issued one.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "tests/integration/message_factory.h"
#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

class ListedCertificatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNetwork>(std::vector<std::string>{"FRA", "KEN"});
    // A second node certificate for KEN from the same federation CA, e.g. a standby node.
    spare_ = net_->dir() + "/ken-spare";
    net_->Pki({"node-cert", "--dir", net_->dir() + "/pki", "--state", "KEN", "--out", spare_});
  }

  std::string Fingerprint(const std::string& cert) const {
    const std::string out = net_->Pki({"show", cert, "--json"});
    return nlohmann::json::parse(out.substr(out.find('{')))["sha256_fingerprint"];
  }

  void ListForKen(uint64_t version, const std::string& fingerprint) {
    net_->WriteDirectory(version, {}, "", {{"KEN", "certificates = [\"" + fingerprint + "\"]"}});
  }

  grpc::Status SubmitFrom(const std::string& tls_dir) const {
    auto relay = net_->RelayClient(tls_dir);
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::SubmitRequest request;
    *request.mutable_envelope() = Sign(MakeMessage("KEN", {"FRA"}), net_->SigningKey("KEN"));
    v1::SubmitResponse response;
    return relay->Submit(&ctx, request, &response);
  }

  grpc::Status GetDirectoryFrom(const std::string& tls_dir) const {
    auto relay = net_->RelayClient(tls_dir);
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::GetDirectoryResponse response;
    return relay->GetDirectory(&ctx, v1::GetDirectoryRequest(), &response);
  }

  std::unique_ptr<TestNetwork> net_;
  std::string spare_;
};

TEST_F(ListedCertificatesTest, AStateWithoutAListMayUseAnyCertificateTheCaIssuedIt) {
  net_->StartRelay();
  EXPECT_TRUE(SubmitFrom(net_->NodeDir("KEN")).ok());
  EXPECT_TRUE(SubmitFrom(spare_).ok());
}

TEST_F(ListedCertificatesTest, OnlyTheListedCertificateActsForTheStateAndTheOtherIsToldWhy) {
  ListForKen(1, Fingerprint(net_->NodeDir("KEN") + "/node.crt"));
  net_->StartRelay();

  EXPECT_TRUE(SubmitFrom(net_->NodeDir("KEN")).ok());
  EXPECT_TRUE(GetDirectoryFrom(net_->NodeDir("KEN")).ok());

  const std::string spare_fingerprint = Fingerprint(spare_ + "/node.crt");
  for (const grpc::Status& refused : {SubmitFrom(spare_), GetDirectoryFrom(spare_)}) {
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED) << refused.error_message();
    EXPECT_NE(refused.error_message().find(spare_fingerprint), std::string::npos)
        << refused.error_message();
    EXPECT_NE(refused.error_message().find("ask the Secretariat to add its fingerprint"),
              std::string::npos)
        << refused.error_message();
  }
  // Other States are unaffected.
  EXPECT_TRUE(GetDirectoryFrom(net_->NodeDir("FRA")).ok());
}

TEST_F(ListedCertificatesTest, ANodeWhoseCertificateIsNotListedCannotOpenItsSession) {
  ListForKen(1, Fingerprint(spare_ + "/node.crt"));
  net_->StartRelay();
  net_->StartNode("FRA");
  net_->StartNode("KEN");
  ASSERT_TRUE(WaitFor([&] { return net_->NodeConnected("FRA"); }));
  absl::SleepFor(absl::Seconds(1));
  EXPECT_FALSE(net_->NodeConnected("KEN"));
  EXPECT_NE(net_->relay().Log().find("not one of the 1 node certificates"), std::string::npos)
      << net_->relay().Log();
}

TEST_F(ListedCertificatesTest, ListingANewCertificateTakesEffectOnReload) {
  ListForKen(1, Fingerprint(spare_ + "/node.crt"));
  net_->StartRelay();
  ASSERT_EQ(SubmitFrom(net_->NodeDir("KEN")).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  ListForKen(2, Fingerprint(net_->NodeDir("KEN") + "/node.crt"));
  net_->relay().Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return SubmitFrom(net_->NodeDir("KEN")).ok(); }))
      << net_->relay().Log();
  EXPECT_EQ(SubmitFrom(spare_).error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace poc::testing
