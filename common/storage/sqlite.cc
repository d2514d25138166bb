#include "common/storage/sqlite.h"

#include <sqlite3.h>

#include <mutex>
#include <unordered_map>
#include <vector>

#include "common/status_macros.h"

namespace poc {

absl::StatusOr<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return absl::UnavailableError(path + ": cannot open database: " + why);
  }
  std::unique_ptr<SqliteDatabase> out(new SqliteDatabase(db, path));
  sqlite3_busy_timeout(db, 5000);
  sqlite3_extended_result_codes(db, 1);
  // A damaged file shows up here ("file is not a database") rather than later under load.
  // temp_store=MEMORY keeps savepoint journals in memory: GroupCommitter gives every operation
  // its own SAVEPOINT, whose journal (the pages it touches, 40-60 KB) otherwise spills to a temp
  // file, five times the bytes the WAL itself gets (README, "Performance").
  absl::Status s = out->Exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
      "PRAGMA temp_store=MEMORY;");
  if (!s.ok()) {
    return absl::DataLossError(path + ": " + std::string(s.message()));
  }
  return out;
}

// Statements not in use, by SQL text. Shared with the statements handed out, so that one
// destroyed after its database finalizes itself instead of returning to a closed cache.
class SqliteStatementCache {
 public:
  sqlite3_stmt* Take(const std::string& sql) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = idle_.find(sql);
    if (it == idle_.end() || it->second.empty()) return nullptr;
    sqlite3_stmt* stmt = it->second.back();
    it->second.pop_back();
    --count_;
    return stmt;
  }
  // False when the statement was not kept (the cache is closed or full): finalize it.
  bool Give(const std::string& sql, sqlite3_stmt* stmt) {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_ || count_ >= kMaxIdle) return false;
    idle_[sql].push_back(stmt);
    ++count_;
    return true;
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    for (auto& [sql, stmts] : idle_) {
      for (sqlite3_stmt* stmt : stmts) sqlite3_finalize(stmt);
    }
    idle_.clear();
    count_ = 0;
  }

 private:
  // The code's SQL texts are a few dozen literals; the bound only guards against built ones.
  static constexpr size_t kMaxIdle = 256;
  std::mutex mu_;
  bool closed_ = false;                                               // guarded by mu_
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>> idle_;  // guarded by mu_
  size_t count_ = 0;                                                  // guarded by mu_
};

SqliteDatabase::SqliteDatabase(sqlite3* db, std::string path)
    : db_(db), path_(std::move(path)), cache_(std::make_shared<SqliteStatementCache>()) {}

SqliteDatabase::~SqliteDatabase() {
  cache_->Close();
  sqlite3_close_v2(db_);
}

absl::Status SqliteDatabase::Error(std::string_view what) const {
  const int code = sqlite3_errcode(db_) & 0xff;
  std::string msg = std::string(what) + ": " + sqlite3_errmsg(db_) + " (" + path_ + ")";
  switch (code) {
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(msg);
    case SQLITE_CONSTRAINT: {
      // Only a duplicate key means "already exists"; NOT NULL, CHECK and foreign-key
      // violations are a caller's bug.
      const int extended = sqlite3_extended_errcode(db_);
      if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return absl::AlreadyExistsError(msg);
      }
      return absl::FailedPreconditionError(msg);
    }
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(msg);
    default:
      return absl::InternalError(msg);
  }
}

absl::Status SqliteDatabase::Exec(std::string_view sql) {
  char* err = nullptr;
  const std::string s(sql);
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    sqlite3_free(err);
    return Error("sql");
  }
  return absl::OkStatus();
}

absl::StatusOr<SqliteStatement> SqliteDatabase::Prepare(std::string_view sql) {
  std::string text(sql);
  if (sqlite3_stmt* kept = cache_->Take(text)) {
    return SqliteStatement(this, kept, cache_, std::move(text));
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return Error("prepare");
  }
  return SqliteStatement(this, stmt, cache_, std::move(text));
}

absl::Status SqliteDatabase::CheckIntegrity() {
  ASSIGN_OR_RETURN(SqliteStatement st, Prepare("PRAGMA quick_check"));
  std::string problems;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      break;
    }
    const std::string line = st.ColumnText(0);
    if (line != "ok") {
      problems += (problems.empty() ? "" : "; ") + line;
    }
  }
  if (!problems.empty()) {
    return absl::DataLossError(path_ + ": damaged: " + problems);
  }
  return absl::OkStatus();
}

int64_t SqliteDatabase::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int SqliteDatabase::Changes() const { return sqlite3_changes(db_); }

SqliteStatement::SqliteStatement(SqliteDatabase* db, sqlite3_stmt* stmt,
                                 std::shared_ptr<SqliteStatementCache> cache, std::string sql)
    : db_(db), stmt_(stmt), cache_(std::move(cache)), sql_(std::move(sql)) {}

SqliteStatement::~SqliteStatement() {
  if (stmt_ == nullptr) return;
  if (cache_) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    if (cache_->Give(sql_, stmt_)) return;
  }
  sqlite3_finalize(stmt_);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_),
      stmt_(other.stmt_),
      cache_(std::move(other.cache_)),
      sql_(std::move(other.sql_)) {
  other.stmt_ = nullptr;
}

SqliteStatement& SqliteStatement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement& SqliteStatement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement& SqliteStatement::BindBlobNoCopy(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC);
  return *this;
}

SqliteStatement& SqliteStatement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

absl::StatusOr<bool> SqliteStatement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  return db_->Error("step");
}

absl::Status SqliteStatement::Run() {
  absl::StatusOr<bool> row = Step();
  Reset();  // also after a failure, so a cached statement can be bound again
  return row.status();
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t SqliteStatement::ColumnInt(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string SqliteStatement::ColumnText(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
}

std::string SqliteStatement::ColumnBlob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  return p ? std::string(static_cast<const char*>(p),
                         static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
}

bool SqliteStatement::ColumnIsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

SqliteTransaction::SqliteTransaction(SqliteDatabase* db) : db_(db) {
  begin_status_ = db_->Exec("BEGIN IMMEDIATE");
  done_ = !begin_status_.ok();
}

SqliteTransaction::~SqliteTransaction() {
  if (!done_) {
    (void)db_->Exec("ROLLBACK");
  }
}

absl::Status SqliteTransaction::Commit() {
  absl::Status s = db_->Exec("COMMIT");
  if (s.ok()) {
    done_ = true;
  }
  return s;
}

}  // namespace poc
