// The relay's Submit contract over real mutual TLS: each bad input gets its status code, a
// message naming the field, and changes nothing (DESIGN.md, "Wire contract").
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <signal.h>

#include "common/crypto/key_files.h"
#include "common/crypto/sha256.h"
#include "common/envelope/signed.h"
#include "common/util/files.h"
#include "tests/integration/message_factory.h"
#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

class RelaySubmitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNetwork>(std::vector<std::string>{"FRA", "DEU", "KEN"});
    net_->StartRelay();
    fra_ = net_->RelayClient(net_->NodeDir("FRA"));
    auto key = LoadPublicKeyFile(net_->dir() + "/relay/relay-signing.pub");
    ASSERT_TRUE(key.ok());
    relay_key_ = std::make_unique<Ed25519PublicKey>(*key);
  }

  grpc::Status Submit(v1::Relay::Stub* stub, const v1::Envelope& envelope,
                      v1::SubmitResponse* response) {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::SubmitRequest request;
    *request.mutable_envelope() = envelope;
    return stub->Submit(&ctx, request, response);
  }

  // Submits a valid message from FRA and returns the audit index of its receipt: rejected
  // submissions before it must not have appended anything to the log.
  uint64_t SubmitValidAndGetAuditIndex() {
    v1::SubmitResponse response;
    grpc::Status s =
        Submit(fra_.get(), Sign(MakeMessage("FRA", {"KEN"}), net_->SigningKey("FRA")), &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    v1::SubmitReceipt receipt;
    EXPECT_TRUE(receipt.ParseFromString(response.receipt().body()));
    return receipt.audit_index();
  }

  void ExpectRejected(const v1::Envelope& envelope, grpc::StatusCode code,
                      const std::string& text) {
    const uint64_t before = SubmitValidAndGetAuditIndex();
    v1::SubmitResponse response;
    grpc::Status s = Submit(fra_.get(), envelope, &response);
    EXPECT_EQ(s.error_code(), code) << s.error_message();
    EXPECT_NE(s.error_message().find(text), std::string::npos) << s.error_message();
    EXPECT_FALSE(response.has_receipt());
    EXPECT_EQ(SubmitValidAndGetAuditIndex(), before + 1) << "a rejected submission changed the log";
  }

  std::unique_ptr<TestNetwork> net_;
  std::unique_ptr<v1::Relay::Stub> fra_;
  std::unique_ptr<Ed25519PublicKey> relay_key_;
};

TEST_F(RelaySubmitTest, AcceptsAValidEnvelopeWithAReceiptSignedByTheRelay) {
  const v1::Message m = MakeMessage("FRA", {"DEU", "KEN"});
  const v1::Envelope env = Sign(m, net_->SigningKey("FRA"));
  v1::SubmitResponse response;
  ASSERT_TRUE(Submit(fra_.get(), env, &response).ok());
  EXPECT_FALSE(response.duplicate());
  ASSERT_TRUE(VerifyStatement(kSubmitReceiptDomain, response.receipt(), *relay_key_).ok());
  v1::SubmitReceipt receipt;
  ASSERT_TRUE(receipt.ParseFromString(response.receipt().body()));
  EXPECT_EQ(receipt.message_id(), m.id());
  EXPECT_EQ(receipt.message_hash(), Sha256(env.message()));
  EXPECT_EQ(std::vector<std::string>(receipt.recipients().begin(), receipt.recipients().end()),
            (std::vector<std::string>{"DEU", "KEN"}));
}

TEST_F(RelaySubmitTest, AllIsExpandedToEveryOtherState) {
  v1::SubmitResponse response;
  ASSERT_TRUE(
      Submit(fra_.get(), Sign(MakeMessage("FRA", {"all"}), net_->SigningKey("FRA")), &response)
          .ok());
  v1::SubmitReceipt receipt;
  ASSERT_TRUE(receipt.ParseFromString(response.receipt().body()));
  EXPECT_EQ(std::vector<std::string>(receipt.recipients().begin(), receipt.recipients().end()),
            (std::vector<std::string>{"DEU", "KEN"}));
}

TEST_F(RelaySubmitTest, SameEnvelopeTwiceReturnsTheOriginalReceipt) {
  const v1::Envelope env = Sign(MakeMessage("FRA", {"KEN"}), net_->SigningKey("FRA"));
  v1::SubmitResponse first, second;
  ASSERT_TRUE(Submit(fra_.get(), env, &first).ok());
  ASSERT_TRUE(Submit(fra_.get(), env, &second).ok());
  EXPECT_FALSE(first.duplicate());
  EXPECT_TRUE(second.duplicate());
  EXPECT_EQ(first.receipt().SerializeAsString(), second.receipt().SerializeAsString());
}

TEST_F(RelaySubmitTest, SameIdWithOtherBytesIsAlreadyExists) {
  v1::Message m = MakeMessage("FRA", {"KEN"});
  v1::SubmitResponse response;
  ASSERT_TRUE(Submit(fra_.get(), Sign(m, net_->SigningKey("FRA")), &response).ok());
  m.mutable_template_()->set_subject("Another subject under the same id");
  ExpectRejected(Sign(m, net_->SigningKey("FRA")), grpc::StatusCode::ALREADY_EXISTS, m.id());
}

TEST_F(RelaySubmitTest, RejectsSenderThatDiffersFromCertificate) {
  // FRA's node signs with FRA's key but claims to be DEU.
  ExpectRejected(Sign(MakeMessage("DEU", {"KEN"}), net_->SigningKey("FRA")),
                 grpc::StatusCode::PERMISSION_DENIED, "sender");
}

TEST_F(RelaySubmitTest, RejectsAMessageSignedWithAnotherStatesKey) {
  // Even holding DEU's key, FRA's certificate cannot submit DEU's messages.
  ExpectRejected(Sign(MakeMessage("DEU", {"KEN"}), net_->SigningKey("DEU")),
                 grpc::StatusCode::PERMISSION_DENIED, "belongs to DEU");
}

TEST_F(RelaySubmitTest, RejectsABrokenSignature) {
  v1::Envelope env = Sign(MakeMessage("FRA", {"KEN"}), net_->SigningKey("FRA"));
  std::string sig = env.signature();
  sig[10] ^= 0x01;
  env.set_signature(sig);
  ExpectRejected(env, grpc::StatusCode::UNAUTHENTICATED, "envelope.signature");
}

TEST_F(RelaySubmitTest, RejectsBytesChangedAfterSigning) {
  v1::Envelope env = Sign(MakeMessage("FRA", {"KEN"}), net_->SigningKey("FRA"));
  std::string bytes = env.message();
  bytes[bytes.size() - 3] ^= 0x20;
  env.set_message(bytes);
  ExpectRejected(env, grpc::StatusCode::UNAUTHENTICATED, "envelope.signature");
}

TEST_F(RelaySubmitTest, RejectsAnUnknownKey) {
  auto stranger = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(stranger.ok());
  ExpectRejected(Sign(MakeMessage("FRA", {"KEN"}), *stranger), grpc::StatusCode::UNAUTHENTICATED,
                 "not in the directory");
}

TEST_F(RelaySubmitTest, RejectsCreatedAtAheadOfTheClockWindow) {
  v1::Message m = MakeMessage("FRA", {"KEN"});
  *m.mutable_created_at() = ToProto(absl::Now() + absl::Hours(1));
  ExpectRejected(Sign(m, net_->SigningKey("FRA")), grpc::StatusCode::INVALID_ARGUMENT,
                 "created_at");
}

TEST_F(RelaySubmitTest, RejectsCreatedAtOlderThanTheClockWindow) {
  v1::Message m = MakeMessage("FRA", {"KEN"});
  *m.mutable_created_at() = ToProto(absl::Now() - absl::Hours(73));
  ExpectRejected(Sign(m, net_->SigningKey("FRA")), grpc::StatusCode::INVALID_ARGUMENT,
                 "created_at");
}

TEST_F(RelaySubmitTest, RejectsAnUnknownRecipient) {
  ExpectRejected(Sign(MakeMessage("FRA", {"KEN", "BRA"}), net_->SigningKey("FRA")),
                 grpc::StatusCode::INVALID_ARGUMENT, "recipients[1]");
}

TEST_F(RelaySubmitTest, RejectsAnEmptySubject) {
  ExpectRejected(Sign(MakeMessage("FRA", {"KEN"}, ""), net_->SigningKey("FRA")),
                 grpc::StatusCode::INVALID_ARGUMENT, "template.subject");
}

TEST_F(RelaySubmitTest, RejectsAnOversizeMessage) {
  v1::Message m = MakeMessage("FRA", {"KEN"});
  m.mutable_template_()->set_indicators(std::string(size_t{300} * 1024, 'x'));
  ExpectRejected(Sign(m, net_->SigningKey("FRA")), grpc::StatusCode::INVALID_ARGUMENT,
                 "envelope.message");
}

TEST_F(RelaySubmitTest, RejectsBytesThatAreNotAMessage) {
  ExpectRejected(SignEnvelope("\xff\xff\xff not a protobuf", net_->SigningKey("FRA")),
                 grpc::StatusCode::INVALID_ARGUMENT, "envelope.message");
}

TEST_F(RelaySubmitTest, AStateCannotSendAnExercisePing) {
  v1::Message m = MakeMessage("FRA", {"KEN"});
  m.set_kind(v1::MESSAGE_TYPE_EXERCISE_PING);
  ExpectRejected(Sign(m, net_->SigningKey("FRA")), grpc::StatusCode::PERMISSION_DENIED,
                 "exercise pings");
}

TEST_F(RelaySubmitTest, SecretariatCertificateCannotSubmitStateMessages) {
  net_->Pki({"admin-cert", "--dir", net_->dir() + "/pki", "--out", net_->dir() + "/admin"});
  auto admin = net_->RelayClient(net_->dir() + "/admin", "admin");
  v1::SubmitResponse response;
  grpc::Status s =
      Submit(admin.get(), Sign(MakeMessage("FRA", {"KEN"}), net_->SigningKey("FRA")), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
}

// A Session attempt with `credentials`; returns the stream's final status.
grpc::Status TrySession(const std::string& address,
                        const std::shared_ptr<grpc::ChannelCredentials>& credentials) {
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  auto stub = v1::Relay::NewStub(grpc::CreateCustomChannel(address, credentials, args));
  grpc::ClientContext ctx;
  SetTestDeadline(&ctx, absl::Seconds(5));
  auto stream = stub->Session(&ctx);
  v1::RelayFrame frame;
  while (stream->Read(&frame)) {
  }
  return stream->Finish();
}

TEST_F(RelaySubmitTest, ClientWithoutCertificateCannotOpenASession) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = *ReadFile(net_->NodeDir("FRA") + "/ca.crt");
  grpc::Status s = TrySession(net_->relay_address(), grpc::SslCredentials(options));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_TRUE(net_->relay().Running());
}

TEST_F(RelaySubmitTest, CertificateFromAnotherCaCannotOpenASession) {
  const std::string other = net_->dir() + "/other";
  net_->Pki({"init", "--dir", other + "/pki", "--name", "Impostor Root CA"});
  net_->Pki({"node-cert", "--dir", other + "/pki", "--state", "FRA", "--out", other + "/fra"});
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = *ReadFile(net_->NodeDir("FRA") + "/ca.crt");  // trusts the real relay
  options.pem_cert_chain = *ReadFile(other + "/fra/node.crt");
  options.pem_private_key = *ReadFile(other + "/fra/node.key");
  grpc::Status s = TrySession(net_->relay_address(), grpc::SslCredentials(options));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
}

TEST_F(RelaySubmitTest, AStateCertificateOpensASessionAndIsWelcomedAsItsState) {
  auto stub = net_->RelayClient(net_->NodeDir("KEN"));
  grpc::ClientContext ctx;
  SetTestDeadline(&ctx, absl::Seconds(5));
  auto stream = stub->Session(&ctx);
  v1::RelayFrame frame;
  ASSERT_TRUE(stream->Read(&frame));
  ASSERT_TRUE(frame.has_welcome());
  EXPECT_EQ(frame.welcome().state(), "KEN");
  ctx.TryCancel();
  stream->Finish();
}

}  // namespace
}  // namespace poc::testing
