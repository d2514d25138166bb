// The federation root CA made by `poc-pki init`, driven through the library.
#include "certs/ca.h"

#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/certs/pki_test_support.h"

namespace poc::pki {
namespace {

using pkitest::Exists;
using pkitest::HasCriticalExtension;
using pkitest::LoadCertificate;
using pkitest::ModeOf;
using pkitest::Slurp;
using pkitest::TempDir;
using pkitest::VerifyChain;
using ::testing::HasSubstr;

CaSpec SpecFor(const std::string& dir) {
  CaSpec spec;
  spec.dir = dir;
  return spec;
}

TEST(PkiCaTest, InitMakesASelfSignedCaCertificateThatVerifiesAgainstItself) {
  TempDir tmp;
  const std::string dir = tmp.Join("pki");
  auto ca = CertificateAuthority::Create(SpecFor(dir));
  ASSERT_TRUE(ca.ok()) << ca.status();

  EXPECT_EQ(VerifyChain(dir + "/ca.crt", dir + "/ca.crt"), X509_V_OK);
  X509Ptr cert = LoadCertificate(dir + "/ca.crt");
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(X509_get_version(cert.get()), X509_VERSION_3);
  EXPECT_EQ(X509_check_ca(cert.get()), 1);
  EXPECT_TRUE(HasCriticalExtension(cert.get(), NID_basic_constraints));
  EXPECT_TRUE(HasCriticalExtension(cert.get(), NID_key_usage));
  EXPECT_EQ(X509_get_key_usage(cert.get()), static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  ASSERT_NE(X509_get0_subject_key_id(cert.get()), nullptr);
  ASSERT_NE(X509_get0_authority_key_id(cert.get()), nullptr);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_subject_key_id(cert.get()),
                                  X509_get0_authority_key_id(cert.get())),
            0);
  EXPECT_EQ(EVP_PKEY_get_base_id(X509_get0_pubkey(cert.get())), EVP_PKEY_EC);
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_ecdsa_with_SHA256);
}

TEST(PkiCaTest, InitUsesTheGivenNameAndValidity) {
  TempDir tmp;
  CaSpec spec = SpecFor(tmp.Join("pki"));
  spec.name = "Test Root";
  spec.validity.days = 10;
  ASSERT_TRUE(CertificateAuthority::Create(spec).ok());

  X509Ptr cert = LoadCertificate(tmp.Join("pki/ca.crt"));
  ASSERT_NE(cert, nullptr);
  char cn[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof(cn));
  EXPECT_STREQ(cn, "Test Root");
  int days = 0;
  int seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(cert.get()),
                           X509_get0_notAfter(cert.get())),
            1);
  EXPECT_EQ(days, 10);
  EXPECT_EQ(seconds, 0);
}

TEST(PkiCaTest, InitCreatesAPrivateFolderAndAKeyOnlyItsOwnerCanRead) {
  TempDir tmp;
  const std::string dir = tmp.Join("nested/pki");
  ASSERT_TRUE(CertificateAuthority::Create(SpecFor(dir)).ok());

  EXPECT_EQ(ModeOf(dir), 0700);
  EXPECT_EQ(ModeOf(dir + "/ca.key"), 0600);
  EXPECT_EQ(ModeOf(dir + "/ca.crt"), 0644);
}

TEST(PkiCaTest, InitRefusesAnExistingCaKeyAndLeavesItUnchanged) {
  TempDir tmp;
  const std::string dir = tmp.Join("pki");
  ASSERT_TRUE(CertificateAuthority::Create(SpecFor(dir)).ok());
  const std::string key_before = Slurp(dir + "/ca.key");
  const std::string cert_before = Slurp(dir + "/ca.crt");

  auto again = CertificateAuthority::Create(SpecFor(dir));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(again.status().message()), HasSubstr(dir + "/ca.key"));
  EXPECT_EQ(Slurp(dir + "/ca.key"), key_before);
  EXPECT_EQ(Slurp(dir + "/ca.crt"), cert_before);
}

TEST(PkiCaTest, InitRefusesAFolderWithAStrayCaCertificateAndWritesNoKey) {
  TempDir tmp;
  const std::string dir = tmp.Join("pki");
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  { std::ofstream(dir + "/ca.crt") << "old"; }

  auto ca = CertificateAuthority::Create(SpecFor(dir));
  EXPECT_EQ(ca.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_FALSE(Exists(dir + "/ca.key"));
  EXPECT_EQ(Slurp(dir + "/ca.crt"), "old");
}

TEST(PkiCaTest, LoadWithoutInitSaysToRunInit) {
  TempDir tmp;
  const std::string dir = tmp.Join("pki");
  auto ca = CertificateAuthority::Load(dir);
  EXPECT_EQ(ca.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(std::string(ca.status().message()),
            dir + "/ca.key: no such file; run `poc-pki init --dir " + dir + "` first");
}

TEST(PkiCaTest, LoadRefusesACaKeyOtherUsersCanRead) {
  TempDir tmp;
  const std::string dir = tmp.Join("pki");
  ASSERT_TRUE(CertificateAuthority::Create(SpecFor(dir)).ok());
  ASSERT_EQ(::chmod((dir + "/ca.key").c_str(), 0644), 0);

  auto ca = CertificateAuthority::Load(dir);
  EXPECT_FALSE(ca.ok());
  EXPECT_THAT(std::string(ca.status().message()), HasSubstr("chmod 600"));
}

TEST(PkiCaTest, LoadRefusesACertificateFromAnotherCa) {
  TempDir tmp;
  ASSERT_TRUE(CertificateAuthority::Create(SpecFor(tmp.Join("a"))).ok());
  ASSERT_TRUE(CertificateAuthority::Create(SpecFor(tmp.Join("b"))).ok());
  std::filesystem::copy_file(tmp.Join("b/ca.crt"), tmp.Join("a/ca.crt"),
                             std::filesystem::copy_options::overwrite_existing);

  auto ca = CertificateAuthority::Load(tmp.Join("a"));
  EXPECT_EQ(ca.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(ca.status().message()), HasSubstr("does not belong to"));
}

TEST(PkiCaTest, LoadReturnsTheCertificateBytesOnDisk) {
  TempDir tmp;
  const std::string dir = tmp.Join("pki");
  ASSERT_TRUE(CertificateAuthority::Create(SpecFor(dir)).ok());

  auto ca = CertificateAuthority::Load(dir);
  ASSERT_TRUE(ca.ok()) << ca.status();
  EXPECT_EQ(ca->certificate_pem(), Slurp(dir + "/ca.crt"));
  EXPECT_EQ(X509_check_private_key(ca->certificate(), ca->key()), 1);
}

}  // namespace
}  // namespace poc::pki
