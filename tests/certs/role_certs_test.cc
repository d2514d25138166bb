// Certificates for each role in the federation, issued through the library.
#include "certs/role_certs.h"

#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "certs/ca.h"
#include "common/tls/peer_identity.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/certs/pki_test_support.h"

namespace poc::pki {
namespace {

using pkitest::HasCriticalExtension;
using pkitest::ListDir;
using pkitest::LoadCertificate;
using pkitest::ModeOf;
using pkitest::SanEntries;
using pkitest::Slurp;
using pkitest::TempDir;
using pkitest::VerifyChain;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class PkiIssueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CaSpec spec;
    spec.dir = pki_;
    ASSERT_TRUE(CertificateAuthority::Create(spec).ok());
  }

  IssueTarget Target(const std::string& out) const {
    IssueTarget target;
    target.pki_dir = pki_;
    target.out_dir = tmp_.Join(out);
    return target;
  }

  RelayCertRequest RelayRequest(const std::string& out, std::vector<std::string> dns = {},
                                std::vector<std::string> ips = {}) const {
    RelayCertRequest request;
    request.target = Target(out);
    request.dns_names = std::move(dns);
    request.ip_addresses = std::move(ips);
    return request;
  }

  ObserverCertRequest ObserverRequest(const std::string& out, const std::string& slug) const {
    ObserverCertRequest request;
    request.target = Target(out);
    request.slug = slug;
    return request;
  }

  NodeCertRequest NodeRequest(const std::string& state, const std::string& out) const {
    NodeCertRequest request;
    request.target = Target(out);
    request.state = state;
    return request;
  }

  TempDir tmp_;
  const std::string pki_ = tmp_.Join("pki");
};

TEST_F(PkiIssueTest, NodeCertChainsToTheCaAndNamesExactlyItsState) {
  auto written = IssueNodeCertificate(NodeRequest("FRA", "fra"));
  ASSERT_TRUE(written.ok()) << written.status();
  const std::string out = tmp_.Join("fra");

  EXPECT_EQ(VerifyChain(pki_ + "/ca.crt", out + "/node.crt", X509_PURPOSE_SSL_CLIENT), X509_V_OK);
  auto uris = CertificateUris(Slurp(out + "/node.crt"));
  ASSERT_TRUE(uris.ok()) << uris.status();
  EXPECT_THAT(*uris, ElementsAre("urn:poc:state:FRA"));
  auto identity = ParseIdentityUri(uris->front());
  ASSERT_TRUE(identity.ok());
  EXPECT_EQ(identity->role, Role::kState);
  EXPECT_EQ(identity->name, "FRA");

  X509Ptr cert = LoadCertificate(out + "/node.crt");
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(X509_get_extended_key_usage(cert.get()), static_cast<uint32_t>(XKU_SSL_CLIENT));
  EXPECT_EQ(X509_check_ca(cert.get()), 0);
  EXPECT_TRUE(HasCriticalExtension(cert.get(), NID_basic_constraints));
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_ecdsa_with_SHA256);
  char cn[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof(cn));
  EXPECT_STREQ(cn, "FRA node primary");
}

TEST_F(PkiIssueTest, NodeCertNamesTheNodeInItsCommonName) {
  NodeCertRequest request = NodeRequest("KEN", "ken");
  request.node_name = "backup-2";
  ASSERT_TRUE(IssueNodeCertificate(request).ok());

  X509Ptr cert = LoadCertificate(tmp_.Join("ken/node.crt"));
  ASSERT_NE(cert, nullptr);
  char cn[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof(cn));
  EXPECT_STREQ(cn, "KEN node backup-2");
}

TEST_F(PkiIssueTest, IssuedCertificatesCarryTheCaKeyIdAndALargePositiveSerial) {
  ASSERT_TRUE(IssueNodeCertificate(NodeRequest("FRA", "a")).ok());
  ASSERT_TRUE(IssueNodeCertificate(NodeRequest("FRA", "b")).ok());
  X509Ptr ca = LoadCertificate(pki_ + "/ca.crt");
  X509Ptr a = LoadCertificate(tmp_.Join("a/node.crt"));
  X509Ptr b = LoadCertificate(tmp_.Join("b/node.crt"));
  ASSERT_TRUE(ca != nullptr && a != nullptr && b != nullptr);

  ASSERT_NE(X509_get0_authority_key_id(a.get()), nullptr);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(a.get()),
                                  X509_get0_subject_key_id(ca.get())),
            0);
  EXPECT_NE(X509_get0_subject_key_id(a.get()), nullptr);
  BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(a.get()), nullptr));
  ASSERT_NE(serial, nullptr);
  EXPECT_FALSE(BN_is_negative(serial.get()));
  EXPECT_GE(BN_num_bits(serial.get()), 128);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a.get()), X509_get0_serialNumber(b.get())), 0);
}

TEST_F(PkiIssueTest, RelayCertCarriesTheRequestedDnsAndIpNamesForServerAuth) {
  RelayCertRequest request{
      Target("relay"), {"relay.example.org", "relay2.example.org"}, {"192.0.2.7", "2001:db8::1"}};
  auto written = IssueRelayCertificate(request);
  ASSERT_TRUE(written.ok()) << written.status();

  const std::string crt = tmp_.Join("relay/relay.crt");
  EXPECT_EQ(VerifyChain(pki_ + "/ca.crt", crt, X509_PURPOSE_SSL_SERVER), X509_V_OK);
  X509Ptr cert = LoadCertificate(crt);
  ASSERT_NE(cert, nullptr);
  EXPECT_THAT(SanEntries(cert.get(), GEN_DNS),
              ElementsAre("relay.example.org", "relay2.example.org"));
  EXPECT_THAT(SanEntries(cert.get(), GEN_IPADD), ElementsAre("192.0.2.7", "2001:db8::1"));
  EXPECT_THAT(SanEntries(cert.get(), GEN_URI), IsEmpty());
  EXPECT_EQ(X509_get_extended_key_usage(cert.get()), static_cast<uint32_t>(XKU_SSL_SERVER));
  EXPECT_EQ(X509_check_host(cert.get(), "relay.example.org", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "192.0.2.7", 0), 1);
}

TEST_F(PkiIssueTest, RelayCertNamesLocalhostWhenNoNameIsGiven) {
  ASSERT_TRUE(IssueRelayCertificate(RelayRequest("relay")).ok());

  X509Ptr cert = LoadCertificate(tmp_.Join("relay/relay.crt"));
  ASSERT_NE(cert, nullptr);
  EXPECT_THAT(SanEntries(cert.get(), GEN_DNS), ElementsAre("localhost"));
  EXPECT_THAT(SanEntries(cert.get(), GEN_IPADD), ElementsAre("127.0.0.1"));
}

TEST_F(PkiIssueTest, RelayCertRejectsAMalformedAddressAndWritesNothing) {
  auto written = IssueRelayCertificate(RelayRequest("relay", {}, {"300.1.1.1"}));
  EXPECT_EQ(written.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(written.status().message()), HasSubstr("'300.1.1.1'"));
  EXPECT_EQ(ModeOf(tmp_.Join("relay")), -1);
}

TEST_F(PkiIssueTest, AdminAndObserverCertsCarryTheirIdentityUrisForClientAuth) {
  ASSERT_TRUE(IssueAdminCertificate(Target("admin")).ok());
  ASSERT_TRUE(IssueObserverCertificate(ObserverRequest("obs", "cert-eu")).ok());

  auto admin_uris = CertificateUris(Slurp(tmp_.Join("admin/admin.crt")));
  ASSERT_TRUE(admin_uris.ok());
  EXPECT_THAT(*admin_uris, ElementsAre("urn:poc:secretariat"));
  auto observer_uris = CertificateUris(Slurp(tmp_.Join("obs/observer.crt")));
  ASSERT_TRUE(observer_uris.ok());
  EXPECT_THAT(*observer_uris, ElementsAre("urn:poc:observer:cert-eu"));
  for (const std::string crt : {"admin/admin.crt", "obs/observer.crt"}) {
    EXPECT_EQ(VerifyChain(pki_ + "/ca.crt", tmp_.Join(crt), X509_PURPOSE_SSL_CLIENT), X509_V_OK)
        << crt;
  }
}

TEST_F(PkiIssueTest, ObserverCertRejectsAMalformedSlug) {
  for (const std::string& slug :
       std::vector<std::string>{"", "CERT-EU", "cert_eu", std::string(65, 'a')}) {
    auto written = IssueObserverCertificate(ObserverRequest("obs", slug));
    EXPECT_EQ(written.status().code(), absl::StatusCode::kInvalidArgument) << slug;
  }
  EXPECT_EQ(ModeOf(tmp_.Join("obs")), -1);
}

TEST_F(PkiIssueTest, PrivateKeysAreWrittenWithMode0600) {
  ASSERT_TRUE(IssueNodeCertificate(NodeRequest("FRA", "out")).ok());
  EXPECT_EQ(ModeOf(tmp_.Join("out")), 0700);
  EXPECT_EQ(ModeOf(tmp_.Join("out/node.key")), 0600);
  EXPECT_EQ(ModeOf(tmp_.Join("out/node.crt")), 0644);
  EXPECT_EQ(ModeOf(tmp_.Join("out/ca.crt")), 0644);
}

TEST_F(PkiIssueTest, BackdatedCertificateHasExpired) {
  IssueTarget target = Target("old");
  target.validity = Validity{1, 10};
  NodeCertRequest request;
  request.target = target;
  request.state = "FRA";
  ASSERT_TRUE(IssueNodeCertificate(request).ok());

  EXPECT_EQ(VerifyChain(pki_ + "/ca.crt", tmp_.Join("old/node.crt")), X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST_F(PkiIssueTest, RejectsAnInvalidStateCodeBeforeWritingAnything) {
  auto written = IssueNodeCertificate(NodeRequest("FRX", "out"));
  EXPECT_EQ(written.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(written.status().message()),
            "'FRX' is not an ISO 3166-1 alpha-3 code (for example FRA, KEN, BRA); give --state "
            "the State's three-letter code");
  EXPECT_EQ(ModeOf(tmp_.Join("out")), -1);
}

TEST_F(PkiIssueTest, RejectsALowercaseStateCodeSuggestingTheUppercaseOne) {
  auto written = IssueNodeCertificate(NodeRequest("fra", "out"));
  EXPECT_EQ(written.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(written.status().message()), HasSubstr("'fra'"));
  EXPECT_THAT(std::string(written.status().message()), HasSubstr("--state FRA"));
  EXPECT_EQ(ModeOf(tmp_.Join("out")), -1);
}

TEST_F(PkiIssueTest, RefusesToOverwriteAnExistingKeyAndWritesNothingElse) {
  const std::string out = tmp_.Join("out");
  ASSERT_EQ(::mkdir(out.c_str(), 0700), 0);
  { std::ofstream(out + "/node.key") << "precious"; }

  auto written = IssueNodeCertificate(NodeRequest("FRA", "out"));
  EXPECT_EQ(written.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(written.status().message()), HasSubstr(out + "/node.key"));
  EXPECT_EQ(Slurp(out + "/node.key"), "precious");
  EXPECT_THAT(ListDir(out), ElementsAre("node.key"));
}

TEST_F(PkiIssueTest, RefusesToOverwriteAnExistingCertificateAndKeepsIt) {
  ASSERT_TRUE(IssueNodeCertificate(NodeRequest("FRA", "out")).ok());
  const std::string out = tmp_.Join("out");
  ASSERT_EQ(::unlink((out + "/node.key").c_str()), 0);
  const std::string cert_before = Slurp(out + "/node.crt");

  auto written = IssueNodeCertificate(NodeRequest("FRA", "out"));
  EXPECT_EQ(written.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Slurp(out + "/node.crt"), cert_before);
  EXPECT_THAT(ListDir(out), ElementsAre("ca.crt", "node.crt"));
}

TEST_F(PkiIssueTest, KeepsAnIdenticalCaCopyNextToNewCertificates) {
  auto node = IssueNodeCertificate(NodeRequest("FRA", "out"));
  ASSERT_TRUE(node.ok());
  EXPECT_TRUE(node->ca_copied);
  auto relay = IssueRelayCertificate(RelayRequest("out"));
  ASSERT_TRUE(relay.ok()) << relay.status();
  EXPECT_FALSE(relay->ca_copied);
  EXPECT_EQ(Slurp(tmp_.Join("out/ca.crt")), Slurp(pki_ + "/ca.crt"));
}

TEST_F(PkiIssueTest, RefusesACaCopyFromAnotherPkiAndWritesNothing) {
  const std::string out = tmp_.Join("out");
  ASSERT_EQ(::mkdir(out.c_str(), 0700), 0);
  { std::ofstream(out + "/ca.crt") << "another root"; }

  auto written = IssueNodeCertificate(NodeRequest("FRA", "out"));
  EXPECT_EQ(written.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(written.status().message()), HasSubstr("differs from"));
  EXPECT_EQ(Slurp(out + "/ca.crt"), "another root");
  EXPECT_THAT(ListDir(out), ElementsAre("ca.crt"));
}

TEST_F(PkiIssueTest, WithoutACaSaysToRunInit) {
  NodeCertRequest request = NodeRequest("FRA", "out");
  request.target.pki_dir = tmp_.Join("missing");
  auto written = IssueNodeCertificate(request);
  EXPECT_EQ(written.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(written.status().message()),
              HasSubstr("run `poc-pki init --dir " + tmp_.Join("missing") + "` first"));
  EXPECT_EQ(ModeOf(tmp_.Join("out")), -1);
}

}  // namespace
}  // namespace poc::pki
