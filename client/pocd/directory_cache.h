// The node's copy of the relay-signed directory: verified with the pinned relay key, kept in
// the node's store, and used to verify incoming envelopes even while the relay is unreachable.
#ifndef POC_CLIENT_POCD_DIRECTORY_CACHE_H_
#define POC_CLIENT_POCD_DIRECTORY_CACHE_H_

#include <memory>
#include <mutex>

#include "absl/status/statusor.h"
#include "client/pocd/node_store.h"
#include "common/crypto/ed25519.h"
#include "common/directory/directory_view.h"
#include "poc/v1/envelope.pb.h"

namespace poc {

// Thread-safe.
class DirectoryCache {
 public:
  DirectoryCache(NodeStore* store, Ed25519PublicKey relay_key)
      : store_(store), relay_key_(std::move(relay_key)) {}

  // Loads the cached snapshot, if any, from the store.
  absl::Status LoadFromStore();
  // Verifies a snapshot from the relay and, when it is not older than ours, adopts and stores
  // it. A snapshot that fails verification changes nothing.
  absl::Status Adopt(const v1::Signed& snapshot);
  // Null until a snapshot has been adopted.
  std::shared_ptr<const DirectoryView> Get() const;
  uint64_t version() const;

 private:
  absl::StatusOr<std::shared_ptr<const DirectoryView>> Verify(const v1::Signed& snapshot) const;

  NodeStore* const store_;
  const Ed25519PublicKey relay_key_;
  mutable std::mutex mu_;
  std::shared_ptr<const DirectoryView> current_;  // guarded by mu_
};

}  // namespace poc

#endif  // POC_CLIENT_POCD_DIRECTORY_CACHE_H_
