// The relay's audit tree on SQLite (leaf hashes in audit_leaves, every 4th level in
// merkle_nodes) against the in-memory reference, the upgrade of files of the older layout, and
// `poc-relay check` on the stored levels.
#include "server/audit/sqlite_hash_store.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/merkle/hash_store.h"
#include "common/merkle/hasher.h"
#include "common/merkle/merkle_tree.h"
#include "common/storage/sqlite.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/audit/audit_check.h"
#include "server/audit/audit_leaf_writer.h"
#include "tests/common/test_util.h"

namespace poc {
namespace {

using ::poc::testutil::TempDir;
using ::testing::HasSubstr;

std::string Data(uint64_t i) { return "audit event " + std::to_string(i); }

int64_t QueryInt(SqliteDatabase* db, const std::string& sql) {
  auto st = db->Prepare(sql);
  if (!st.ok()) {
    return -1;
  }
  auto row = st->Step();
  if (!row.ok() || !*row) {
    return -1;
  }
  return st->ColumnInt(0);
}

// The check needs a checkpoint key; with no checkpoint stored it is never asked.
class NoKey final : public NoteVerifier {
 public:
  const std::string& name() const override { return name_; }
  uint32_t key_id() const override { return 0; }
  bool Verify(std::string_view, std::string_view) const override { return false; }

 private:
  std::string name_ = "none";
};

class SqliteHashStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDatabase::Open(dir_.File("relay.db"));
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }

  // Appends leaves [reference_.size(), n) through the writer, in one transaction, and to the
  // in-memory reference tree.
  void AppendUpTo(AuditLeafWriter* writer, uint64_t n) {
    SqliteTransaction txn(db_.get());
    ASSERT_TRUE(txn.begin_status().ok());
    for (uint64_t i = reference_tree_.size(); i < n; ++i) {
      auto index = writer->Append(Data(i), "");
      ASSERT_TRUE(index.ok()) << index.status();
      ASSERT_EQ(*index, i);
      ASSERT_TRUE(reference_tree_.AppendLeafHash(merkle::LeafHash(Data(i))).ok());
    }
    ASSERT_TRUE(txn.Commit().ok());
  }

  AuditCheckReport Check() {
    EXPECT_TRUE(db_->Exec("CREATE TABLE IF NOT EXISTS checkpoints(size INTEGER PRIMARY KEY, "
                          "note TEXT NOT NULL, signed_at_ms INTEGER NOT NULL)")
                    .ok());
    auto report = CheckAuditLog(db_.get(), NoKey(), {});
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : AuditCheckReport{};
  }

  TempDir dir_;
  std::unique_ptr<SqliteDatabase> db_;
  merkle::InMemoryHashStore reference_;
  merkle::MerkleTree reference_tree_ = *merkle::MerkleTree::Open(&reference_);
};

TEST_F(SqliteHashStoreTest, ServesTheSameHashesRootsAndProofsAsTheReference) {
  auto writer = AuditLeafWriter::Open(db_.get());
  ASSERT_TRUE(writer.ok()) << writer.status();
  constexpr uint64_t kSize = 300;  // complete nodes up to level 8, and every derived level
  AppendUpTo(writer->get(), 150);
  AppendUpTo(writer->get(), kSize);

  // Only leaf hashes and levels 4 and 8 take space.
  EXPECT_EQ(QueryInt(db_.get(), "SELECT COUNT(*) FROM merkle_nodes"), 300 / 16 + 300 / 256);
  EXPECT_EQ(QueryInt(db_.get(), "SELECT COUNT(*) FROM merkle_nodes WHERE level % 4 != 0"), 0);

  SqliteHashStore store(db_.get());
  EXPECT_EQ(*store.LeafCount(), kSize);
  for (int level = 0; level <= 8; ++level) {
    std::vector<merkle::NodeId> ids;
    for (uint64_t i = 0; i < (kSize >> level); ++i) {
      ids.push_back(merkle::NodeId{level, i});
    }
    auto got = store.Read(ids);
    ASSERT_TRUE(got.ok()) << "level " << level << ": " << got.status();
    EXPECT_EQ(*got, *reference_.Read(ids)) << "level " << level;
    // The incomplete node right of them is not stored.
    auto beyond = store.Read({merkle::NodeId{level, kSize >> level}});
    EXPECT_TRUE(absl::IsNotFound(beyond.status())) << "level " << level << ": " << beyond.status();
  }

  auto tree = merkle::MerkleTree::Open(&store);
  ASSERT_TRUE(tree.ok()) << tree.status();
  EXPECT_EQ(tree->root(), reference_tree_.root());
  for (uint64_t size = 1; size <= kSize; size += 7) {
    EXPECT_EQ(*tree->RootAt(size), *reference_tree_.RootAt(size)) << size;
    for (uint64_t index = 0; index < size; index += 11) {
      EXPECT_EQ(*tree->InclusionProof(index, size), *reference_tree_.InclusionProof(index, size))
          << index << " in " << size;
    }
    EXPECT_EQ(*tree->ConsistencyProof(size, kSize), *reference_tree_.ConsistencyProof(size, kSize))
        << size;
  }
  EXPECT_TRUE(Check().ok());
}

TEST_F(SqliteHashStoreTest, AMissingStoredNodeMakesTheWriterRefuseTheFile) {
  {
    auto writer = AuditLeafWriter::Open(db_.get());
    ASSERT_TRUE(writer.ok()) << writer.status();
    AppendUpTo(writer->get(), 40);
  }
  ASSERT_TRUE(db_->Exec("DELETE FROM merkle_nodes WHERE level = 4 AND idx = 1").ok());
  auto writer = AuditLeafWriter::Open(db_.get());
  EXPECT_TRUE(absl::IsDataLoss(writer.status())) << writer.status();
  EXPECT_THAT(writer.status().message(), HasSubstr("merkle node (4, 1) is not stored"));
}

TEST_F(SqliteHashStoreTest, CheckNamesTheFirstLeafUnderAnAlteredStoredNode) {
  {
    auto writer = AuditLeafWriter::Open(db_.get());
    ASSERT_TRUE(writer.ok()) << writer.status();
    AppendUpTo(writer->get(), 600);
  }
  // Leaves 528..543, under no complete level-8 node (whose check would fail as well and name
  // the first leaf under it).
  ASSERT_TRUE(
      db_->Exec("UPDATE merkle_nodes SET hash = zeroblob(32) WHERE level = 4 AND idx = 33").ok());
  AuditCheckReport report = Check();
  EXPECT_EQ(report.leaves, 600u);
  ASSERT_TRUE(report.first_bad_leaf.has_value());
  EXPECT_EQ(*report.first_bad_leaf, 528u);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_THAT(report.problems.front(), HasSubstr("level 4 index 33"));
}

TEST_F(SqliteHashStoreTest, CheckNamesAForgedLeafHashAtTheLeaf) {
  {
    auto writer = AuditLeafWriter::Open(db_.get());
    ASSERT_TRUE(writer.ok()) << writer.status();
    AppendUpTo(writer->get(), 40);
  }
  ASSERT_TRUE(db_->Exec("UPDATE audit_leaves SET leaf_hash = zeroblob(32) WHERE idx = 21").ok());
  AuditCheckReport report = Check();
  ASSERT_TRUE(report.first_bad_leaf.has_value());
  EXPECT_EQ(*report.first_bad_leaf, 21u);
}

// Files written before leaf_hash existed: audit_leaves(idx, data, message_id) and every level of
// the tree, level 0 included, in merkle_nodes.
TEST_F(SqliteHashStoreTest, UpgradesAFileOfTheOlderLayoutOnOpen) {
  constexpr uint64_t kOld = 100;
  ASSERT_TRUE(db_->Exec("CREATE TABLE audit_leaves(idx INTEGER PRIMARY KEY, data BLOB NOT NULL, "
                        "message_id TEXT); "
                        "CREATE INDEX audit_leaves_by_message ON audit_leaves(message_id); "
                        "CREATE TABLE merkle_nodes(level INTEGER NOT NULL, idx INTEGER NOT NULL, "
                        "hash BLOB NOT NULL, PRIMARY KEY(level, idx)) WITHOUT ROWID;")
                  .ok());
  {
    SqliteTransaction txn(db_.get());
    auto leaf = db_->Prepare("INSERT INTO audit_leaves(idx, data) VALUES(?, ?)");
    auto node = db_->Prepare("INSERT INTO merkle_nodes(level, idx, hash) VALUES(?, ?, ?)");
    ASSERT_TRUE(leaf.ok() && node.ok());
    for (uint64_t i = 0; i < kOld; ++i) {
      ASSERT_TRUE(leaf->Bind(1, static_cast<int64_t>(i)).BindBlob(2, Data(i)).Run().ok());
      ASSERT_TRUE(reference_tree_.AppendLeafHash(merkle::LeafHash(Data(i))).ok());
    }
    for (int level = 0; (kOld >> level) > 0; ++level) {
      for (uint64_t i = 0; i < (kOld >> level); ++i) {
        const std::string hash = reference_.Read({merkle::NodeId{level, i}})->front();
        ASSERT_TRUE(
            node->Bind(1, level).Bind(2, static_cast<int64_t>(i)).BindBlob(3, hash).Run().ok());
      }
    }
    ASSERT_TRUE(txn.Commit().ok());
  }

  auto writer = AuditLeafWriter::Open(db_.get());
  ASSERT_TRUE(writer.ok()) << writer.status();
  EXPECT_EQ((*writer)->size(), kOld);
  EXPECT_EQ(QueryInt(db_.get(), "SELECT COUNT(*) FROM audit_leaves WHERE leaf_hash IS NULL"), 0);
  EXPECT_EQ(QueryInt(db_.get(), "SELECT COUNT(*) FROM merkle_nodes"), kOld / 16);
  SqliteHashStore store(db_.get());
  EXPECT_EQ(merkle::MerkleTree::Open(&store)->root(), reference_tree_.root());

  // It keeps growing in the new layout, and a second open finds nothing to upgrade.
  AppendUpTo(writer->get(), 2 * kOld);
  EXPECT_EQ(merkle::MerkleTree::Open(&store)->root(), reference_tree_.root());
  writer = AuditLeafWriter::Open(db_.get());
  ASSERT_TRUE(writer.ok()) << writer.status();
  EXPECT_EQ((*writer)->size(), 2 * kOld);
  EXPECT_TRUE(Check().ok());
}

TEST_F(SqliteHashStoreTest, CheckAsksForTheUpgradeOfAFileOfTheOlderLayout) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE audit_leaves(idx INTEGER PRIMARY KEY, data BLOB NOT NULL, "
                        "message_id TEXT); "
                        "CREATE TABLE checkpoints(size INTEGER PRIMARY KEY, note TEXT NOT NULL, "
                        "signed_at_ms INTEGER NOT NULL);")
                  .ok());
  auto report = CheckAuditLog(db_.get(), NoKey(), {});
  EXPECT_TRUE(absl::IsFailedPrecondition(report.status())) << report.status();
  EXPECT_THAT(report.status().message(), HasSubstr("start poc-relay on it once"));
}

}  // namespace
}  // namespace poc
