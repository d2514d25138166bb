// The relay's durable state behind one small interface, so that a PostgreSQL backend can
// later serve a pair of relays (DESIGN.md, "Storage and scale"). The SQLite implementation is
// sqlite_relay_store.h.
//
// Contract for every mutating call: `done` runs exactly once, on a store thread, after the
// change (and its audit leaf) is durable on disk, or with the error that prevented it, in
// which case nothing of the change is stored. Callers must not block in `done`.
#ifndef POC_SERVER_RELAY_STORE_H_
#define POC_SERVER_RELAY_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "poc/v1/audit.pb.h"
#include "poc/v1/observers.pb.h"
#include "poc/v1/template.pb.h"

namespace poc {

// A verified, validated submission.
struct NewMessage {
  std::string id;
  std::string sender;
  std::string hash;                       // SHA-256 of the message bytes
  std::string envelope;                   // the serialized poc.v1.Envelope, exactly as received
  std::vector<std::string> recipients;    // States, groups expanded, sender excluded
  std::vector<std::string> addressed_to;  // the message's own recipients ("group:WEOG", "all")
  v1::MessageType kind = v1::MESSAGE_TYPE_UNSPECIFIED;
  std::string in_reply_to;
  absl::Time relay_time;
};

struct QueueItem {
  enum class Kind { kDelivery = 1, kReceiptNotice = 2 };
  uint64_t seq = 0;
  Kind kind = Kind::kDelivery;
  std::string message_id;
  std::string payload;  // kDelivery: serialized Envelope; kReceiptNotice: serialized Signed
  // Set on the items a write hands to the recipients' live sessions at commit (SubmitOutcome,
  // DeliveryOutcome), empty and 0 on those FetchQueue reads. `prev_seq` is the highest seq
  // queued for `state` before this item, as of its transaction (0: none): a session that has
  // taken every item up to prev_seq from the store may push this one without reading the store,
  // in relay order; any other must read (RelaySession::Offer).
  std::string state;
  uint64_t prev_seq = 0;
};

struct SubmitOutcome {
  std::string receipt;  // the serialized relay-signed poc.v1.Signed receipt
  bool duplicate = false;
  std::vector<std::string> recipients;  // whose queues gained an item (empty for duplicates)
  std::vector<QueueItem> queued;        // those items, envelope included, for live sessions
};

// Makes the signed receipt once the audit index is known; runs inside the store's commit.
using ReceiptMaker = std::function<std::string(uint64_t audit_index)>;

// A recipient's verified delivery receipt for queue item `seq`.
struct DeliveryRecord {
  std::string state;  // the recipient
  uint64_t seq = 0;
  std::string message_id;
  std::string receipt;  // serialized poc.v1.Signed, forwarded to the sender as is
  std::string receipt_hash;
  absl::Time relay_time;
};

struct DeliveryOutcome {
  // Whose queue gained the receipt notice; empty if nothing changed. "secretariat" for an
  // exercise ping, whose receipt is queued for nobody (the relay keeps it).
  std::string sender;
  std::vector<QueueItem> queued;  // the sender's receipt notice, if one was queued
};

// The directory the relay serves (published) and the Secretariat's file it was built from. They
// differ once States announce keys (README, "Rotating a signing key"): the published version
// then runs ahead of the file's. Hashes are SHA-256 of the Directory without issued_at.
struct DirectoryRecord {
  uint64_t version = 0;
  std::string hash;
  uint64_t file_version = 0;
  std::string file_hash;
};

// A key announcement the relay accepted (common/directory/key_rotation.h).
struct KeyAnnouncementRecord {
  std::string state;
  std::string key_id;           // the new key
  std::string previous_key_id;  // the key that signed it
  std::string announcement;     // the serialized poc.v1.Signed, exactly as received
  std::string hash;             // SHA-256 of the signed body
  uint64_t audit_index = 0;     // of its KEY_ANNOUNCED leaf (set by the store)
};

// A verified objection (server/observer_service.cc checked the signature and the State).
struct ObjectionOutcome {
  v1::ObserverRecord record;  // after the change
  bool duplicate = false;     // this State had objected before; nothing changed
};

class RelayStore {
 public:
  virtual ~RelayStore() = default;

  // Idempotent by message id: the same hash again yields the stored receipt with
  // duplicate=true; another hash under a known id fails with ALREADY_EXISTS. A new message
  // fails with RESOURCE_EXHAUSTED, naming the State, when a recipient already has as many
  // undelivered messages waiting as the store's limit allows; nothing of it is stored.
  virtual void Submit(NewMessage message, ReceiptMaker make_receipt,
                      std::function<void(absl::StatusOr<SubmitOutcome>)> done) = 0;

  // Removes the delivered item from the recipient's queue, keeps the receipt, logs it, and
  // queues a receipt notice for the sender. A receipt for an item already gone is a no-op.
  virtual void RecordDelivery(DeliveryRecord record,
                              std::function<void(absl::StatusOr<DeliveryOutcome>)> done) = 0;

  // The recipient's node refused item `seq`; it is removed from the queue and the refusal logged.
  virtual void RecordRefusal(std::string state, uint64_t seq, std::string reason,
                             absl::Time relay_time, std::function<void(absl::Status)> done) = 0;

  // The node stored receipt notice `seq`; it is removed from the queue.
  virtual void RecordNoticeAck(std::string state, uint64_t seq,
                               std::function<void(absl::Status)> done) = 0;

  // Records that the relay now serves `directory`: appends a DIRECTORY_LOADED leaf when the
  // published version or hash differs from the last recorded, in one commit with the new
  // marker. done(true) when a leaf was appended, done(false) when nothing changed.
  // FAILED_PRECONDITION, changing nothing, for a file version older than the last file recorded
  // or the same file version with other content, and likewise for the published version (nodes
  // keep the newest version they saw, so either would never reach them).
  virtual void RecordDirectory(DirectoryRecord directory, absl::Time relay_time,
                               std::function<void(absl::StatusOr<bool>)> done) = 0;
  // The directory last recorded; nullopt on a new store.
  virtual absl::StatusOr<std::optional<DirectoryRecord>> LastDirectory() = 0;

  // Stores an accepted key announcement with its KEY_ANNOUNCED leaf and records `directory`
  // (which lists the new key) as RecordDirectory does, all in one commit. done(the record, with
  // its audit index). ALREADY_EXISTS, changing nothing, when the key was announced before.
  virtual void RecordKeyAnnouncement(
      KeyAnnouncementRecord announcement, DirectoryRecord directory, absl::Time relay_time,
      std::function<void(absl::StatusOr<KeyAnnouncementRecord>)> done) = 0;
  // Every accepted announcement, in the order accepted. Thread-safe.
  virtual absl::StatusOr<std::vector<KeyAnnouncementRecord>> KeyAnnouncements() = 0;

  // Observers (observers.proto, server/observer_rules.h). Each change is one commit with its
  // audit leaves.
  // Stores `proposal` (id, times set by the caller) as PENDING and logs OBSERVER_PROPOSED.
  // ALREADY_EXISTS, changing nothing, while a PENDING or ACCREDITED proposal names the slug.
  virtual void ProposeObserver(v1::ObserverProposal proposal,
                               std::function<void(absl::StatusOr<v1::ObserverRecord>)> done) = 0;
  // Records `state`'s verified signed objection to proposal `proposal_id`, judged by
  // JudgeObjection at `relay_time`: logs OBSERVER_OBJECTED and, for the first objection,
  // OBSERVER_REJECTED. NOT_FOUND for an unknown proposal; FAILED_PRECONDITION after the
  // silence period; a duplicate changes nothing.
  virtual void ObjectToObserver(std::string proposal_id, std::string state, v1::Signed objection,
                                absl::Time relay_time,
                                std::function<void(absl::StatusOr<ObjectionOutcome>)> done) = 0;
  // Logs OBSERVER_ACCREDITED for every proposal DueForAccreditation at `now`; done gets them.
  virtual void DecideObservers(
      absl::Time now,
      std::function<void(absl::StatusOr<std::vector<v1::ObserverRecord>>)> done) = 0;
  // Every proposal with its objections, oldest first. Thread-safe.
  virtual absl::StatusOr<std::vector<v1::ObserverRecord>> ObserverRecords() = 0;

  // Items queued for `state` with seq > after_seq, in relay order. Thread-safe.
  virtual absl::StatusOr<std::vector<QueueItem>> FetchQueue(const std::string& state,
                                                            uint64_t after_seq, int limit) = 0;
  virtual absl::StatusOr<uint64_t> QueuedCount(const std::string& state) = 0;

  // The audit log. Reads see committed data only and are thread-safe.
  virtual uint64_t AuditSize() = 0;
  virtual absl::StatusOr<std::string> RootAt(uint64_t size) = 0;
  virtual absl::StatusOr<std::vector<std::string>> InclusionProof(uint64_t index,
                                                                  uint64_t size) = 0;
  virtual absl::StatusOr<std::vector<std::string>> ConsistencyProof(uint64_t size1,
                                                                    uint64_t size2) = 0;
  // Leaf data of [start, start + count); NOT_FOUND if the log is shorter.
  virtual absl::StatusOr<std::vector<std::string>> Entries(uint64_t start, uint64_t count) = 0;
  // Hashes of complete subtrees at tree `level`; NOT_FOUND if any is not stored yet.
  virtual absl::StatusOr<std::vector<std::string>> NodeHashes(int level, uint64_t index,
                                                              uint64_t count) = 0;
  // Indexes of the leaves that name `message_id`, ascending.
  virtual absl::StatusOr<std::vector<uint64_t>> LeafIndexesOf(const std::string& message_id) = 0;

  // Signed checkpoints, newest last. SaveCheckpoint returns once the note is durable.
  struct StoredCheckpoint {
    uint64_t size = 0;
    std::string note;
  };
  virtual absl::StatusOr<std::optional<StoredCheckpoint>> LatestCheckpoint() = 0;
  virtual absl::Status SaveCheckpoint(uint64_t size, const std::string& note, absl::Time at) = 0;
  // The note of the checkpoint signed at exactly `size`, if any.
  virtual absl::StatusOr<std::optional<std::string>> CheckpointAt(uint64_t size) = 0;

  // Witness cosignatures (C2SP tlog-cosignature/v1) of the checkpoint of `size`, one per State:
  // a newer one from the same State replaces the older. `line` is the note signature line.
  // SaveCosignature returns once it is durable.
  virtual absl::Status SaveCosignature(const std::string& state, uint64_t size,
                                       const std::string& line, absl::Time at) = 0;
  // The cosignature lines held for the checkpoint of `size`, ordered by State.
  virtual absl::StatusOr<std::vector<std::string>> CosignaturesAt(uint64_t size) = 0;
};

}  // namespace poc

#endif  // POC_SERVER_RELAY_STORE_H_
