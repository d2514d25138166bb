// pocctl audit against a real relay: an honest log verifies, and a relay database tampered
// with behind the relay's back (a changed byte, two swapped leaves, a deleted leaf) fails
// verification naming the first bad entry.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/storage/sqlite.h"
#include "tests/integration/message_factory.h"
#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

constexpr int kMessages = 10;
constexpr int kLeaves = kMessages + 1;  // the relay logs its directory first, at index 0

class AuditCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNetwork>(std::vector<std::string>{"FRA", "KEN"});
    net_->StartRelay();
    auto relay = net_->RelayClient(net_->NodeDir("FRA"));
    for (int i = 0; i < kMessages; ++i) {
      const v1::Message m = MakeMessage("FRA", {"KEN"});
      grpc::ClientContext ctx;
      SetTestDeadline(&ctx);
      v1::SubmitRequest request;
      *request.mutable_envelope() = Sign(m, net_->SigningKey("FRA"));
      v1::SubmitResponse response;
      ASSERT_TRUE(relay->Submit(&ctx, request, &response).ok());
      ids_.push_back(m.id());
    }
  }

  RunResult Audit(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {
        "/usr/bin/timeout",   "60",   BinaryPath("client/pocctl/pocctl"), "--node",
        net_->NodeDir("FRA"), "audit"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }

  // Stops the relay, runs `edit` on its database, and starts it again.
  template <typename Edit>
  void TamperWithRelay(Edit edit) {
    net_->StopRelay(SIGTERM);
    {
      auto db = SqliteDatabase::Open(net_->dir() + "/relay/relay.db");
      ASSERT_TRUE(db.ok()) << db.status();
      edit(**db);
    }
    net_->StartRelay();
  }

  static std::string Leaf(SqliteDatabase& db, int index) {
    auto st = db.Prepare("SELECT data FROM audit_leaves WHERE idx = ?");
    EXPECT_TRUE(st.ok());
    st->Bind(1, int64_t{index});
    auto row = st->Step();
    EXPECT_TRUE(row.ok() && *row);
    return st->ColumnBlob(0);
  }

  static void SetLeaf(SqliteDatabase& db, int index, const std::string& data) {
    auto st = db.Prepare("UPDATE audit_leaves SET data = ? WHERE idx = ?");
    ASSERT_TRUE(st.ok());
    st->BindBlob(1, data).Bind(2, int64_t{index});
    ASSERT_TRUE(st->Run().ok());
  }

  std::unique_ptr<TestNetwork> net_;
  std::vector<std::string> ids_;
};

TEST_F(AuditCliTest, CheckpointProveAndVerifySucceedOnAnHonestLog) {
  RunResult cp = Audit({"checkpoint"});
  ASSERT_EQ(cp.exit_code, 0) << cp.output;
  EXPECT_NE(cp.output.find("Signature:"), std::string::npos) << cp.output;
  EXPECT_NE(cp.output.find("verified with"), std::string::npos) << cp.output;
  EXPECT_NE(cp.output.find("first checkpoint seen"), std::string::npos) << cp.output;

  RunResult prove = Audit({"prove", ids_[3]});
  ASSERT_EQ(prove.exit_code, 0) << prove.output;
  EXPECT_NE(prove.output.find("submitted"), std::string::npos) << prove.output;
  EXPECT_NE(prove.output.find("verified"), std::string::npos) << prove.output;

  RunResult verify = Audit({"verify", "--json"});
  ASSERT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find("\"verified\":true"), std::string::npos) << verify.output;
  EXPECT_NE(verify.output.find("\"tree_size\":" + std::to_string(kLeaves)), std::string::npos)
      << verify.output;

  // A second checkpoint is checked against the first one seen.
  RunResult again = Audit({"checkpoint"});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("consistent with the 1 checkpoint"), std::string::npos)
      << again.output;
}

TEST_F(AuditCliTest, VerifyFromTilesNeedsOnlyTheUrlAndTheVerifierKey) {
  // A fresh checkpoint covering every message, then an auditor with no certificate at all.
  ASSERT_EQ(Audit({"checkpoint"}).exit_code, 0);
  const RunResult vkey = RunCommand({BinaryPath("server/poc-relay"), "--config",
                                     net_->dir() + "/relay/relay.toml", "audit-vkey"});
  ASSERT_EQ(vkey.exit_code, 0) << vkey.output;
  std::string key = vkey.output;
  while (!key.empty() && key.back() == '\n') key.pop_back();
  const std::string url = "http://127.0.0.1:" + std::to_string(net_->relay_http_port()) + "/audit";
  const RunResult verify = RunCommand({"/usr/bin/timeout", "60", BinaryPath("client/pocctl/pocctl"),
                                       "audit", "verify", "--from-tiles", url, "--vkey", key,
                                       "--state", net_->dir() + "/auditor-seen.json", "--json"});
  ASSERT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find("\"verified\":true"), std::string::npos) << verify.output;
  EXPECT_NE(verify.output.find("\"tree_size\":" + std::to_string(kLeaves)), std::string::npos)
      << verify.output;
}

TEST_F(AuditCliTest, ProvingAnUnknownMessageIsAnErrorNotAFailure) {
  RunResult prove = Audit({"prove", "0190c3a2-0000-7000-8000-000000000000"});
  EXPECT_EQ(prove.exit_code, 2) << prove.output;
}

TEST_F(AuditCliTest, VerifyNamesALeafWithOneChangedByte) {
  ASSERT_EQ(Audit({"checkpoint"}).exit_code, 0);
  TamperWithRelay([](SqliteDatabase& db) {
    std::string data = Leaf(db, 6);
    ASSERT_FALSE(data.empty());
    data[data.size() / 2] ^= 0x01;
    SetLeaf(db, 6, data);
  });
  RunResult verify = Audit({"verify"});
  EXPECT_EQ(verify.exit_code, 1) << verify.output;
  EXPECT_NE(verify.output.find("first bad entry is index 6"), std::string::npos) << verify.output;
}

TEST_F(AuditCliTest, VerifyNamesTheFirstOfTwoSwappedLeaves) {
  TamperWithRelay([](SqliteDatabase& db) {
    const std::string a = Leaf(db, 3);
    const std::string b = Leaf(db, 7);
    SetLeaf(db, 3, b);
    SetLeaf(db, 7, a);
  });
  RunResult verify = Audit({"verify", "--json"});
  EXPECT_EQ(verify.exit_code, 1) << verify.output;
  EXPECT_NE(verify.output.find("\"first_bad_index\":3"), std::string::npos) << verify.output;
}

// The relay refuses to start when a leaf row is simply deleted (audit_test.cc). A careful
// attacker renumbers the later leaves, drops the tree nodes of the last leaf and the
// checkpoints that covered it, so the relay starts and signs the shorter log. Here the stored
// leaf hashes stay at their indexes (the leaves' data moves without them), so the tiles name
// the first moved entry.
TEST_F(AuditCliTest, VerifyNamesADeletedLeafAndTheShrunkLog) {
  ASSERT_EQ(Audit({"checkpoint"}).exit_code, 0);  // remembers size kLeaves
  TamperWithRelay([](SqliteDatabase& db) {
    const uint64_t n = kLeaves;
    std::string sql =
        "CREATE TEMP TABLE hashes AS SELECT idx, leaf_hash FROM audit_leaves; "
        "DELETE FROM audit_leaves WHERE idx = 4; "
        "UPDATE audit_leaves SET idx = idx - 1 WHERE idx > 4; "
        "UPDATE audit_leaves SET leaf_hash = (SELECT h.leaf_hash FROM hashes h "
        "WHERE h.idx = audit_leaves.idx); ";
    for (int level = 0; level < 64; ++level) {
      const uint64_t idx = (n - 1) >> level;
      if (((idx + 1) << level) > n) break;
      sql += "DELETE FROM merkle_nodes WHERE level = " + std::to_string(level) +
             " AND idx = " + std::to_string(idx) + "; ";
    }
    sql += "DELETE FROM checkpoints WHERE size >= " + std::to_string(n) + ";";
    ASSERT_TRUE(db.Exec(sql).ok());
  });
  RunResult verify = Audit({"verify"});
  EXPECT_EQ(verify.exit_code, 1) << verify.output;
  EXPECT_NE(verify.output.find("first bad entry is index 4"), std::string::npos) << verify.output;
  EXPECT_NE(verify.output.find("the log shrank"), std::string::npos) << verify.output;
}

// The same attack moving whole leaf rows, leaf hashes included: below the first stored tree
// level (16 leaves, sqlite_hash_store.h) the relay's tree stays self-consistent, as it would for
// an attacker who recomputed every hash. The checkpoint a witness saw earlier still exposes it.
TEST_F(AuditCliTest, VerifyReportsTheShrunkLogWhenWholeLeafRowsWereRenumbered) {
  ASSERT_EQ(Audit({"checkpoint"}).exit_code, 0);  // remembers size kLeaves
  TamperWithRelay([](SqliteDatabase& db) {
    ASSERT_TRUE(db.Exec("DELETE FROM audit_leaves WHERE idx = 4; "
                        "UPDATE audit_leaves SET idx = idx - 1 WHERE idx > 4; "
                        "DELETE FROM checkpoints WHERE size >= " +
                        std::to_string(kLeaves) + ";")
                    .ok());
  });
  RunResult verify = Audit({"verify"});
  EXPECT_EQ(verify.exit_code, 1) << verify.output;
  EXPECT_NE(verify.output.find("the log shrank"), std::string::npos) << verify.output;
}

TEST_F(AuditCliTest, AWrongPinnedRelayKeyFailsVerification) {
  // The node pins another key (KEN's signing key stands in for an impostor's).
  net_->Pki({"signing-key", "--out", net_->dir() + "/other", "--name", "impostor"});
  std::filesystem::copy_file(net_->dir() + "/other/impostor.pub",
                             net_->NodeDir("FRA") + "/relay-signing.pub",
                             std::filesystem::copy_options::overwrite_existing);
  RunResult cp = Audit({"checkpoint"});
  EXPECT_EQ(cp.exit_code, 1) << cp.output;
  EXPECT_NE(cp.output.find("pins the key"), std::string::npos) << cp.output;
}

}  // namespace
}  // namespace poc::testing
