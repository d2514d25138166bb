// An immutable value the relay replaces at run time (a new directory, a new CRL on SIGHUP)
// while handlers keep reading the one they took.
#ifndef POC_SERVER_SNAPSHOT_HOLDER_H_
#define POC_SERVER_SNAPSHOT_HOLDER_H_

#include <memory>
#include <mutex>

namespace poc {

// Thread-safe. Readers get a snapshot that stays valid while they hold it.
template <typename T>
class SnapshotHolder {
 public:
  explicit SnapshotHolder(std::shared_ptr<const T> initial = nullptr)
      : current_(std::move(initial)) {}

  std::shared_ptr<const T> Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return current_;
  }
  void Set(std::shared_ptr<const T> next) {
    std::lock_guard<std::mutex> lock(mu_);
    current_ = std::move(next);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const T> current_;  // guarded by mu_
};

}  // namespace poc

#endif  // POC_SERVER_SNAPSHOT_HOLDER_H_
