// Reads a range of the audit log in order while fetching the next pages in the background, so
// that hashing one page overlaps the network time of the next ones.
#ifndef POC_CLIENT_POCCTL_ENTRY_STREAM_H_
#define POC_CLIENT_POCCTL_ENTRY_STREAM_H_

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "client/pocctl/audit_source.h"

namespace poc::pocctl {

class EntryStream {
 public:
  // Streams entries [start, end) of the log of `tree_size` leaves from `source`, in pages that
  // never cross a multiple of source->PageSize(), with source->Parallelism() fetching threads
  // and a few pages ahead at most. `source` is not owned and must outlive the stream.
  EntryStream(AuditSource* source, uint64_t start, uint64_t end, uint64_t tree_size);
  ~EntryStream();  // stops fetching and joins the threads
  EntryStream(const EntryStream&) = delete;
  EntryStream& operator=(const EntryStream&) = delete;

  // The next page, valid until the next call; nullptr after the last. The first fetch error is
  // returned (and the stream ends there).
  absl::StatusOr<const EntryPage*> Next();

 private:
  struct Slot {
    absl::Status status;
    std::unique_ptr<EntryPage> page;
  };
  void Work();

  AuditSource* const source_;
  const uint64_t start_;
  const uint64_t end_;
  const uint64_t tree_size_;
  const uint64_t page_size_;
  const uint64_t pages_;   // number of pages in [start_, end_)
  const uint64_t window_;  // pages fetched ahead of the consumer at most

  std::mutex mu_;
  std::condition_variable changed_;
  // Guarded by mu_:
  uint64_t next_fetch_ = 0;    // the next page a worker takes
  uint64_t next_consume_ = 0;  // the next page Next() returns
  bool stop_ = false;
  std::map<uint64_t, Slot> ready_;
  std::vector<std::unique_ptr<EntryPage>> free_;
  std::unique_ptr<EntryPage> current_;  // the page Next() last returned

  std::vector<std::thread> workers_;
};

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_ENTRY_STREAM_H_
