#include "common/tls/peer_identity.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/test_util.h"

namespace poc {
namespace {

using ::poc::testutil::MessageOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

// A self-signed Ed25519 certificate in PEM. `san` is in openssl.cnf syntax
// ("URI:urn:poc:state:FRA,DNS:relay.example"); empty means no SAN extension. Returns "" on an
// OpenSSL failure, which the callers assert against.
std::string SelfSignedPem(const std::string& san) {
  std::unique_ptr<EVP_PKEY, PkeyFree> pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  std::unique_ptr<X509, X509Free> cert(X509_new());
  if (!pkey || !cert) return "";
  X509_set_version(cert.get(), 2);  // v3
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("poc test"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), pkey.get());
  if (!san.empty()) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san.c_str());
    if (ext == nullptr) return "";
    const int added = X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
    if (added != 1) return "";
  }
  if (X509_sign(cert.get(), pkey.get(), nullptr) <= 0) return "";  // Ed25519 takes no digest
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(bio.get(), cert.get()) != 1) return "";
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

TEST(PeerIdentityTest, ParsesAStateUri) {
  auto id = ParseIdentityUri("urn:poc:state:FRA");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->role, Role::kState);
  EXPECT_EQ(id->name, "FRA");
  EXPECT_EQ(id->uri, "urn:poc:state:FRA");
}

TEST(PeerIdentityTest, ParsesTheSecretariatUri) {
  auto id = ParseIdentityUri("urn:poc:secretariat");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->role, Role::kSecretariat);
  EXPECT_EQ(id->name, "secretariat");
  EXPECT_EQ(id->uri, "urn:poc:secretariat");
}

TEST(PeerIdentityTest, ParsesAnObserverUri) {
  auto id = ParseIdentityUri("urn:poc:observer:first-cert-2");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->role, Role::kObserver);
  EXPECT_EQ(id->name, "first-cert-2");
}

TEST(PeerIdentityTest, RejectsAStateThatIsNotAnIsoCode) {
  for (const char* uri :
       {"urn:poc:state:FRX", "urn:poc:state:fra", "urn:poc:state:", "urn:poc:state:FRAN"}) {
    auto id = ParseIdentityUri(uri);
    EXPECT_EQ(id.status().code(), absl::StatusCode::kPermissionDenied) << uri;
  }
  EXPECT_THAT(MessageOf(ParseIdentityUri("urn:poc:state:FRX").status()), HasSubstr("'FRX'"));
}

TEST(PeerIdentityTest, RejectsAMalformedObserverSlug) {
  for (const std::string& uri :
       {std::string("urn:poc:observer:Bad_Slug"), std::string("urn:poc:observer:"),
        std::string("urn:poc:observer:a b"),
        std::string("urn:poc:observer:") + std::string(65, 'a')}) {
    EXPECT_EQ(ParseIdentityUri(uri).status().code(), absl::StatusCode::kPermissionDenied) << uri;
  }
  EXPECT_TRUE(ParseIdentityUri(std::string("urn:poc:observer:") + std::string(64, 'a')).ok());
}

TEST(PeerIdentityTest, RejectsForeignUris) {
  for (const char* uri : {"https://relay.example/state/FRA", "urn:other:state:FRA",
                          "urn:poc:secretariat:x", "URN:POC:STATE:FRA", ""}) {
    EXPECT_EQ(ParseIdentityUri(uri).status().code(), absl::StatusCode::kPermissionDenied) << uri;
  }
}

TEST(PeerIdentityTest, NamesRoles) {
  EXPECT_STREQ(RoleName(Role::kState), "state");
  EXPECT_STREQ(RoleName(Role::kSecretariat), "secretariat");
  EXPECT_STREQ(RoleName(Role::kObserver), "observer");
}

TEST(PeerIdentityTest, CertificateUrisReturnsExactlyTheUriSans) {
  const std::string pem = SelfSignedPem(
      "URI:urn:poc:state:FRA,DNS:relay.example,URI:urn:poc:observer:first-cert,"
      "email:pocs@example.org");
  ASSERT_FALSE(pem.empty());
  auto uris = CertificateUris(pem);
  ASSERT_TRUE(uris.ok()) << uris.status();
  EXPECT_THAT(*uris, ElementsAre("urn:poc:state:FRA", "urn:poc:observer:first-cert"));
}

TEST(PeerIdentityTest, CertificateWithoutSanHasNoUris) {
  const std::string pem = SelfSignedPem("");
  ASSERT_FALSE(pem.empty());
  auto uris = CertificateUris(pem);
  ASSERT_TRUE(uris.ok()) << uris.status();
  EXPECT_THAT(*uris, IsEmpty());
}

TEST(PeerIdentityTest, CertificateUrisRejectsTextThatIsNotACertificate) {
  EXPECT_EQ(CertificateUris("not a certificate").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CertificateUris("").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace poc
