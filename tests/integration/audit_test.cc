// The relay's audit log as a State sees it: every event provably in a signed checkpoint,
// checkpoints consistent across restarts, and a relay that refuses to serve a damaged log.
#include <gtest/gtest.h>
#include <signal.h>

#include "common/checkpoint/signed_checkpoint.h"
#include "common/merkle/hasher.h"
#include "common/merkle/proof_verifier.h"
#include "common/storage/sqlite.h"
#include "poc/v1/audit.pb.h"
#include "poc/v1/audit_service.grpc.pb.h"
#include "tests/integration/message_factory.h"
#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

std::string TrimNewline(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNetwork>(std::vector<std::string>{"FRA", "KEN"});
    net_->StartRelay();
    // The verifier key as an auditor gets it: from the relay's own command.
    const RunResult vkey = RunCommand({BinaryPath("server/poc-relay"), "--config",
                                       net_->dir() + "/relay/relay.toml", "audit-vkey"});
    ASSERT_EQ(vkey.exit_code, 0) << vkey.output;
    auto verifier = Ed25519NoteVerifier::FromVerifierKey(TrimNewline(vkey.output));
    ASSERT_TRUE(verifier.ok()) << verifier.status();
    verifier_ = std::make_unique<Ed25519NoteVerifier>(*std::move(verifier));
    Connect();
  }

  void Connect() {
    auto channel = net_->RelayChannel(net_->NodeDir("FRA"));
    relay_ = v1::Relay::NewStub(channel);
    audit_ = v1::Audit::NewStub(channel);
  }

  std::string SubmitFromFra() {
    const v1::Message m = MakeMessage("FRA", {"KEN"});
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::SubmitRequest request;
    *request.mutable_envelope() = Sign(m, net_->SigningKey("FRA"));
    v1::SubmitResponse response;
    grpc::Status s = relay_->Submit(&ctx, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return m.id();
  }

  // A fresh checkpoint, verified with the relay's published key.
  Checkpoint FreshCheckpoint() {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::GetCheckpointRequest request;
    request.set_fresh(true);
    v1::GetCheckpointResponse response;
    grpc::Status s = audit_->GetCheckpoint(&ctx, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(response.verifier_key(), verifier_key_text());
    auto opened = OpenCheckpoint(response.note(), *verifier_, {});
    EXPECT_TRUE(opened.ok()) << opened.status() << "\n" << response.note();
    return opened.ok() ? opened->checkpoint : Checkpoint{};
  }

  std::string verifier_key_text() const {
    return TrimNewline(RunCommand({BinaryPath("server/poc-relay"), "--config",
                                   net_->dir() + "/relay/relay.toml", "audit-vkey"})
                           .output);
  }

  // Stops the relay, runs `sql` on its database, and expects the restart to fail naming `why`.
  void ExpectRefusedAfter(const std::string& sql, const std::string& why) {
    // Drop our idle connection first: the relay's graceful stop waits for open connections,
    // and an idle client notices the relay's GOAWAY only at its next poll.
    relay_.reset();
    audit_.reset();
    TestNetwork& net = *net_;
    net.StopRelay(SIGTERM);
    {
      auto db = SqliteDatabase::Open(net.dir() + "/relay/relay.db");
      ASSERT_TRUE(db.ok()) << db.status();
      ASSERT_TRUE((*db)->Exec(sql).ok());
    }
    // Bounded: a relay that fails to notice the damage would otherwise serve forever.
    const RunResult r = RunCommand({"/usr/bin/timeout", "30", BinaryPath("server/poc-relay"),
                                    "--config", net.dir() + "/relay/relay.toml"});
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find(why), std::string::npos) << r.output;
  }

  std::unique_ptr<TestNetwork> net_;
  std::unique_ptr<Ed25519NoteVerifier> verifier_;
  std::unique_ptr<v1::Relay::Stub> relay_;
  std::unique_ptr<v1::Audit::Stub> audit_;
};

TEST_F(AuditTest, SubmissionAndDeliveryAreProvablyInTheSignedLog) {
  net_->StartNode("KEN");
  const std::string id = SubmitFromFra();
  // Once KEN's node has answered with its signed receipt, the message has two events.
  Checkpoint cp;
  v1::GetInclusionProofResponse proofs;
  ASSERT_TRUE(WaitFor([&] {
    cp = FreshCheckpoint();
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::GetInclusionProofRequest request;
    request.set_message_id(id);
    request.set_tree_size(cp.size);
    proofs.Clear();
    return audit_->GetInclusionProof(&ctx, request, &proofs).ok() && proofs.proofs_size() == 2;
  }));
  ASSERT_EQ(proofs.tree_size(), cp.size);
  std::vector<v1::AuditEventType> types;
  for (const v1::InclusionProof& p : proofs.proofs()) {
    std::vector<std::string> path(p.hashes().begin(), p.hashes().end());
    EXPECT_TRUE(merkle::VerifyInclusion(merkle::LeafHash(p.leaf_data()), p.leaf_index(), cp.size,
                                        path, cp.root_hash)
                    .ok())
        << "leaf " << p.leaf_index();
    v1::AuditEvent event;
    ASSERT_TRUE(event.ParseFromString(p.leaf_data()));
    EXPECT_EQ(event.message_id(), id);
    EXPECT_EQ(event.sender(), "FRA");
    types.push_back(event.type());
  }
  EXPECT_EQ(types, (std::vector<v1::AuditEventType>{v1::AUDIT_EVENT_SUBMITTED,
                                                    v1::AUDIT_EVENT_DELIVERED}));
}

TEST_F(AuditTest, AForgedLeafDoesNotVerifyAgainstTheCheckpoint) {
  const std::string id = SubmitFromFra();
  const Checkpoint cp = FreshCheckpoint();
  grpc::ClientContext ctx;
  SetTestDeadline(&ctx);
  v1::GetInclusionProofRequest request;
  request.set_message_id(id);
  request.set_tree_size(cp.size);
  v1::GetInclusionProofResponse response;
  ASSERT_TRUE(audit_->GetInclusionProof(&ctx, request, &response).ok());
  ASSERT_EQ(response.proofs_size(), 1);
  const v1::InclusionProof& p = response.proofs(0);
  v1::AuditEvent forged;
  ASSERT_TRUE(forged.ParseFromString(p.leaf_data()));
  forged.set_sender("KEN");
  std::vector<std::string> path(p.hashes().begin(), p.hashes().end());
  EXPECT_FALSE(merkle::VerifyInclusion(merkle::LeafHash(forged.SerializeAsString()), p.leaf_index(),
                                       cp.size, path, cp.root_hash)
                   .ok());
}

TEST_F(AuditTest, CheckpointsBeforeAndAfterARestartAreConsistent) {
  for (int i = 0; i < 5; ++i) SubmitFromFra();
  const Checkpoint before = FreshCheckpoint();
  ASSERT_EQ(before.size, 5u);
  net_->StopRelay(SIGKILL);
  net_->StartRelay();
  Connect();
  for (int i = 0; i < 7; ++i) SubmitFromFra();
  const Checkpoint after = FreshCheckpoint();
  ASSERT_EQ(after.size, 12u);
  grpc::ClientContext ctx;
  SetTestDeadline(&ctx);
  v1::GetConsistencyProofRequest request;
  request.set_first(before.size);
  request.set_second(after.size);
  v1::GetConsistencyProofResponse response;
  ASSERT_TRUE(audit_->GetConsistencyProof(&ctx, request, &response).ok());
  std::vector<std::string> path(response.hashes().begin(), response.hashes().end());
  EXPECT_TRUE(
      merkle::VerifyConsistency(before.size, after.size, path, before.root_hash, after.root_hash)
          .ok());
}

TEST_F(AuditTest, EntriesAreTheLeavesOfTheSignedTree) {
  for (int i = 0; i < 3; ++i) SubmitFromFra();
  const Checkpoint cp = FreshCheckpoint();
  grpc::ClientContext ctx;
  SetTestDeadline(&ctx);
  v1::GetEntriesRequest request;
  request.set_start(0);
  request.set_count(cp.size);
  v1::GetEntriesResponse response;
  ASSERT_TRUE(audit_->GetEntries(&ctx, request, &response).ok());
  ASSERT_EQ(static_cast<uint64_t>(response.entries_size()), cp.size);
  // Recompute the RFC 9162 root from the entries alone.
  std::vector<std::string> level;
  for (const auto& e : response.entries()) level.push_back(merkle::LeafHash(e));
  while (level.size() > 1) {
    std::vector<std::string> next;
    for (size_t i = 0; i + 1 < level.size(); i += 2) {
      next.push_back(merkle::NodeHash(level[i], level[i + 1]));
    }
    if (level.size() % 2 == 1) next.push_back(level.back());
    level = std::move(next);
  }
  EXPECT_EQ(level.front(), cp.root_hash);
}

TEST_F(AuditTest, RelayRefusesToStartWhenALeafWasDeleted) {
  for (int i = 0; i < 4; ++i) SubmitFromFra();
  FreshCheckpoint();
  ExpectRefusedAfter("DELETE FROM audit_leaves WHERE idx = 1", "leaves were deleted");
}

TEST_F(AuditTest, RelayRefusesToStartWhenTheTreeWasAlteredBelowACheckpoint) {
  for (int i = 0; i < 4; ++i) SubmitFromFra();
  FreshCheckpoint();
  ExpectRefusedAfter("UPDATE merkle_nodes SET hash = zeroblob(32) WHERE level = 2 AND idx = 0",
                     "the log was altered");
}

TEST_F(AuditTest, RelayRefusesToStartWhenTheLogWasRolledBack) {
  for (int i = 0; i < 4; ++i) SubmitFromFra();
  FreshCheckpoint();
  ExpectRefusedAfter(
      "DELETE FROM audit_leaves WHERE idx = 3; "
      "DELETE FROM merkle_nodes WHERE (level = 0 AND idx = 3) OR (level = 1 AND "
      "idx = 1) OR (level = 2 AND idx = 0)",
      "rolled back");
}

}  // namespace
}  // namespace poc::testing
