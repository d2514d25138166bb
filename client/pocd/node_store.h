// The node's durable store: one SQLite file (WAL, synchronous=FULL) with the inbox, the
// outbox, the delivery receipts of sent messages and the cached directory. Every mutating
// call returns only once its change is on disk.
#ifndef POC_CLIENT_POCD_NODE_STORE_H_
#define POC_CLIENT_POCD_NODE_STORE_H_

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/storage/sqlite.h"
#include "poc/v1/envelope.pb.h"
#include "poc/v1/message.pb.h"
#include "poc/v1/node_control.pb.h"

namespace poc {

// A relay checkpoint this node verified as a witness.
struct WitnessedCheckpoint {
  uint64_t size = 0;
  std::string root;  // 32 raw bytes
  std::string note;  // the note as the relay served it
  absl::Time verified_at;
};

// One witness alarm (witness.h). `conflict` identifies the conflict: the same one is raised once.
struct WitnessAlarm {
  int64_t id = 0;
  std::string kind;  // fork | rollback | missing_inclusion | bad_signature
  std::string conflict;
  std::string detail;
  std::string evidence;  // folder holding the evidence files
  absl::Time raised_at;
};

// A message whose audit entry the witness has yet to check.
struct PendingInclusion {
  std::string id;
  bool outgoing = false;
  uint64_t audit_index = 0;  // outgoing: from the relay's submit receipt
  std::string hash;          // SHA-256 of the message bytes
  absl::Time stored_at;      // incoming: when we stored it and signed our receipt
};

struct OutboxEntry {
  std::string id;
  v1::Envelope envelope;
};

// Thread-safe: one mutex guards the connection.
class NodeStore {
 public:
  static absl::StatusOr<std::unique_ptr<NodeStore>> Open(const std::string& path);

  // Outbox. A new message starts QUEUED.
  absl::Status AddOutgoing(const v1::Message& message, const v1::Envelope& envelope);
  absl::StatusOr<std::vector<OutboxEntry>> QueuedOutbox();
  absl::Status MarkSubmitted(const std::string& id, const std::string& signed_receipt,
                             uint64_t audit_index, const std::vector<std::string>& recipients);
  absl::Status MarkRejected(const std::string& id, const std::string& error);
  absl::Status NoteQueuedError(const std::string& id, const std::string& error);

  // Inbox. Stores a verified message once; `make_receipt` signs our delivery receipt inside
  // the same transaction. A message already stored returns its original receipt; the same id
  // with other bytes is ALREADY_EXISTS (and nothing changes).
  absl::StatusOr<std::string> StoreIncoming(
      const v1::Envelope& envelope, const v1::Message& message, const std::string& hash,
      absl::Time now, const std::function<std::string(absl::Time stored_at)>& make_receipt);
  // A recipient's delivery receipt for one of our messages (duplicates are ignored).
  absl::Status StoreDeliveryReceipt(const v1::DeliveryReceipt& receipt,
                                    const std::string& signed_receipt);
  absl::Status MarkAcknowledged(const std::string& id, const std::string& ack_id, absl::Time at);

  // Queries for pocctl.
  absl::StatusOr<std::vector<v1::MessageSummary>> List(v1::Folder folder, bool unacked_only,
                                                       int limit);
  // NOT_FOUND when no message has this id.
  absl::StatusOr<v1::ShowResponse> Show(const std::string& id);
  struct Counts {
    uint32_t outbox_queued = 0;
    uint32_t inbox_total = 0;
    uint32_t inbox_unacknowledged = 0;
  };
  absl::StatusOr<Counts> CountMessages();

  // Witness state. The history keeps the newest `kWitnessHistory` checkpoints.
  static constexpr int kWitnessHistory = 1000;
  absl::StatusOr<std::optional<WitnessedCheckpoint>> LatestWitnessed();
  absl::StatusOr<std::optional<WitnessedCheckpoint>> WitnessedAt(uint64_t size);
  absl::Status SaveWitnessed(const WitnessedCheckpoint& checkpoint);
  // Records an alarm unless one with the same `conflict` exists; true when it is new.
  absl::StatusOr<bool> RaiseAlarm(const WitnessAlarm& alarm);
  absl::StatusOr<std::vector<WitnessAlarm>> Alarms();
  // Up to `limit` messages not yet checked: sent ones the relay logged below `tree_size`, and
  // received ones whose delivery receipt we signed.
  absl::StatusOr<std::vector<PendingInclusion>> PendingInclusions(uint64_t tree_size, int limit);
  // `outcome` is "verified" or "missing".
  absl::Status RecordInclusion(const std::string& id, const std::string& outcome,
                               uint64_t tree_size, std::optional<uint64_t> leaf_index,
                               absl::Time at);
  absl::StatusOr<int> CountInclusions(const std::string& outcome);

  // Small named values (the cached directory snapshot).
  absl::Status PutValue(const std::string& key, const std::string& value);
  absl::StatusOr<std::optional<std::string>> GetValue(const std::string& key);

 private:
  explicit NodeStore(std::unique_ptr<SqliteDatabase> db) : db_(std::move(db)) {}

  std::mutex mu_;
  std::unique_ptr<SqliteDatabase> db_;  // guarded by mu_
};

}  // namespace poc

#endif  // POC_CLIENT_POCD_NODE_STORE_H_
