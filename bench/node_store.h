// The simulated nodes' durable store: ONE SQLite file (WAL, synchronous=FULL, the pragmas of
// common/storage/sqlite.h) shared by all simulated nodes, a row per (node, message), written
// through group commit.
//
// Why one file and not one per node: 193 real nodes run on 193 machines with their own disks;
// on one box, 193 files with their own fsyncs would measure the load generator's disk
// contention, not the relay. Each row still gets the durability the real node gives it: a
// delivery receipt is signed and sent only after the commit that holds its message returned.
#ifndef POC_BENCH_NODE_STORE_H_
#define POC_BENCH_NODE_STORE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/storage/group_commit.h"
#include "common/storage/sqlite.h"

namespace poc::bench {

class NodeStore {
 public:
  using Done = std::function<void(absl::Status)>;

  static absl::StatusOr<std::unique_ptr<NodeStore>> Open(const std::string& path);
  ~NodeStore();
  NodeStore(const NodeStore&) = delete;
  NodeStore& operator=(const NodeStore&) = delete;

  // Thread-safe. `done` runs on the committer thread after the commit (or its failure); keep
  // it short. A message a node already holds is not stored twice (nodes drop duplicates by id).
  void StoreMessage(const std::string& node, const std::string& message_id, std::string envelope,
                    int64_t stored_at_ms, Done done);
  void StoreReceipt(const std::string& node, const std::string& message_id,
                    const std::string& recipient, std::string receipt, Done done);

 private:
  NodeStore(std::unique_ptr<SqliteDatabase> db, SqliteStatement insert_message,
            SqliteStatement insert_receipt);

  std::unique_ptr<SqliteDatabase> db_;
  // Used only on the committer thread.
  SqliteStatement insert_message_;
  SqliteStatement insert_receipt_;
  std::unique_ptr<GroupCommitter> committer_;
};

}  // namespace poc::bench

#endif  // POC_BENCH_NODE_STORE_H_
