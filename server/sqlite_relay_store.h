// RelayStore on one SQLite file (WAL, synchronous=FULL) with group commit: one writer thread
// commits batches of operations; reads use a second connection.
#ifndef POC_SERVER_SQLITE_RELAY_STORE_H_
#define POC_SERVER_SQLITE_RELAY_STORE_H_

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/merkle/merkle_tree.h"
#include "common/storage/group_commit.h"
#include "common/storage/sqlite.h"
#include "server/audit/audit_leaf_writer.h"
#include "server/audit/sqlite_hash_store.h"
#include "server/relay_store.h"

namespace poc {

class SqliteRelayStore final : public RelayStore {
 public:
  // Opens or creates the store at `path`. Refuses a damaged file (DATA_LOSS) rather than
  // serving wrong data. `max_queued_per_state` (0: no limit) bounds the undelivered messages
  // waiting for one recipient State (Submit's RESOURCE_EXHAUSTED).
  static absl::StatusOr<std::unique_ptr<SqliteRelayStore>> Open(const std::string& path,
                                                                int max_batch,
                                                                int64_t max_queued_per_state = 0);
  ~SqliteRelayStore() override;

  void Submit(NewMessage message, ReceiptMaker make_receipt,
              std::function<void(absl::StatusOr<SubmitOutcome>)> done) override;
  void RecordDelivery(DeliveryRecord record,
                      std::function<void(absl::StatusOr<DeliveryOutcome>)> done) override;
  void RecordRefusal(std::string state, uint64_t seq, std::string reason, absl::Time relay_time,
                     std::function<void(absl::Status)> done) override;
  void RecordNoticeAck(std::string state, uint64_t seq,
                       std::function<void(absl::Status)> done) override;
  void RecordDirectory(DirectoryRecord directory, absl::Time relay_time,
                       std::function<void(absl::StatusOr<bool>)> done) override;
  absl::StatusOr<std::optional<DirectoryRecord>> LastDirectory() override;
  void RecordKeyAnnouncement(
      KeyAnnouncementRecord announcement, DirectoryRecord directory, absl::Time relay_time,
      std::function<void(absl::StatusOr<KeyAnnouncementRecord>)> done) override;
  absl::StatusOr<std::vector<KeyAnnouncementRecord>> KeyAnnouncements() override;
  void ProposeObserver(v1::ObserverProposal proposal,
                       std::function<void(absl::StatusOr<v1::ObserverRecord>)> done) override;
  void ObjectToObserver(std::string proposal_id, std::string state, v1::Signed objection,
                        absl::Time relay_time,
                        std::function<void(absl::StatusOr<ObjectionOutcome>)> done) override;
  void DecideObservers(
      absl::Time now,
      std::function<void(absl::StatusOr<std::vector<v1::ObserverRecord>>)> done) override;
  absl::StatusOr<std::vector<v1::ObserverRecord>> ObserverRecords() override;
  absl::StatusOr<std::vector<QueueItem>> FetchQueue(const std::string& state, uint64_t after_seq,
                                                    int limit) override;
  absl::StatusOr<uint64_t> QueuedCount(const std::string& state) override;
  uint64_t AuditSize() override { return audit_size_.load(); }
  absl::StatusOr<std::string> RootAt(uint64_t size) override;
  absl::StatusOr<std::vector<std::string>> InclusionProof(uint64_t index, uint64_t size) override;
  absl::StatusOr<std::vector<std::string>> ConsistencyProof(uint64_t size1,
                                                            uint64_t size2) override;
  absl::StatusOr<std::vector<std::string>> Entries(uint64_t start, uint64_t count) override;
  absl::StatusOr<std::vector<std::string>> NodeHashes(int level, uint64_t index,
                                                      uint64_t count) override;
  absl::StatusOr<std::vector<uint64_t>> LeafIndexesOf(const std::string& message_id) override;
  absl::StatusOr<std::optional<StoredCheckpoint>> LatestCheckpoint() override;
  absl::Status SaveCheckpoint(uint64_t size, const std::string& note, absl::Time at) override;
  absl::StatusOr<std::optional<std::string>> CheckpointAt(uint64_t size) override;
  absl::Status SaveCosignature(const std::string& state, uint64_t size, const std::string& line,
                               absl::Time at) override;
  absl::StatusOr<std::vector<std::string>> CosignaturesAt(uint64_t size) override;

  // Stops accepting writes and waits for queued ones to commit.
  void Shutdown();

  // For the relay's other features kept in this same file (server/sqlite_exercise_store.h):
  // `op` runs inside a group commit, on the writer thread, with the audit log's leaf writer, so
  // that its rows and its leaves commit together (append leaves last: once a leaf is appended
  // nothing else in the op may fail). `done` runs after the commit, as for the store's own ops.
  using WriteOp = std::function<absl::Status(SqliteDatabase& db, AuditLeafWriter& leaves)>;
  void Write(WriteOp op, std::function<void(absl::Status)> done);
  // A `done` for Write() that hands on what the op left in `*out`, or the failure: the op and
  // the callback share `out`, which keeps the result alive from the writer thread to `done`.
  template <typename T>
  static std::function<void(absl::Status)> DeliverResult(
      std::shared_ptr<T> out, std::function<void(absl::StatusOr<T>)> done) {
    return [out = std::move(out), done = std::move(done)](const absl::Status& s) {
      if (s.ok()) {
        done(std::move(*out));
      } else {
        done(s);
      }
    };
  }
  // Runs `read` on the reader connection (committed data only), one read at a time.
  absl::Status Read(const std::function<absl::Status(SqliteDatabase& db)>& read);

 private:
  // The completion of a committed op whose result the op wrote to `*out`: publishes the new
  // audit size, then answers `done` with the result, or with the op's (or commit's) error.
  template <typename T>
  std::function<void(const absl::Status&)> Answer(std::shared_ptr<T> out,
                                                  std::function<void(absl::StatusOr<T>)> done);
  SqliteRelayStore(std::unique_ptr<SqliteDatabase> writer, std::unique_ptr<AuditLeafWriter> leaves,
                   std::unique_ptr<SqliteDatabase> reader, int64_t max_queued_per_state);
  // Reads queued_deliveries_ from the queue table (at open, and after a lost batch).
  absl::Status CountQueuedDeliveries(SqliteDatabase& db);
  // Inside Submit's op: RESOURCE_EXHAUSTED naming the recipients whose queue is full.
  absl::Status CheckQueueRoom(const std::vector<std::string>& recipients) const;
  // Inside a commit, on the writer thread: checks `d` against the last recorded directory and
  // file, and saves both markers (the served one naming `leaf_index`). True when the published
  // directory changed, so the caller must append its DIRECTORY_LOADED leaf at `leaf_index`.
  absl::StatusOr<bool> PrepareDirectoryInCommit(SqliteDatabase& db, const DirectoryRecord& d,
                                                uint64_t leaf_index);
  // A tree over the reader connection, for proofs of committed sizes. Requires reader_mu_.
  absl::StatusOr<merkle::MerkleTree> ReaderTreeLocked();

  std::unique_ptr<SqliteDatabase> writer_;   // used only by committer_'s thread
  std::unique_ptr<AuditLeafWriter> leaves_;  // over writer_; committer_'s thread only
  std::mutex reader_mu_;
  std::unique_ptr<SqliteDatabase> reader_;  // guarded by reader_mu_
  SqliteHashStore reader_hashes_;           // over reader_; guarded by reader_mu_
  std::atomic<uint64_t> audit_size_{0};     // committed leaves, written by the writer thread
  const int64_t max_queued_per_state_;      // 0: no limit
  // Undelivered messages (queue rows of kind 1) per recipient State, as of the open
  // transaction; committer_'s thread only. Ops change it last, once nothing else can fail.
  std::map<std::string, int64_t> queued_deliveries_;
  std::unique_ptr<GroupCommitter> committer_;
};

}  // namespace poc

#endif  // POC_SERVER_SQLITE_RELAY_STORE_H_
