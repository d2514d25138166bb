// The rows every stored message has, whoever made it (a State's submission, or a relay-made
// ping, drill message or escalation notice): the SQL the relay's stores share. Each function
// runs inside the caller's write transaction (SqliteRelayStore's schema).
#ifndef POC_SERVER_MESSAGE_ROWS_H_
#define POC_SERVER_MESSAGE_ROWS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/storage/sqlite.h"
#include "server/relay_store.h"

namespace poc {

// Submissions are idempotent by message id. Not stored yet: false. Stored with the same content:
// true, with `out` holding the stored receipt and marked duplicate. Stored with other content:
// ALREADY_EXISTS.
absl::StatusOr<bool> FindResubmission(SqliteDatabase& db, const NewMessage& msg,
                                      SubmitOutcome* out);

struct MessageRow {
  std::string_view id;
  std::string_view hash;  // SHA-256 of the message bytes
  std::string_view sender;
  std::string_view envelope;  // serialized poc.v1.Envelope
  absl::Time received_at;
  uint64_t audit_index = 0;
  std::string_view receipt;  // empty for relay-made messages, which get no receipt
};
absl::Status InsertMessage(SqliteDatabase& db, const MessageRow& row);

// Queues message `id` for each of `recipients`, with a pending delivery for each. With `queued`,
// also appends each new item (seq, state, prev_seq; no payload) for the recipients' sessions.
absl::Status QueueMessage(SqliteDatabase& db, std::string_view id,
                          const std::vector<std::string>& recipients,
                          std::vector<QueueItem>* queued = nullptr);

// Queues the receipt notice `receipt` (a serialized Signed) of message `id` for `sender`.
absl::StatusOr<QueueItem> QueueReceiptNotice(SqliteDatabase& db, std::string_view sender,
                                             std::string_view id, std::string_view receipt);

}  // namespace poc

#endif  // POC_SERVER_MESSAGE_ROWS_H_
