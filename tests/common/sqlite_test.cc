#include "common/storage/sqlite.h"

#include <random>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/test_util.h"

namespace poc {
namespace {

using ::poc::testutil::MessageOf;
using ::poc::testutil::TempDir;
using ::poc::testutil::WriteFixture;
using ::testing::HasSubstr;

class SqliteTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteDatabase> OpenOrDie(const std::string& path) {
    auto db = SqliteDatabase::Open(path);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? *std::move(db) : nullptr;
  }

  // The single integer the query returns, or -1 on error.
  static int64_t QueryInt(SqliteDatabase* db, const std::string& sql) {
    auto st = db->Prepare(sql);
    if (!st.ok()) return -1;
    auto row = st->Step();
    if (!row.ok() || !*row) return -1;
    return st->ColumnInt(0);
  }

  static int64_t CountRows(SqliteDatabase* db) { return QueryInt(db, "SELECT count(*) FROM t"); }

  TempDir dir_;
  const std::string path_ = dir_.File("store.db");
};

TEST_F(SqliteTest, OpenCreatesAWalDatabaseWithFullSync) {
  auto db = OpenOrDie(path_);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->path(), path_);
  auto mode = db->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok()) << mode.status();
  auto row = mode->Step();
  ASSERT_TRUE(row.ok() && *row) << row.status();
  EXPECT_EQ(mode->ColumnText(0), "wal");
  EXPECT_EQ(QueryInt(db.get(), "PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(QueryInt(db.get(), "PRAGMA foreign_keys"), 1);
}

TEST_F(SqliteTest, OpenKeepsSavepointJournalsInMemoryNotInTempFiles) {
  auto db = OpenOrDie(path_);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(QueryInt(db.get(), "PRAGMA temp_store"), 2);  // MEMORY
}

TEST_F(SqliteTest, CommittedTransactionPersistsAcrossReopen) {
  {
    auto db = OpenOrDie(path_);
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").ok());
    SqliteTransaction txn(db.get());
    ASSERT_TRUE(txn.begin_status().ok()) << txn.begin_status();
    auto insert = db->Prepare("INSERT INTO t (v) VALUES (?)");
    ASSERT_TRUE(insert.ok()) << insert.status();
    ASSERT_TRUE(insert->Bind(1, std::string_view("one")).Run().ok());
    ASSERT_TRUE(insert->Bind(1, std::string_view("two")).Run().ok());
    const absl::Status committed = txn.Commit();
    ASSERT_TRUE(committed.ok()) << committed;
  }
  auto db = OpenOrDie(path_);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(CountRows(db.get()), 2);
}

TEST_F(SqliteTest, DestroyingAnUncommittedTransactionRollsBack) {
  auto db = OpenOrDie(path_);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").ok());
  {
    SqliteTransaction txn(db.get());
    ASSERT_TRUE(txn.begin_status().ok()) << txn.begin_status();
    ASSERT_TRUE(db->Exec("INSERT INTO t (v) VALUES ('lost')").ok());
    EXPECT_EQ(CountRows(db.get()), 1);
  }
  EXPECT_EQ(CountRows(db.get()), 0);

  // The connection is out of the transaction: a new one can begin and commit.
  SqliteTransaction next(db.get());
  ASSERT_TRUE(next.begin_status().ok()) << next.begin_status();
  ASSERT_TRUE(db->Exec("INSERT INTO t (v) VALUES ('kept')").ok());
  ASSERT_TRUE(next.Commit().ok());
  db.reset();
  db = OpenOrDie(path_);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(CountRows(db.get()), 1);
}

TEST_F(SqliteTest, CheckIntegrityIsOkOnAGoodDatabase) {
  auto db = OpenOrDie(path_);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE);"
                       "INSERT INTO t (v) VALUES ('a'), ('b');")
                  .ok());
  const absl::Status status = db->CheckIntegrity();
  EXPECT_TRUE(status.ok()) << status;
}

TEST_F(SqliteTest, OpeningAFileOfRandomBytesFails) {
  std::mt19937 rng(20261128);
  std::string junk(8192, '\0');
  for (char& c : junk) c = static_cast<char>(rng() & 0xff);
  WriteFixture(path_, junk);

  auto db = SqliteDatabase::Open(path_);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(MessageOf(db.status()), HasSubstr(path_));
}

TEST_F(SqliteTest, OpeningInAMissingFolderFailsNamingThePath) {
  const std::string path = dir_.File("no-such-folder/store.db");
  auto db = SqliteDatabase::Open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_THAT(MessageOf(db.status()), HasSubstr(path));
}

TEST_F(SqliteTest, UniqueConstraintViolationIsAlreadyExists) {
  auto db = OpenOrDie(path_);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (id TEXT PRIMARY KEY, v TEXT)").ok());
  auto insert = db->Prepare("INSERT INTO t (id, v) VALUES (?, ?)");
  ASSERT_TRUE(insert.ok()) << insert.status();
  ASSERT_TRUE(insert->Bind(1, std::string_view("m1")).Bind(2, std::string_view("a")).Run().ok());

  const absl::Status again =
      insert->Bind(1, std::string_view("m1")).Bind(2, std::string_view("b")).Run();
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(MessageOf(again), HasSubstr("UNIQUE"));
  EXPECT_THAT(MessageOf(again), HasSubstr(path_));

  const absl::Status via_exec = db->Exec("INSERT INTO t (id, v) VALUES ('m1', 'c')");
  EXPECT_EQ(via_exec.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CountRows(db.get()), 1);
}

TEST_F(SqliteTest, StoresBlobsWithNulBytesAndNulls) {
  auto db = OpenOrDie(path_);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB, n TEXT)").ok());
  const std::string blob("\x00\x01\xff\x00", 4);
  auto insert = db->Prepare("INSERT INTO t (b, n) VALUES (?, ?)");
  ASSERT_TRUE(insert.ok()) << insert.status();
  ASSERT_TRUE(insert->BindBlob(1, blob).BindNull(2).Run().ok());
  EXPECT_EQ(db->LastInsertRowId(), 1);
  EXPECT_EQ(db->Changes(), 1);

  auto select = db->Prepare("SELECT b, n FROM t");
  ASSERT_TRUE(select.ok()) << select.status();
  auto row = select->Step();
  ASSERT_TRUE(row.ok() && *row) << row.status();
  EXPECT_EQ(select->ColumnBlob(0), blob);
  EXPECT_TRUE(select->ColumnIsNull(1));
  row = select->Step();
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(*row);
}

}  // namespace
}  // namespace poc
