// The relay's TLS as an outside client sees it, with `openssl s_client`: TLS 1.3 with a valid
// node certificate works; no certificate, another CA's, an expired one and TLS 1.2 are
// refused in the handshake. (A revoked certificate is refused on its first call, with a
// message naming the revocation: tests/integration/revocation_test.cc.) And certificate
// renewal without a restart.
#include <grpc/grpc_security_constants.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "common/tls/credentials.h"
#include "common/tls/revocation_list.h"
#include "common/util/files.h"
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
    return HandshakeAs(net_->NodeDir("FRA"), version);
  }

  // A TLS handshake (and one read) as `openssl s_client` with the identity in `tls_dir`
  // (node.crt, node.key; empty: no certificate), trusting the federation CA.
  // With `until_closed`, s_client keeps reading after its input ends, until the relay closes
  // the connection (or 10 s pass: an accepted connection stays open).
  RunResult HandshakeAs(const std::string& tls_dir, const std::string& version = "-tls1_3",
                        bool until_closed = false) {
    std::vector<std::string> argv{"/usr/bin/openssl",
                                  "s_client",
                                  "-connect",
                                  net_->relay_address(),
                                  version,
                                  "-alpn",
                                  "h2",
                                  "-CAfile",
                                  net_->NodeDir("FRA") + "/ca.crt",
                                  "-verify_return_error"};
    if (until_closed) {
      argv.insert(argv.begin(), {"/usr/bin/timeout", "10"});
      argv.emplace_back("-ign_eof");
    }
    if (!tls_dir.empty()) {
      argv.insert(argv.end(), {"-cert", tls_dir + "/node.crt", "-key", tls_dir + "/node.key"});
    }
    return RunCommand(argv);
  }

  // True when the relay dropped the connection in the handshake. In TLS 1.3 the server checks
  // the client's certificate after the client has finished its side, so s_client prints a
  // session and then finds the connection closed under it; an accepted client's connection
  // stays open until s_client closes it.
  static bool Refused(const RunResult& r) {
    return r.output.find("unexpected eof while reading") != std::string::npos ||
           r.output.find("Cipher is (NONE)") != std::string::npos;
  }

  std::unique_ptr<TestNetwork> net_;
};

TEST_F(RelayTlsTest, AcceptsTls13WithANodeCertificate) {
  const RunResult r = Handshake("-tls1_3");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("New, TLSv1.3"), std::string::npos) << r.output;
  EXPECT_FALSE(Refused(r)) << r.output;
}

TEST_F(RelayTlsTest, RefusesAClientWithoutACertificate) {
  const RunResult r = HandshakeAs("", "-tls1_3", true);
  EXPECT_TRUE(Refused(r)) << r.output;
}

TEST_F(RelayTlsTest, RefusesACertificateFromAnotherCa) {
  const std::string other = net_->dir() + "/other-pki";
  net_->Pki({"init", "--dir", other});
  net_->Pki({"node-cert", "--dir", other, "--state", "FRA", "--out", other + "/fra"});
  const RunResult r = HandshakeAs(other + "/fra", "-tls1_3", true);
  EXPECT_TRUE(Refused(r)) << r.output;
}

TEST_F(RelayTlsTest, RefusesAnExpiredCertificate) {
  const std::string expired = net_->dir() + "/expired";
  net_->Pki({"node-cert", "--dir", net_->dir() + "/pki", "--state", "FRA", "--out", expired,
             "--days", "1", "--backdate-days", "10"});
  const RunResult r = HandshakeAs(expired, "-tls1_3", true);
  EXPECT_TRUE(Refused(r)) << r.output;
}

TEST_F(RelayTlsTest, RefusesTls12) {
  const RunResult r = Handshake("-tls1_2");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Cipher is (NONE)"), std::string::npos) << r.output;
  EXPECT_TRUE(net_->relay().Running());
}

// The relay re-reads its certificate files while it runs (tls.reload_interval): a renewed
// certificate reaches new connections without a restart, and open sessions go on.
class RelayCertificateReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNetwork>(std::vector<std::string>{"FRA", "KEN"});
    net_->StartRelay({"--tls-reload-interval", "1s"});
  }

  // The serial of the certificate the relay presents to a new connection.
  std::string ServedSerial() {
    // A fresh channel each time, so the handshake is new.
    grpc::ChannelArguments args;
    args.SetInt("poc.test.unique", ++channel_number_);
    auto relay = v1::Relay::NewStub(grpc::CreateCustomChannel(
        net_->relay_address(), *MakeChannelCredentials(NodeTls("FRA")), args));
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::GetDirectoryResponse response;
    const grpc::Status s = relay->GetDirectory(&ctx, v1::GetDirectoryRequest(), &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    const auto pems = ctx.auth_context()->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
    if (pems.empty()) return "";
    return CertificateSerial(std::string(pems.front().data(), pems.front().size())).value_or("");
  }

  TlsFiles NodeTls(const std::string& state) const {
    const std::string n = net_->NodeDir(state);
    return TlsFiles{n + "/ca.crt", n + "/node.crt", n + "/node.key"};
  }

  std::unique_ptr<TestNetwork> net_;
  int channel_number_ = 0;
};

TEST_F(RelayCertificateReloadTest, ARenewedCertificateReachesNewConnectionsWithoutARestart) {
  net_->StartNode("KEN");
  ASSERT_TRUE(WaitFor([&] { return net_->NodeConnected("KEN"); }));
  const std::string relay = net_->dir() + "/relay";
  const std::string old_serial = *CertificateSerial(*ReadFile(relay + "/relay.crt"));
  ASSERT_EQ(ServedSerial(), old_serial);

  // Renew: poc-pki writes a new pair elsewhere; the operator moves the key, then the certificate.
  const std::string renewed = net_->dir() + "/renewed";
  net_->Pki({"relay-cert", "--dir", net_->dir() + "/pki", "--out", renewed, "--dns", "localhost",
             "--ip", "127.0.0.1"});
  const std::string new_serial = *CertificateSerial(*ReadFile(renewed + "/relay.crt"));
  ASSERT_NE(new_serial, old_serial);
  std::filesystem::rename(renewed + "/relay.key", relay + "/relay.key");
  std::filesystem::rename(renewed + "/relay.crt", relay + "/relay.crt");

  EXPECT_TRUE(WaitFor([&] { return ServedSerial() == new_serial; })) << net_->relay().Log();
  EXPECT_TRUE(net_->relay().Running());
  // The session opened under the old certificate is still live, and a node that connects now
  // (verifying the new certificate against the same CA) gets in.
  EXPECT_TRUE(net_->NodeConnected("KEN"));
  net_->StartNode("FRA");
  EXPECT_TRUE(WaitFor([&] { return net_->NodeConnected("FRA"); })) << net_->relay().Log();
}

TEST_F(RelayCertificateReloadTest, AKeyThatDoesNotMatchTheNewCertificateKeepsTheOldPairServed) {
  const std::string relay = net_->dir() + "/relay";
  const std::string old_serial = *CertificateSerial(*ReadFile(relay + "/relay.crt"));
  const std::string renewed = net_->dir() + "/renewed";
  net_->Pki({"relay-cert", "--dir", net_->dir() + "/pki", "--out", renewed, "--dns", "localhost",
             "--ip", "127.0.0.1"});
  // Only the certificate is replaced: its key is not the one in relay.key.
  std::filesystem::rename(renewed + "/relay.crt", relay + "/relay.crt");
  ASSERT_TRUE(WaitFor([&] {
    return net_->relay().Log().find("TLS files not reloaded") != std::string::npos;
  })) << net_->relay().Log();
  EXPECT_NE(net_->relay().Log().find("relay.key is not the key of"), std::string::npos)
      << net_->relay().Log();
  EXPECT_NE(net_->relay().Log().find("still serving certificate serial " + old_serial),
            std::string::npos)
      << net_->relay().Log();
  absl::SleepFor(absl::Seconds(2));  // what gRPC would have picked up by now, had it been given
  EXPECT_EQ(ServedSerial(), old_serial);

  // Once the matching key follows, the new pair is served.
  std::filesystem::rename(renewed + "/relay.key", relay + "/relay.key");
  const std::string new_serial = *CertificateSerial(*ReadFile(relay + "/relay.crt"));
  EXPECT_TRUE(WaitFor([&] { return ServedSerial() == new_serial; })) << net_->relay().Log();
}

TEST_F(RelayCertificateReloadTest, ACertificateFromAnotherCaIsNeverServed) {
  const std::string relay = net_->dir() + "/relay";
  const std::string old_serial = *CertificateSerial(*ReadFile(relay + "/relay.crt"));
  const std::string other = net_->dir() + "/other-pki";
  net_->Pki({"init", "--dir", other});
  net_->Pki({"relay-cert", "--dir", other, "--out", other + "/relay", "--dns", "localhost", "--ip",
             "127.0.0.1"});
  std::filesystem::rename(other + "/relay/relay.key", relay + "/relay.key");
  std::filesystem::rename(other + "/relay/relay.crt", relay + "/relay.crt");
  ASSERT_TRUE(WaitFor([&] {
    return net_->relay().Log().find("does not verify against") != std::string::npos;
  })) << net_->relay().Log();
  absl::SleepFor(absl::Seconds(2));
  EXPECT_EQ(ServedSerial(), old_serial);
}

}  // namespace
}  // namespace poc::testing
