#include "common/checkpoint/note.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/crypto/ed25519.h"
#include "common/encoding/base64.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace poc {
namespace {

using ::testing::HasSubstr;

// Published vectors of golang.org/x/mod/sumdb/note (note_test.go), the reference implementation
// of C2SP signed-note: a signer key, its vkey, and a note it signed.
constexpr char kPeterSkeyData[] = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";  // 0x01 || seed
constexpr char kPeterVkey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr char kEnochVkey[] = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr char kText[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr char kPeterSig[] =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
constexpr char kEnochSig[] =
    "\xE2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
    "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

Ed25519PrivateKey PeterKey() {
  auto skey = Base64Decode(kPeterSkeyData);
  EXPECT_TRUE(skey.ok());
  auto key = Ed25519PrivateKey::FromSeed(skey->substr(1));
  EXPECT_TRUE(key.ok()) << key.status();
  return *std::move(key);
}

Ed25519NoteVerifier Verifier(const char* vkey) {
  auto verifier = Ed25519NoteVerifier::FromVerifierKey(vkey);
  EXPECT_TRUE(verifier.ok()) << verifier.status();
  return *std::move(verifier);
}

Ed25519NoteSigner NewSigner(const std::string& name) {
  auto key = Ed25519PrivateKey::Generate();
  EXPECT_TRUE(key.ok());
  auto signer = Ed25519NoteSigner::Create(name, *std::move(key));
  EXPECT_TRUE(signer.ok()) << signer.status();
  return *std::move(signer);
}

std::string Sign(std::string_view text, const NoteSigner& signer) {
  const NoteSigner* signers[] = {&signer};
  auto note = SignNote(text, signers);
  EXPECT_TRUE(note.ok()) << note.status();
  return note.ok() ? *note : std::string();
}

absl::StatusOr<OpenedNote> Open(std::string_view note, const NoteVerifier& verifier) {
  const NoteVerifier* verifiers[] = {&verifier};
  return OpenNote(note, verifiers);
}

TEST(NoteConformanceTest, ReproducesTheGoReferenceKeyAndSignature) {
  auto signer = Ed25519NoteSigner::Create("PeterNeumann", PeterKey());
  ASSERT_TRUE(signer.ok()) << signer.status();
  EXPECT_EQ(signer->key_id(), 0xc74f20a3u);
  EXPECT_EQ(signer->VerifierKey(), kPeterVkey);
  EXPECT_EQ(Sign(kText, *signer), std::string(kText) + "\n" + kPeterSig);
}

TEST(NoteConformanceTest, OpensTheGoReferenceNoteWithOneKnownAndOneUnknownSigner) {
  const Ed25519NoteVerifier peter = Verifier(kPeterVkey);
  auto opened = Open(std::string(kText) + "\n" + kPeterSig + kEnochSig, peter);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->text, kText);
  ASSERT_EQ(opened->verified.size(), 1u);
  EXPECT_EQ(opened->verified[0].name, "PeterNeumann");
  EXPECT_EQ(opened->verified[0].key_id, 0xc74f20a3u);
  EXPECT_EQ(opened->verified[0].Line(), kPeterSig);
  ASSERT_EQ(opened->unverified.size(), 1u);
  EXPECT_EQ(opened->unverified[0].Line(), kEnochSig);

  const Ed25519NoteVerifier enoch = Verifier(kEnochVkey);
  const NoteVerifier* both[] = {&peter, &enoch};
  auto twice = OpenNote(std::string(kText) + "\n" + kPeterSig + kEnochSig, both);
  ASSERT_TRUE(twice.ok()) << twice.status();
  EXPECT_EQ(twice->verified.size(), 2u);
  EXPECT_TRUE(twice->unverified.empty());
}

TEST(NoteConformanceTest, RejectsEveryManglingOfTheReferenceVerifierKey) {
  const std::string vkey = kPeterVkey;
  for (size_t i = 0; i <= vkey.size(); ++i) {
    for (size_t j = i + 1; j <= vkey.size(); ++j) {
      if (i == 0 && j == vkey.size()) continue;
      EXPECT_FALSE(Ed25519NoteVerifier::FromVerifierKey(vkey.substr(i, j - i)).ok())
          << vkey.substr(i, j - i);
    }
  }
  for (size_t i = 0; i < vkey.size(); ++i) {
    std::string mangled = vkey;
    ++mangled[i];
    EXPECT_FALSE(Ed25519NoteVerifier::FromVerifierKey(mangled).ok()) << mangled;
  }
  // From the Go tests: a 36-byte key and an unknown algorithm, each with a matching key id.
  EXPECT_FALSE(Ed25519NoteVerifier::FromVerifierKey(
                   "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
                   .ok());
  auto unknown_alg = Ed25519NoteVerifier::FromVerifierKey(
      "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  EXPECT_THAT(std::string(unknown_alg.status().message()), HasSubstr("signature type 101"));
}

TEST(NoteTest, VerifierKeyParsingNamesTheProblem) {
  EXPECT_THAT(std::string(ParseNoteVerifierKey("no-plus-signs").status().message()),
              HasSubstr("has no '+'"));
  EXPECT_THAT(std::string(ParseNoteVerifierKey("a+c74f20a3").status().message()),
              HasSubstr("only one '+'"));
  EXPECT_THAT(std::string(ParseNoteVerifierKey("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfs"
                                               "Vkmqq/LDE4izWy10TW")
                              .status()
                              .message()),
              HasSubstr("has key id c74f20a4 but its name and key give c74f20a3"));
  // Upper-case hex is accepted, as the reference implementation does.
  EXPECT_TRUE(ParseNoteVerifierKey("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/"
                                   "LDE4izWy10TW")
                  .ok());
}

TEST(NoteTest, FormatsVerifierKeysThatParseBack) {
  const Ed25519NoteSigner signer = NewSigner("un.example/poc-audit");
  auto parsed = ParseNoteVerifierKey(signer.VerifierKey());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->name, "un.example/poc-audit");
  EXPECT_EQ(parsed->key_id, signer.key_id());
  EXPECT_EQ(parsed->signature_type, kNoteSignatureTypeEd25519);
  EXPECT_EQ(parsed->public_key.size(), 32u);
  EXPECT_FALSE(FormatNoteVerifierKey("bad name", 1, parsed->public_key).ok());
  EXPECT_FALSE(FormatNoteVerifierKey("bad+name", 1, parsed->public_key).ok());
}

TEST(NoteTest, SignedNoteOpensWithTheSignersVerifierKey) {
  const Ed25519NoteSigner signer = NewSigner("un.example/poc-audit");
  const Ed25519NoteVerifier verifier = Verifier(signer.VerifierKey().c_str());
  const std::string text = "line one\n\nline three after an empty line\n";
  auto opened = Open(Sign(text, signer), verifier);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->text, text);
  ASSERT_EQ(opened->verified.size(), 1u);
  EXPECT_EQ(opened->verified[0].name, "un.example/poc-audit");
}

TEST(NoteTest, ExtraUnknownSignatureStillOpens) {
  const Ed25519NoteSigner log = NewSigner("log.example");
  const Ed25519NoteSigner other = NewSigner("someone.example");
  const NoteSigner* signers[] = {&other, &log};
  auto note = SignNote("hello\n", signers);
  ASSERT_TRUE(note.ok()) << note.status();
  auto opened = Open(*note, Verifier(log.VerifierKey().c_str()));
  ASSERT_TRUE(opened.ok()) << opened.status();
  ASSERT_EQ(opened->unverified.size(), 1u);
  EXPECT_EQ(opened->unverified[0].name, "someone.example");
  EXPECT_EQ(opened->verified[0].name, "log.example");
}

TEST(NoteTest, ABadSignatureByAKnownKeyRejectsTheNote) {
  const Ed25519NoteSigner signer = NewSigner("log.example");
  const Ed25519NoteVerifier verifier = Verifier(signer.VerifierKey().c_str());
  std::string note = Sign("hello\n", signer);
  note[0] = 'j';  // the text changed after signing
  auto opened = Open(note, verifier);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(opened.status().message()),
              HasSubstr("signature by known key log.example+"));

  // Go's test: four base64 characters inserted into the signature.
  const std::string peter_sig = kPeterSig;
  const std::string altered = peter_sig.substr(0, 60) + "ABCD" + peter_sig.substr(60);
  EXPECT_EQ(Open(std::string(kText) + "\n" + altered, Verifier(kPeterVkey)).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(NoteTest, AKnownKeyThatSignedAnotherTextCannotBeReplayed) {
  const Ed25519NoteSigner signer = NewSigner("log.example");
  const std::string note_a = Sign("size 5\n", signer);
  const std::string signature_line = note_a.substr(note_a.find("\n\n") + 2);
  auto opened = Open("size 6\n\n" + signature_line, Verifier(signer.VerifierKey().c_str()));
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(NoteTest, AWrongKeyNameIsNotMatchedSoTheNoteHasNoKnownSignature) {
  const std::string renamed =
      std::string(kText) + "\n" + "\xE2\x80\x94 CarmenSandiego " +
      std::string(kPeterSig).substr(std::string("\xE2\x80\x94 PeterNeumann ").size());
  auto opened = Open(renamed, Verifier(kPeterVkey));
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(opened.status().message()),
              HasSubstr("no signature by a known key (signed by: CarmenSandiego+c74f20a3"));
}

TEST(NoteTest, ANoteWithoutKnownSignaturesIsRejected) {
  auto opened = OpenNote(std::string(kText) + "\n" + kPeterSig + kEnochSig, {});
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(opened.status().message()), HasSubstr("known keys: none"));
}

TEST(NoteTest, MalformedNotesAreRejected) {
  const Ed25519NoteVerifier peter = Verifier(kPeterVkey);
  const std::string text = kText;
  const std::string sig = kPeterSig;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {text, "no blank line"},
      {text + sig, "no blank line"},
      {text + "\n", "no signature lines"},
      {text + "\n" + sig.substr(0, sig.size() - 1), "does not end in a newline"},
      {"\x01" + text + "\n" + sig, "control character"},
      {"\xff" + text + "\n" + sig, "not valid UTF-8"},
      {text + "\n" + sig + "Unexpected line.\n", "does not start with an em dash"},
      {text + "\n" + "-- PeterNeumann AAAA\n", "does not start with an em dash"},
      {text + "\n" + "\xE2\x80\x94 Bad Name " + sig.substr(17), "is not base64"},
      {text + "\n" + "\xE2\x80\x94 PeterNeumann x08go/ZJkuBS9UG!\n", "is not base64"},
      {text + "\n" + "\xE2\x80\x94 PeterNeumann x08gow==\n", "too short"},  // 4 bytes
      {text + "\n" + "\xE2\x80\x94 PeterNeumann\n", "no space after the key name"},
      {text + "\n" + "\xE2\x80\x94  x08go/ZJ\n", "key name is empty"},
  };
  for (const auto& [note, problem] : cases) {
    auto opened = Open(note, peter);
    EXPECT_EQ(opened.status().code(), absl::StatusCode::kInvalidArgument) << note;
    EXPECT_THAT(std::string(opened.status().message()), HasSubstr(problem)) << note;
  }
}

TEST(NoteTest, ATruncatedSignatureIsRejected) {
  // A signature cut short still decodes, but no longer verifies under the known key.
  const std::string sig = kPeterSig;
  const std::string b64 = sig.substr(sig.find(' ', 4) + 1, sig.size() - sig.find(' ', 4) - 2);
  auto raw = Base64Decode(b64);
  ASSERT_TRUE(raw.ok());
  const std::string truncated =
      "\xE2\x80\x94 PeterNeumann " + Base64Encode(raw->substr(0, 40)) + "\n";
  auto opened = Open(std::string(kText) + "\n" + truncated, Verifier(kPeterVkey));
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(NoteTest, DropsRepeatedSignaturesAndRejectsTooManyLines) {
  const Ed25519NoteVerifier peter = Verifier(kPeterVkey);
  std::string repeated = std::string(kText) + "\n";
  for (int i = 0; i < 3; ++i) repeated += std::string(kPeterSig) + kEnochSig;
  auto opened = Open(repeated, peter);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->verified.size(), 1u);
  EXPECT_EQ(opened->unverified.size(), 1u);

  std::string flood = std::string(kText) + "\n";
  for (size_t i = 0; i <= kMaxNoteSignatures; ++i) flood += kPeterSig;
  EXPECT_THAT(std::string(Open(flood, peter).status().message()),
              HasSubstr("more than 100 signature lines"));
}

TEST(NoteTest, TwoVerifiersForOneKeyAreAConfigurationError) {
  const Ed25519NoteVerifier peter = Verifier(kPeterVkey);
  const NoteVerifier* twice[] = {&peter, &peter};
  auto opened = OpenNote(std::string(kText) + "\n" + kPeterSig, twice);
  EXPECT_THAT(std::string(opened.status().message()), HasSubstr("two verifiers"));
}

TEST(NoteTest, SignNoteRefusesTextsItCannotSign) {
  const Ed25519NoteSigner signer = NewSigner("log.example");
  const NoteSigner* one[] = {&signer};
  EXPECT_THAT(std::string(SignNote("no newline", one).status().message()),
              HasSubstr("must end with a newline"));
  EXPECT_FALSE(SignNote("tab\there\n", one).ok());
  EXPECT_FALSE(SignNote("bad utf-8 \xc3\x28\n", one).ok());
  EXPECT_FALSE(SignNote("hello\n", {}).ok());
  const NoteSigner* twice[] = {&signer, &signer};
  EXPECT_THAT(std::string(SignNote("hello\n", twice).status().message()), HasSubstr("given twice"));
  EXPECT_FALSE(Ed25519NoteSigner::Create("with space", *Ed25519PrivateKey::Generate()).ok());
  EXPECT_FALSE(Ed25519NoteSigner::Create("with\xE2\x80\x83"
                                         "emspace",
                                         *Ed25519PrivateKey::Generate())
                   .ok());
  EXPECT_FALSE(Ed25519NoteSigner::Create("", *Ed25519PrivateKey::Generate()).ok());
}

}  // namespace
}  // namespace poc
