#include "server/message_rows.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace poc {

absl::StatusOr<bool> FindResubmission(SqliteDatabase& db, const NewMessage& msg,
                                      SubmitOutcome* out) {
  ASSIGN_OR_RETURN(SqliteStatement find,
                   db.Prepare("SELECT hash, receipt FROM messages WHERE id = ?"));
  find.Bind(1, msg.id);
  ASSIGN_OR_RETURN(bool exists, find.Step());
  if (!exists) {
    return false;
  }
  if (find.ColumnBlob(0) != msg.hash) {
    return absl::AlreadyExistsError(
        absl::StrCat("message id ", msg.id, " was already submitted with different content"));
  }
  out->receipt = find.ColumnBlob(1);
  out->duplicate = true;
  return true;
}

absl::Status InsertMessage(SqliteDatabase& db, const MessageRow& row) {
  ASSIGN_OR_RETURN(SqliteStatement ins,
                   db.Prepare("INSERT INTO messages(id, hash, sender, envelope, received_at_ms, "
                              "audit_index, receipt) VALUES(?, ?, ?, ?, ?, ?, ?)"));
  // A view with no data would bind NULL; the column wants an empty blob.
  static constexpr char kNoReceipt[] = "";
  const std::string_view receipt = row.receipt.empty() ? std::string_view(kNoReceipt) : row.receipt;
  return ins.Bind(1, row.id)
      .BindBlob(2, row.hash)
      .Bind(3, row.sender)
      .BindBlob(4, row.envelope)
      .Bind(5, absl::ToUnixMillis(row.received_at))
      .Bind(6, static_cast<int64_t>(row.audit_index))
      .BindBlob(7, receipt)
      .Run();
}

namespace {

// The highest seq queued for `state` (0: none), inside the caller's transaction: items added
// after a session last read the store chain to it through QueueItem::prev_seq.
absl::StatusOr<uint64_t> HighestQueuedSeq(SqliteDatabase& db, std::string_view state) {
  ASSIGN_OR_RETURN(SqliteStatement highest,
                   db.Prepare("SELECT COALESCE(MAX(seq), 0) FROM queue WHERE state = ?"));
  highest.Bind(1, state);
  ASSIGN_OR_RETURN(bool row, highest.Step());
  return row ? static_cast<uint64_t>(highest.ColumnInt(0)) : 0;
}

}  // namespace

absl::Status QueueMessage(SqliteDatabase& db, std::string_view id,
                          const std::vector<std::string>& recipients,
                          std::vector<QueueItem>* queued) {
  ASSIGN_OR_RETURN(SqliteStatement enqueue,
                   db.Prepare("INSERT INTO queue(state, kind, message_id) VALUES(?, 1, ?)"));
  ASSIGN_OR_RETURN(SqliteStatement pending,
                   db.Prepare("INSERT INTO deliveries(message_id, state) VALUES(?, ?)"));
  for (const std::string& state : recipients) {
    QueueItem item;
    if (queued != nullptr) {
      ASSIGN_OR_RETURN(item.prev_seq, HighestQueuedSeq(db, state));
    }
    RETURN_IF_ERROR(enqueue.Bind(1, state).Bind(2, id).Run());
    item.seq = static_cast<uint64_t>(db.LastInsertRowId());
    RETURN_IF_ERROR(pending.Bind(1, id).Bind(2, state).Run());
    if (queued != nullptr) {
      item.kind = QueueItem::Kind::kDelivery;
      item.message_id = std::string(id);
      item.state = state;
      queued->push_back(std::move(item));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<QueueItem> QueueReceiptNotice(SqliteDatabase& db, std::string_view sender,
                                             std::string_view id, std::string_view receipt) {
  QueueItem item;
  ASSIGN_OR_RETURN(item.prev_seq, HighestQueuedSeq(db, sender));
  ASSIGN_OR_RETURN(SqliteStatement notice,
                   db.Prepare("INSERT INTO queue(state, kind, message_id, payload) "
                              "VALUES(?, 2, ?, ?)"));
  RETURN_IF_ERROR(notice.Bind(1, sender).Bind(2, id).BindBlob(3, receipt).Run());
  item.seq = static_cast<uint64_t>(db.LastInsertRowId());
  item.kind = QueueItem::Kind::kReceiptNotice;
  item.message_id = std::string(id);
  item.payload = std::string(receipt);
  item.state = std::string(sender);
  return item;
}

}  // namespace poc
