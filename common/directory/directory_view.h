// An indexed, read-only view of a poc.v1.Directory: which States exist, which keys are theirs
// and when each key may sign, and which States each group names.
#ifndef POC_COMMON_DIRECTORY_DIRECTORY_VIEW_H_
#define POC_COMMON_DIRECTORY_DIRECTORY_VIEW_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/crypto/ed25519.h"
#include "poc/v1/directory.pb.h"

namespace poc {

// The directory file's word for a key status: "active", "next", "retired", "revoked" (and
// "unspecified").
const char* KeyStatusName(v1::KeyStatus status);

struct KeyEntry {
  std::string state;  // the owning State
  v1::KeyStatus status;
  Ed25519PublicKey key;
  absl::Time valid_from = absl::InfinitePast();
  absl::Time valid_until = absl::InfiniteFuture();
  absl::Time revoked_at = absl::InfinitePast();  // REVOKED keys only

  // OK when a message created at `created_at` may be signed with this key: inside its validity
  // and, for a revoked key, before the revocation time. UNAUTHENTICATED otherwise, saying why.
  absl::Status CheckUsableAt(absl::Time created_at) const;
};

// Immutable after construction; safe to share between threads through a shared_ptr.
class DirectoryView {
 public:
  // Fails when the directory is inconsistent: an unknown ISO code, a duplicate State, key,
  // contact order or certificate, a key whose id does not match its bytes or without a valid
  // proof of possession, a group naming a State not in the directory. The error names the
  // field as the directory file spells it ("state[2].key[0].proof: ...").
  static absl::StatusOr<DirectoryView> Build(v1::Directory directory);

  const v1::Directory& proto() const { return proto_; }
  uint64_t version() const { return proto_.version(); }
  bool HasState(const std::string& code) const { return states_.count(code) != 0; }
  const v1::StateEntry* FindState(const std::string& code) const;
  const KeyEntry* FindKey(const std::string& key_id) const;
  // Null when no group has that name (without the "group:" prefix).
  const v1::Group* FindGroup(const std::string& name) const;
  // All State codes, sorted.
  std::vector<std::string> StateCodes() const;

 private:
  explicit DirectoryView(v1::Directory directory) : proto_(std::move(directory)) {}

  v1::Directory proto_;
  std::map<std::string, int> states_;  // code -> index in proto_.states()
  std::map<std::string, KeyEntry> keys_;
  std::map<std::string, int> groups_;  // name -> index in proto_.groups()
};

}  // namespace poc

#endif  // POC_COMMON_DIRECTORY_DIRECTORY_VIEW_H_
