// The relay's audit log as a State sees it: every event provably in a signed checkpoint,
// checkpoints consistent across restarts, and a relay that refuses to serve a damaged log.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "common/checkpoint/signed_checkpoint.h"
#include "common/merkle/hasher.h"
#include "common/merkle/proof_verifier.h"
#include "common/storage/sqlite.h"
#include "poc/v1/audit.pb.h"
#include "poc/v1/audit_service.grpc.pb.h"
#include "tests/integration/http_get.h"
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

  // Stops the relay and changes its database with `sql` (empty: no change).
  void StopRelayAndRun(const std::string& sql) {
    relay_.reset();  // see ExpectRefusedAfter
    audit_.reset();
    net_->StopRelay(SIGTERM);
    if (sql.empty()) return;
    auto db = SqliteDatabase::Open(net_->dir() + "/relay/relay.db");
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)->Exec(sql).ok());
  }

  // `poc-relay check --json` on the stopped relay's store.
  nlohmann::json CheckStore(int want_exit) {
    const RunResult r =
        RunCommand({"/usr/bin/timeout", "60", BinaryPath("server/poc-relay"), "--config",
                    net_->dir() + "/relay/relay.toml", "check", "--json"});
    EXPECT_EQ(r.exit_code, want_exit) << r.output;
    auto out = nlohmann::json::parse(r.output, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(out.is_discarded()) << r.output;
    return out;
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
  ASSERT_EQ(before.size, 6u);  // the directory's leaf, then five messages
  net_->StopRelay(SIGKILL);
  net_->StartRelay();
  Connect();
  for (int i = 0; i < 7; ++i) SubmitFromFra();
  const Checkpoint after = FreshCheckpoint();
  ASSERT_EQ(after.size, 13u);  // the same directory is not logged again
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

TEST_F(AuditTest, HttpServesTheSameSignedLogAsTilesWithoutCredentials) {
  for (int i = 0; i < 2; ++i) SubmitFromFra();
  const Checkpoint cp = FreshCheckpoint();
  ASSERT_EQ(cp.size, 3u);  // the directory's leaf and two messages
  const int port = net_->relay_http_port();

  const HttpResult note = HttpGet(port, "/audit/checkpoint");
  ASSERT_EQ(note.status, 200) << note.body;
  auto opened = OpenCheckpoint(note.body, *verifier_, {});
  ASSERT_TRUE(opened.ok()) << opened.status() << "\n" << note.body;
  EXPECT_EQ(opened->checkpoint.size, cp.size);
  EXPECT_EQ(opened->checkpoint.root_hash, cp.root_hash);

  // The partial entry bundle: each entry a 2-byte big-endian length, then the leaf data.
  const HttpResult bundle = HttpGet(port, "/audit/tile/entries/000.p/3");
  ASSERT_EQ(bundle.status, 200) << bundle.body;
  std::vector<std::string> entries;
  for (size_t at = 0; at + 2 <= bundle.body.size();) {
    const size_t n =
        (static_cast<uint8_t>(bundle.body[at]) << 8) | static_cast<uint8_t>(bundle.body[at + 1]);
    entries.push_back(bundle.body.substr(at + 2, n));
    at += 2 + n;
  }
  ASSERT_EQ(entries.size(), 3u);
  // The level-0 tile holds exactly the leaf hashes of those entries.
  const HttpResult tile = HttpGet(port, "/audit/tile/0/000.p/3");
  ASSERT_EQ(tile.status, 200) << tile.body;
  std::string want;
  for (const std::string& e : entries) {
    v1::AuditEvent event;
    EXPECT_TRUE(event.ParseFromString(e));
    want += merkle::LeafHash(e);
  }
  EXPECT_EQ(tile.body, want);
  EXPECT_EQ(
      merkle::NodeHash(merkle::NodeHash(merkle::LeafHash(entries[0]), merkle::LeafHash(entries[1])),
                       merkle::LeafHash(entries[2])),
      cp.root_hash);

  EXPECT_EQ(HttpGet(port, "/healthz").status, 200);
  const HttpResult metrics = HttpGet(port, "/metrics");
  EXPECT_NE(metrics.body.find("poc_relay_submits_total{result=\"accepted\"} 2"), std::string::npos)
      << metrics.body;
  EXPECT_EQ(HttpGet(port, "/audit/tile/entries/001").status, 404);
}

TEST_F(AuditTest, RelayRefusesToStartWhenALeafWasDeleted) {
  for (int i = 0; i < 4; ++i) SubmitFromFra();
  FreshCheckpoint();
  ExpectRefusedAfter("DELETE FROM audit_leaves WHERE idx = 1", "leaves were deleted");
}

TEST_F(AuditTest, RelayRefusesToStartWhenTheTreeWasAlteredBelowACheckpoint) {
  // 16 leaves: the first stored inner node is at level 4 (sqlite_hash_store.h).
  for (int i = 0; i < 16; ++i) SubmitFromFra();
  FreshCheckpoint();
  ExpectRefusedAfter("UPDATE merkle_nodes SET hash = zeroblob(32) WHERE level = 4 AND idx = 0",
                     "the log was altered");
}

TEST_F(AuditTest, RelayRefusesToStartWhenALeafHashWasAlteredBelowACheckpoint) {
  for (int i = 0; i < 4; ++i) SubmitFromFra();
  FreshCheckpoint();
  ExpectRefusedAfter("UPDATE audit_leaves SET leaf_hash = zeroblob(32) WHERE idx = 1",
                     "the log was altered");
}

TEST_F(AuditTest, RelayRefusesToStartWhenTheLogWasRolledBack) {
  for (int i = 0; i < 3; ++i) SubmitFromFra();
  FreshCheckpoint();  // size 4: the directory's leaf and three messages
  // The last leaf goes with its leaf hash; a tree of 4 leaves stores no inner node.
  ExpectRefusedAfter("DELETE FROM audit_leaves WHERE idx = 3", "rolled back");
}

TEST_F(AuditTest, CheckFindsAnUntouchedStoreSound) {
  for (int i = 0; i < 5; ++i) SubmitFromFra();
  FreshCheckpoint();
  StopRelayAndRun("");
  const nlohmann::json report = CheckStore(0);
  EXPECT_EQ(report["leaves"], 6);  // the directory's leaf, then five messages
  EXPECT_EQ(report["checkpoint_size"], 6);
  EXPECT_TRUE(report["first_bad_leaf"].is_null()) << report;
}

TEST_F(AuditTest, CheckNamesTheLeafWhoseDataHadOneByteChanged) {
  for (int i = 0; i < 5; ++i) SubmitFromFra();
  FreshCheckpoint();
  StopRelayAndRun(
      "UPDATE audit_leaves SET data = CASE WHEN substr(data, 1, 1) = X'00' THEN X'01' ELSE X'00' "
      "END || substr(data, 2) WHERE idx = 2");
  const nlohmann::json report = CheckStore(1);
  EXPECT_EQ(report["first_bad_leaf"], 2) << report;
}

TEST_F(AuditTest, CheckNamesTheFirstOfTwoSwappedLeaves) {
  for (int i = 0; i < 5; ++i) SubmitFromFra();
  FreshCheckpoint();
  StopRelayAndRun(
      "CREATE TEMP TABLE swap AS SELECT idx, data FROM audit_leaves WHERE idx IN (1, 3); "
      "UPDATE audit_leaves SET data = (SELECT data FROM swap WHERE swap.idx = 4 - "
      "audit_leaves.idx) WHERE idx IN (1, 3);");
  const nlohmann::json report = CheckStore(1);
  EXPECT_EQ(report["first_bad_leaf"], 1) << report;
}

TEST_F(AuditTest, CheckNamesADeletedLeaf) {
  for (int i = 0; i < 5; ++i) SubmitFromFra();
  FreshCheckpoint();
  StopRelayAndRun("DELETE FROM audit_leaves WHERE idx = 3");
  const nlohmann::json report = CheckStore(1);
  EXPECT_EQ(report["first_bad_leaf"], 3) << report;
  EXPECT_NE(report["problems"].dump().find("missing"), std::string::npos) << report;
}

}  // namespace
}  // namespace poc::testing
