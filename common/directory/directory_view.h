// An indexed, read-only view of a poc.v1.Directory: which States exist and which keys are theirs.
#ifndef POC_COMMON_DIRECTORY_DIRECTORY_VIEW_H_
#define POC_COMMON_DIRECTORY_DIRECTORY_VIEW_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/crypto/ed25519.h"
#include "poc/v1/directory.pb.h"

namespace poc {

struct KeyEntry {
  std::string state;  // the owning State
  v1::KeyStatus status;
  Ed25519PublicKey key;
};

// Immutable after construction; safe to share between threads through a shared_ptr.
class DirectoryView {
 public:
  // Fails when the directory is inconsistent: an unknown ISO code, a duplicate State or key,
  // a key whose id does not match its bytes. The error names the entry.
  static absl::StatusOr<DirectoryView> Build(v1::Directory directory);

  const v1::Directory& proto() const { return proto_; }
  uint64_t version() const { return proto_.version(); }
  bool HasState(const std::string& code) const { return states_.count(code) != 0; }
  const v1::StateEntry* FindState(const std::string& code) const;
  const KeyEntry* FindKey(const std::string& key_id) const;
  // All State codes, sorted.
  std::vector<std::string> StateCodes() const;

 private:
  explicit DirectoryView(v1::Directory directory) : proto_(std::move(directory)) {}

  v1::Directory proto_;
  std::map<std::string, int> states_;  // code -> index in proto_.states()
  std::map<std::string, KeyEntry> keys_;
};

}  // namespace poc

#endif  // POC_COMMON_DIRECTORY_DIRECTORY_VIEW_H_
