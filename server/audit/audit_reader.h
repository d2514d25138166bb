// Read access to the relay's audit log, as the HTTP tile server and the Audit gRPC service
// need it. Implemented over the relay's store; tests may use an in-memory one.
#ifndef POC_SERVER_AUDIT_AUDIT_READER_H_
#define POC_SERVER_AUDIT_AUDIT_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace poc {

// Thread-safe.
class AuditReader {
 public:
  virtual ~AuditReader() = default;

  // The latest checkpoint the relay signed: a C2SP tlog-checkpoint body in a C2SP signed note
  // (with any witness cosignatures the relay holds appended). NOT_FOUND before the first.
  virtual absl::StatusOr<std::string> LatestCheckpointNote() = 0;

  // The Merkle tree hashes of `count` consecutive complete subtrees at tree `level` (level 0:
  // leaf hashes), starting at `index`. NOT_FOUND if any of them is not stored yet.
  virtual absl::StatusOr<std::vector<std::string>> NodeHashes(int level, uint64_t index,
                                                              uint64_t count) = 0;

  // The leaf data (serialized poc.v1.AuditEvent) of entries [start, start + count).
  // NOT_FOUND if any of them does not exist yet.
  virtual absl::StatusOr<std::vector<std::string>> Entries(uint64_t start, uint64_t count) = 0;
};

}  // namespace poc

#endif  // POC_SERVER_AUDIT_AUDIT_READER_H_
