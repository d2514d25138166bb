// A thin RAII layer over SQLite 3. Databases open in WAL mode with synchronous=FULL, so a
// committed transaction is on disk (fsync) before Commit() returns.
#ifndef POC_COMMON_STORAGE_SQLITE_H_
#define POC_COMMON_STORAGE_SQLITE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

struct sqlite3;
struct sqlite3_stmt;

namespace poc {

class SqliteStatement;
class SqliteStatementCache;

// One connection. Not thread-safe: use it from one thread at a time.
class SqliteDatabase {
 public:
  // Opens (creating if needed) the database at `path` and applies the durability pragmas.
  static absl::StatusOr<std::unique_ptr<SqliteDatabase>> Open(const std::string& path);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  // Runs one or more statements that return no rows.
  absl::Status Exec(std::string_view sql);
  absl::StatusOr<SqliteStatement> Prepare(std::string_view sql);

  // Runs PRAGMA quick_check; returns the problems found, or OK.
  absl::Status CheckIntegrity();

  int64_t LastInsertRowId() const;
  int Changes() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

  // A status for the connection's last error, with `what` as context; SQLITE_FULL becomes
  // RESOURCE_EXHAUSTED so callers can tell "disk full" from corruption.
  absl::Status Error(std::string_view what) const;

 private:
  SqliteDatabase(sqlite3* db, std::string path);
  sqlite3* db_;
  const std::string path_;
  // Prepare() hands out statements kept from earlier uses of the same SQL text: compiling a
  // statement cost as much as running it on the relay's hot paths (perf, poc-bench storm).
  std::shared_ptr<SqliteStatementCache> cache_;
};

// A prepared statement. Bind parameters are 1-based, columns 0-based, as in SQLite.
class SqliteStatement {
 public:
  SqliteStatement(SqliteDatabase* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  // A statement that goes back to `cache`, reset and unbound, when destroyed.
  SqliteStatement(SqliteDatabase* db, sqlite3_stmt* stmt,
                  std::shared_ptr<SqliteStatementCache> cache, std::string sql);
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& Bind(int index, std::string_view text);  // TEXT
  SqliteStatement& BindBlob(int index, std::string_view bytes);
  // Binds `bytes` without copying them: they must stay valid and unchanged until the statement
  // is reset (Run() resets it) or the parameter is bound again. For hot inserts.
  SqliteStatement& BindBlobNoCopy(int index, std::string_view bytes);
  SqliteStatement& BindNull(int index);

  // Advances; true when a row is available, false when done.
  absl::StatusOr<bool> Step();
  // Steps a statement that returns no rows.
  absl::Status Run();
  void Reset();

  int64_t ColumnInt(int col) const;
  std::string ColumnText(int col) const;
  std::string ColumnBlob(int col) const;
  bool ColumnIsNull(int col) const;

 private:
  SqliteDatabase* db_;
  sqlite3_stmt* stmt_;
  std::shared_ptr<SqliteStatementCache> cache_;  // null: finalized when destroyed
  std::string sql_;
};

// Runs BEGIN IMMEDIATE on construction; rolls back on destruction unless Commit() succeeded.
class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteDatabase* db);
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;

  const absl::Status& begin_status() const { return begin_status_; }
  absl::Status Commit();

 private:
  SqliteDatabase* db_;
  absl::Status begin_status_;
  bool done_ = false;
};

}  // namespace poc

#endif  // POC_COMMON_STORAGE_SQLITE_H_
