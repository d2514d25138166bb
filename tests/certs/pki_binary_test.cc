// The real poc-pki binary, run as a user runs it: exit codes, messages and files on disk.
#include <openssl/x509_vfy.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/crypto/ed25519.h"
#include "common/crypto/key_files.h"
#include "common/directory/key_possession.h"
#include "common/encoding/base64.h"
#include "common/tls/peer_identity.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/certs/pki_test_support.h"

namespace poc::pki {
namespace {

using pkitest::Exists;
using pkitest::ListDir;
using pkitest::ModeOf;
using pkitest::RunPki;
using pkitest::RunResult;
using pkitest::Slurp;
using pkitest::TempDir;
using pkitest::VerifyChain;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

class PkiBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Exists(pkitest::PkiBinaryPath())) << pkitest::PkiBinaryPath();
    const RunResult init = RunPki({"init", "--dir", pki_});
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }

  // Snapshot of every file under the temp folder, to prove a command changed nothing.
  std::map<std::string, std::string> Snapshot() const {
    std::map<std::string, std::string> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(tmp_.path())) {
      if (entry.is_regular_file()) {
        files[entry.path().string()] = Slurp(entry.path().string());
      }
    }
    return files;
  }

  TempDir tmp_;
  const std::string pki_ = tmp_.Join("pki");
};

TEST_F(PkiBinaryTest, InitMakesACaWhoseCertificateVerifiesAgainstItself) {
  EXPECT_EQ(VerifyChain(pki_ + "/ca.crt", pki_ + "/ca.crt"), X509_V_OK);
  EXPECT_EQ(ModeOf(pki_), 0700);
  EXPECT_EQ(ModeOf(pki_ + "/ca.key"), 0600);
}

TEST_F(PkiBinaryTest, NodeCertChainsToTheCaWithExactlyTheStateUriAndClientAuth) {
  const std::string out = tmp_.Join("fra");
  const RunResult r = RunPki({"node-cert", "--dir", pki_, "--state", "FRA", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("urn:poc:state:FRA"));

  EXPECT_EQ(VerifyChain(out + "/ca.crt", out + "/node.crt", X509_PURPOSE_SSL_CLIENT), X509_V_OK);
  auto uris = CertificateUris(Slurp(out + "/node.crt"));
  ASSERT_TRUE(uris.ok()) << uris.status();
  EXPECT_THAT(*uris, ElementsAre("urn:poc:state:FRA"));
  X509Ptr cert = pkitest::LoadCertificate(out + "/node.crt");
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(X509_get_extended_key_usage(cert.get()), static_cast<uint32_t>(XKU_SSL_CLIENT));
  EXPECT_EQ(Slurp(out + "/ca.crt"), Slurp(pki_ + "/ca.crt"));
}

TEST_F(PkiBinaryTest, RelayCertHasTheDnsAndIpNamesAndServerAuth) {
  const std::string out = tmp_.Join("relay");
  const RunResult r = RunPki({"relay-cert", "--dir", pki_, "--out", out, "--dns", "localhost",
                              "--dns", "relay.example.org", "--ip", "127.0.0.1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  EXPECT_EQ(VerifyChain(out + "/ca.crt", out + "/relay.crt", X509_PURPOSE_SSL_SERVER), X509_V_OK);
  X509Ptr cert = pkitest::LoadCertificate(out + "/relay.crt");
  ASSERT_NE(cert, nullptr);
  EXPECT_THAT(pkitest::SanEntries(cert.get(), GEN_DNS),
              ElementsAre("localhost", "relay.example.org"));
  EXPECT_THAT(pkitest::SanEntries(cert.get(), GEN_IPADD), ElementsAre("127.0.0.1"));
  EXPECT_EQ(X509_get_extended_key_usage(cert.get()), static_cast<uint32_t>(XKU_SSL_SERVER));
}

TEST_F(PkiBinaryTest, EveryPrivateKeyFileIsMode0600) {
  const std::string out = tmp_.Join("out");
  ASSERT_EQ(RunPki({"relay-cert", "--dir", pki_, "--out", out}).exit_code, 0);
  ASSERT_EQ(RunPki({"node-cert", "--dir", pki_, "--state", "KEN", "--out", out}).exit_code, 0);
  ASSERT_EQ(RunPki({"admin-cert", "--dir", pki_, "--out", out}).exit_code, 0);
  ASSERT_EQ(RunPki({"observer-cert", "--dir", pki_, "--slug", "cert-eu", "--out", out}).exit_code,
            0);
  ASSERT_EQ(RunPki({"signing-key", "--out", out}).exit_code, 0);

  EXPECT_THAT(ListDir(out), ElementsAre("admin.crt", "admin.key", "ca.crt", "node.crt", "node.key",
                                        "observer.crt", "observer.key", "relay.crt", "relay.key",
                                        "signing.key", "signing.pub"));
  for (const char* key : {"ca.key"}) {
    EXPECT_EQ(ModeOf(pki_ + "/" + key), 0600);
  }
  for (const char* key : {"relay.key", "node.key", "admin.key", "observer.key", "signing.key"}) {
    EXPECT_EQ(ModeOf(out + "/" + key), 0600) << key;
  }
  for (const char* crt : {"relay.crt", "node.crt", "admin.crt", "observer.crt", "ca.crt"}) {
    EXPECT_EQ(ModeOf(out + "/" + crt), 0644) << crt;
  }
}

TEST_F(PkiBinaryTest, EveryCommandRefusesToOverwriteAndLeavesTheFilesUnchanged) {
  const std::string out = tmp_.Join("out");
  const std::vector<std::vector<std::string>> commands = {
      {"init", "--dir", pki_},
      {"relay-cert", "--dir", pki_, "--out", out},
      {"node-cert", "--dir", pki_, "--state", "FRA", "--out", out},
      {"admin-cert", "--dir", pki_, "--out", out},
      {"observer-cert", "--dir", pki_, "--slug", "cert-eu", "--out", out},
      {"signing-key", "--out", out},
  };
  for (const auto& command : commands) {
    if (command[0] != "init") {
      ASSERT_EQ(RunPki(command).exit_code, 0) << command[0];
    }
  }
  const auto before = Snapshot();

  for (const auto& command : commands) {
    const RunResult r = RunPki(command);
    EXPECT_EQ(r.exit_code, 1) << command[0];
    EXPECT_THAT(r.err, StartsWith("poc-pki: ")) << command[0];
    EXPECT_THAT(r.err, HasSubstr("already exists")) << command[0];
    EXPECT_EQ(Snapshot(), before) << command[0];
  }
}

TEST_F(PkiBinaryTest, AnExistingCertificateAloneBlocksTheCommand) {
  const std::string out = tmp_.Join("out");
  ASSERT_EQ(RunPki({"admin-cert", "--dir", pki_, "--out", out}).exit_code, 0);
  ASSERT_EQ(::unlink((out + "/admin.key").c_str()), 0);
  const auto before = Snapshot();

  const RunResult r = RunPki({"admin-cert", "--dir", pki_, "--out", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(out + "/admin.crt: already exists"));
  EXPECT_EQ(Snapshot(), before);
  EXPECT_FALSE(Exists(out + "/admin.key"));
}

TEST_F(PkiBinaryTest, RejectsAnInvalidStateCodeNamingItAndWritesNothing) {
  const std::string out = tmp_.Join("out");
  const RunResult r = RunPki({"node-cert", "--dir", pki_, "--state", "FRX", "--out", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "poc-pki: 'FRX' is not an ISO 3166-1 alpha-3 code (for example FRA, KEN, BRA); give "
            "--state the State's three-letter code\n");
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_FALSE(Exists(out));
}

TEST_F(PkiBinaryTest, RejectsALowercaseStateCodeSuggestingTheUppercaseOne) {
  const std::string out = tmp_.Join("out");
  const RunResult r = RunPki({"node-cert", "--dir", pki_, "--state", "fra", "--out", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("poc-pki: 'fra' is not an ISO 3166-1 alpha-3 code"));
  EXPECT_THAT(r.err, HasSubstr("FRA"));
  EXPECT_FALSE(Exists(out));
}

TEST_F(PkiBinaryTest, SigningKeyPrintsTheKeyIdOfTheKeyItWrote) {
  const std::string out = tmp_.Join("keys");
  const RunResult r = RunPki({"signing-key", "--out", out, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json printed = nlohmann::json::parse(r.out);

  auto key = LoadPrivateKeyFile(out + "/signing.key");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(printed.at("key_id").get<std::string>(), KeyIdOf(key->public_key().raw()));
  EXPECT_EQ(printed.at("public_key").get<std::string>(), Base64Encode(key->public_key().raw()));
  EXPECT_EQ(printed.at("file").get<std::string>(), out + "/signing.pub");
  auto pub = LoadPublicKeyFile(out + "/signing.pub");
  ASSERT_TRUE(pub.ok()) << pub.status();
  EXPECT_EQ(pub->key_id(), printed.at("key_id").get<std::string>());
}

TEST_F(PkiBinaryTest, SigningKeyWithoutJsonPrintsTheKeyIdForPeople) {
  const std::string out = tmp_.Join("keys");
  const RunResult r = RunPki({"signing-key", "--out", out, "--name", "relay"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto key = LoadPrivateKeyFile(out + "/relay.key");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_THAT(r.out, HasSubstr("key id:      " + key->public_key().key_id() + "\n"));
  EXPECT_THAT(r.out, HasSubstr(Base64Encode(key->public_key().raw())));
}

TEST_F(PkiBinaryTest, SigningKeyForAStatePrintsAProofOfPossessionForThatState) {
  const std::string out = tmp_.Join("keys");
  const RunResult r = RunPki({"signing-key", "--out", out, "--state", "KEN", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json printed = nlohmann::json::parse(r.out);
  auto key = LoadPrivateKeyFile(out + "/signing.key");
  ASSERT_TRUE(key.ok()) << key.status();
  auto proof = Base64Decode(printed.at("proof").get<std::string>());
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(KeyPossessionValid(key->public_key(), "KEN", *proof));
  EXPECT_FALSE(KeyPossessionValid(key->public_key(), "FRA", *proof));
  EXPECT_EQ(printed.at("state").get<std::string>(), "KEN");
}

TEST_F(PkiBinaryTest, KeyProofPrintsTheDirectoryLinesForAnExistingKeyAndWritesNothing) {
  const std::string out = tmp_.Join("keys");
  ASSERT_EQ(RunPki({"signing-key", "--out", out}).exit_code, 0);
  const auto before = ListDir(out);
  const RunResult r = RunPki({"key-proof", "--key", out + "/signing.key", "--state", "BRA"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto key = LoadPrivateKeyFile(out + "/signing.key");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_THAT(r.out, HasSubstr("public_key = \"" + Base64Encode(key->public_key().raw()) + "\""));
  const size_t at = r.out.find("proof = \"");
  ASSERT_NE(at, std::string::npos) << r.out;
  const std::string b64 = r.out.substr(at + 9, r.out.find('"', at + 9) - at - 9);
  auto proof = Base64Decode(b64);
  ASSERT_TRUE(proof.ok()) << b64;
  EXPECT_TRUE(KeyPossessionValid(key->public_key(), "BRA", *proof));
  EXPECT_EQ(ListDir(out), before);
}

TEST_F(PkiBinaryTest, KeyProofRefusesAnUnknownStateCode) {
  const std::string out = tmp_.Join("keys");
  ASSERT_EQ(RunPki({"signing-key", "--out", out}).exit_code, 0);
  const RunResult r = RunPki({"key-proof", "--key", out + "/signing.key", "--state", "XXX"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--state: 'XXX' is not an ISO 3166-1 alpha-3 code"));
}

TEST_F(PkiBinaryTest, BackdatedCertificateHasExpired) {
  const std::string out = tmp_.Join("old");
  const RunResult r = RunPki({"node-cert", "--dir", pki_, "--state", "FRA", "--out", out, "--days",
                              "1", "--backdate-days", "10"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(VerifyChain(out + "/ca.crt", out + "/node.crt"), X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST_F(PkiBinaryTest, MissingCaSaysToRunInit) {
  const std::string missing = tmp_.Join("nowhere");
  const RunResult r = RunPki({"admin-cert", "--dir", missing, "--out", tmp_.Join("out")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "poc-pki: " + missing + "/ca.key: no such file; run `poc-pki init --dir " +
                       missing + "` first\n");
  EXPECT_FALSE(Exists(tmp_.Join("out")));
}

TEST_F(PkiBinaryTest, ADifferentCaCopyInTheOutputFolderIsAnError) {
  const std::string other = tmp_.Join("other-pki");
  ASSERT_EQ(RunPki({"init", "--dir", other}).exit_code, 0);
  const std::string out = tmp_.Join("out");
  ASSERT_EQ(RunPki({"admin-cert", "--dir", other, "--out", out}).exit_code, 0);
  const auto before = Snapshot();

  const RunResult r = RunPki({"node-cert", "--dir", pki_, "--state", "FRA", "--out", out});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(out + "/ca.crt: differs from"));
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(PkiBinaryTest, UsageErrorsExitWithTwo) {
  EXPECT_EQ(RunPki({}).exit_code, 2);
  EXPECT_EQ(RunPki({"node-cert", "--dir", pki_, "--state", "FRA"}).exit_code, 2);
  EXPECT_EQ(RunPki({"node-cert", "--dir", pki_, "--state", "FRA", "--out", tmp_.Join("o"), "--days",
                    "many"})
                .exit_code,
            2);
  EXPECT_EQ(RunPki({"frobnicate"}).exit_code, 2);
  EXPECT_FALSE(Exists(tmp_.Join("o")));
}

TEST_F(PkiBinaryTest, HelpOfEachSubcommandSaysWhatItMakesAndWhere) {
  const std::map<std::string, std::vector<std::string>> expected = {
      {"init", {"PKI/ca.key", "PKI/ca.crt"}},
      {"relay-cert", {"DIR/relay.key", "DIR/relay.crt", "DIR/ca.crt", "serverAuth"}},
      {"node-cert", {"DIR/node.key", "DIR/node.crt", "urn:poc:state:<ISO3>", "clientAuth"}},
      {"admin-cert", {"DIR/admin.key", "urn:poc:secretariat"}},
      {"observer-cert", {"DIR/observer.key", "urn:poc:observer:<SLUG>"}},
      {"signing-key", {"DIR/<name>.key", "DIR/<name>.pub", "key id"}},
      {"show", {"fingerprint", "key id"}},
  };
  for (const auto& [command, phrases] : expected) {
    const RunResult r = RunPki({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    for (const std::string& phrase : phrases) {
      EXPECT_THAT(r.out, HasSubstr(phrase)) << command;
    }
  }
}

TEST_F(PkiBinaryTest, ShowDescribesACertificate) {
  const std::string out = tmp_.Join("out");
  ASSERT_EQ(RunPki({"observer-cert", "--dir", pki_, "--slug", "cert-eu", "--out", out}).exit_code,
            0);
  const RunResult r = RunPki({"show", out + "/observer.crt", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json shown = nlohmann::json::parse(r.out);

  EXPECT_EQ(shown.at("subject").get<std::string>(), "CN=PoC observer cert-eu");
  EXPECT_EQ(shown.at("issuer").get<std::string>(), "CN=PoC Federation Root CA");
  EXPECT_EQ(shown.at("subject_alt_names"), nlohmann::json({"URI:urn:poc:observer:cert-eu"}));
  X509Ptr cert = pkitest::LoadCertificate(out + "/observer.crt");
  ASSERT_NE(cert, nullptr);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  ASSERT_EQ(X509_digest(cert.get(), EVP_sha256(), digest, &length), 1);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    static const char kHex[] = "0123456789abcdef";
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  EXPECT_EQ(shown.at("sha256_fingerprint").get<std::string>(), hex);
  EXPECT_THAT(shown.at("not_before").get<std::string>(), ::testing::EndsWith("Z"));
  EXPECT_THAT(shown.at("not_after").get<std::string>(), ::testing::EndsWith("Z"));

  const RunResult human = RunPki({"show", out + "/observer.crt"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_THAT(human.out, HasSubstr("URI:urn:poc:observer:cert-eu"));
  EXPECT_THAT(human.out, HasSubstr(hex));
}

TEST_F(PkiBinaryTest, ShowDescribesASigningPublicKey) {
  const std::string out = tmp_.Join("keys");
  const RunResult made = RunPki({"signing-key", "--out", out, "--json"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const nlohmann::json printed = nlohmann::json::parse(made.out);

  const RunResult r = RunPki({"show", out + "/signing.pub", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json shown = nlohmann::json::parse(r.out);
  EXPECT_EQ(shown.at("key_id"), printed.at("key_id"));
  EXPECT_EQ(shown.at("public_key"), printed.at("public_key"));
}

TEST_F(PkiBinaryTest, ShowRefusesToPrintAPrivateKey) {
  const RunResult r = RunPki({"show", pki_ + "/ca.key"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("poc-pki: " + pki_ + "/ca.key holds a private key"));
  EXPECT_THAT(r.out, IsEmpty());
}

}  // namespace
}  // namespace poc::pki
