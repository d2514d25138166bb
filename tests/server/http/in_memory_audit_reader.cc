#include "tests/server/http/in_memory_audit_reader.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/merkle/hasher.h"

namespace poc::testing {

InMemoryAuditReader::InMemoryAuditReader() : tree_(*merkle::MerkleTree::Open(&store_)) {}

absl::Status InMemoryAuditReader::Append(const std::vector<std::string>& entries) {
  std::vector<std::string> leaf_hashes;
  leaf_hashes.reserve(entries.size());
  for (const std::string& entry : entries) leaf_hashes.push_back(merkle::LeafHash(entry));
  std::lock_guard<std::mutex> lock(mu_);
  absl::Status appended = tree_.AppendLeafHashes(leaf_hashes);
  if (!appended.ok()) return appended;
  entries_.insert(entries_.end(), entries.begin(), entries.end());
  return absl::OkStatus();
}

uint64_t InMemoryAuditReader::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tree_.size();
}

std::string InMemoryAuditReader::root() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tree_.root();
}

void InMemoryAuditReader::SetCheckpointNote(std::string note) {
  std::lock_guard<std::mutex> lock(mu_);
  note_ = std::move(note);
}

absl::StatusOr<std::string> InMemoryAuditReader::LatestCheckpointNote() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!note_) return absl::NotFoundError("no checkpoint yet");
  return *note_;
}

absl::StatusOr<std::vector<std::string>> InMemoryAuditReader::NodeHashes(int level, uint64_t index,
                                                                         uint64_t count) {
  std::vector<merkle::NodeId> ids;
  ids.reserve(count);
  for (uint64_t i = 0; i < count; ++i) ids.push_back(merkle::NodeId{level, index + i});
  std::lock_guard<std::mutex> lock(mu_);
  return store_.Read(ids);
}

absl::StatusOr<std::vector<std::string>> InMemoryAuditReader::Entries(uint64_t start,
                                                                      uint64_t count) {
  std::lock_guard<std::mutex> lock(mu_);
  if (start > entries_.size() || count > entries_.size() - start) {
    return absl::NotFoundError(absl::StrCat("entries [", start, ", ", start + count,
                                            ") are not all in a log of ", entries_.size()));
  }
  return std::vector<std::string>(entries_.begin() + static_cast<ptrdiff_t>(start),
                                  entries_.begin() + static_cast<ptrdiff_t>(start + count));
}

}  // namespace poc::testing
