// The directory the relay serves, replaceable at run time (SIGHUP) without a restart.
#ifndef POC_SERVER_DIRECTORY_HOLDER_H_
#define POC_SERVER_DIRECTORY_HOLDER_H_

#include <memory>
#include <mutex>

#include "common/directory/directory_view.h"
#include "poc/v1/envelope.pb.h"

namespace poc {

struct PublishedDirectory {
  DirectoryView view;
  v1::Signed signed_snapshot;  // what GetDirectory returns
};

// Thread-safe. Readers get a snapshot that stays valid while they hold it.
class DirectoryHolder {
 public:
  explicit DirectoryHolder(std::shared_ptr<const PublishedDirectory> initial)
      : current_(std::move(initial)) {}

  std::shared_ptr<const PublishedDirectory> Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return current_;
  }
  void Set(std::shared_ptr<const PublishedDirectory> next) {
    std::lock_guard<std::mutex> lock(mu_);
    current_ = std::move(next);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const PublishedDirectory> current_;  // guarded by mu_
};

}  // namespace poc

#endif  // POC_SERVER_DIRECTORY_HOLDER_H_
