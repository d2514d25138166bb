// An AuditReader over an in-memory RFC 9162 tree (common/merkle), for tests of the HTTP server.
#ifndef POC_TESTS_SERVER_HTTP_IN_MEMORY_AUDIT_READER_H_
#define POC_TESTS_SERVER_HTTP_IN_MEMORY_AUDIT_READER_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/merkle/hash_store.h"
#include "common/merkle/merkle_tree.h"
#include "server/audit/audit_reader.h"

namespace poc::testing {

// Thread-safe: one mutex guards everything.
class InMemoryAuditReader final : public AuditReader {
 public:
  InMemoryAuditReader();
  InMemoryAuditReader(const InMemoryAuditReader&) = delete;
  InMemoryAuditReader& operator=(const InMemoryAuditReader&) = delete;

  // Appends each entry as a leaf (leaf hash: merkle::LeafHash(entry)).
  absl::Status Append(const std::vector<std::string>& entries);
  // Size and root of the tree now.
  uint64_t size() const;
  std::string root() const;
  // What LatestCheckpointNote returns from now on.
  void SetCheckpointNote(std::string note);

  absl::StatusOr<std::string> LatestCheckpointNote() override;
  absl::StatusOr<std::vector<std::string>> NodeHashes(int level, uint64_t index,
                                                      uint64_t count) override;
  absl::StatusOr<std::vector<std::string>> Entries(uint64_t start, uint64_t count) override;

 private:
  mutable std::mutex mu_;
  merkle::InMemoryHashStore store_;  // written only through tree_
  merkle::MerkleTree tree_;
  std::vector<std::string> entries_;
  std::optional<std::string> note_;
};

}  // namespace poc::testing

#endif  // POC_TESTS_SERVER_HTTP_IN_MEMORY_AUDIT_READER_H_
