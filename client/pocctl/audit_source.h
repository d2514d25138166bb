// Where `pocctl audit` reads the relay's audit log from: the relay's gRPC Audit service (with
// the node's credentials) or the log's static tlog-tiles over HTTP. One interface so that the
// verification (audit_verifier.h) is the same for both.
#ifndef POC_CLIENT_POCCTL_AUDIT_SOURCE_H_
#define POC_CLIENT_POCCTL_AUDIT_SOURCE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/merkle/compact_range.h"
#include "poc/v1/audit_service.pb.h"

namespace poc::pocctl {

struct CheckpointAnswer {
  std::string note;          // the signed note, as served
  std::string verifier_key;  // the key the relay says it signs with; empty when not told (tiles)
};

// One page of entries. The storage is reused from page to page, so that reading millions of
// entries does not allocate per entry once the first pages have been seen.
struct EntryPage {
  uint64_t start = 0;
  std::vector<std::string_view> entries;  // views into `body` or `response`
  std::string body;                       // tiles: the bundle
  v1::GetEntriesResponse response;        // gRPC
};

// Implementations are thread-safe: FetchEntries runs on several threads at once.
class AuditSource {
 public:
  virtual ~AuditSource() = default;

  // For messages: "the relay at 127.0.0.1:7443", "http://127.0.0.1:8080/audit".
  virtual std::string Name() const = 0;

  // The latest signed checkpoint; `fresh` asks the relay to sign one covering everything
  // committed so far (the tiles serve what they hold).
  virtual absl::StatusOr<CheckpointAnswer> LatestCheckpoint(bool fresh) = 0;

  // Pages never cross a multiple of PageSize(); FetchEntries serves at most that many.
  virtual uint64_t PageSize() const = 0;
  // How many FetchEntries calls are worth running at once.
  virtual int Parallelism() const = 0;

  // Fills `page` with entries [start, start + count) of the log of `tree_size` leaves; the
  // range lies within one page. Errors name the range and the source.
  virtual absl::Status FetchEntries(uint64_t start, uint64_t count, uint64_t tree_size,
                                    EntryPage* page) = 0;

  // RFC 9162 consistency proof between two tree sizes. Unimplemented when the source serves
  // none (tiles).
  virtual absl::StatusOr<std::vector<std::string>> ConsistencyProof(uint64_t first,
                                                                    uint64_t second) = 0;

  // The leaf hashes [start, start + count) as the source's tree holds them (one page).
  // Unimplemented when the source does not serve them (gRPC).
  virtual absl::Status LeafHashes(uint64_t start, uint64_t count, uint64_t tree_size,
                                  std::vector<merkle::Hash32>* hashes) = 0;

  // Inclusion proofs of every event naming `message_id` in the tree of `tree_size` leaves.
  // Unimplemented for tiles.
  virtual absl::StatusOr<v1::GetInclusionProofResponse> InclusionProofs(
      const std::string& message_id, uint64_t tree_size) = 0;
};

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_AUDIT_SOURCE_H_
