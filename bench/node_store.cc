#include "bench/node_store.h"

#include <memory>

namespace poc::bench {
namespace {

// As the relay's default max_batch.
constexpr int kMaxBatch = 512;

}  // namespace

absl::StatusOr<std::unique_ptr<NodeStore>> NodeStore::Open(const std::string& path) {
  absl::StatusOr<std::unique_ptr<SqliteDatabase>> db = SqliteDatabase::Open(path);
  if (!db.ok()) return db.status();
  if (absl::Status s = (*db)->Exec(
          "CREATE TABLE IF NOT EXISTS messages (node TEXT NOT NULL, id TEXT NOT NULL, "
          "envelope BLOB NOT NULL, stored_at INTEGER NOT NULL, PRIMARY KEY (node, id));"
          "CREATE TABLE IF NOT EXISTS receipts (node TEXT NOT NULL, message_id TEXT NOT NULL, "
          "recipient TEXT NOT NULL, receipt BLOB NOT NULL, "
          "PRIMARY KEY (node, message_id, recipient));");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<SqliteStatement> insert_message =
      (*db)->Prepare("INSERT OR IGNORE INTO messages VALUES (?, ?, ?, ?)");
  if (!insert_message.ok()) return insert_message.status();
  absl::StatusOr<SqliteStatement> insert_receipt =
      (*db)->Prepare("INSERT OR IGNORE INTO receipts VALUES (?, ?, ?, ?)");
  if (!insert_receipt.ok()) return insert_receipt.status();
  return std::unique_ptr<NodeStore>(
      new NodeStore(*std::move(db), *std::move(insert_message), *std::move(insert_receipt)));
}

NodeStore::NodeStore(std::unique_ptr<SqliteDatabase> db, SqliteStatement insert_message,
                     SqliteStatement insert_receipt)
    : db_(std::move(db)),
      insert_message_(std::move(insert_message)),
      insert_receipt_(std::move(insert_receipt)),
      committer_(std::make_unique<GroupCommitter>(db_.get(), kMaxBatch, [] {})) {}

NodeStore::~NodeStore() {
  committer_.reset();  // drains, then stops, before the statements and the database go
}

void NodeStore::StoreMessage(const std::string& node, const std::string& message_id,
                             std::string envelope, int64_t stored_at_ms, Done done) {
  committer_->Enqueue(
      [this, node, message_id, envelope = std::move(envelope),
       stored_at_ms](SqliteDatabase& /*db*/) {
        return insert_message_.Bind(1, node)
            .Bind(2, message_id)
            .BindBlobNoCopy(3, envelope)
            .Bind(4, stored_at_ms)
            .Run();
      },
      std::move(done));
}

void NodeStore::StoreReceipt(const std::string& node, const std::string& message_id,
                             const std::string& recipient, std::string receipt, Done done) {
  committer_->Enqueue(
      [this, node, message_id, recipient, receipt = std::move(receipt)](SqliteDatabase& /*db*/) {
        return insert_receipt_.Bind(1, node)
            .Bind(2, message_id)
            .Bind(3, recipient)
            .BindBlobNoCopy(4, receipt)
            .Run();
      },
      std::move(done));
}

}  // namespace poc::bench
