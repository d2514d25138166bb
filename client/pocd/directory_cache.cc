#include "client/pocd/directory_cache.h"

#include "common/envelope/signed.h"
#include "common/status_macros.h"

namespace poc {
namespace {
constexpr char kKey[] = "directory_snapshot";
}  // namespace

absl::StatusOr<std::shared_ptr<const DirectoryView>> DirectoryCache::Verify(
    const v1::Signed& snapshot) const {
  if (absl::Status s = VerifyStatement(kDirectoryDomain, snapshot, relay_key_); !s.ok()) {
    return absl::UnauthenticatedError("directory snapshot is not signed by the pinned relay key: " +
                                      std::string(s.message()));
  }
  v1::Directory directory;
  if (!directory.ParseFromString(snapshot.body())) {
    return absl::InvalidArgumentError("directory snapshot does not parse");
  }
  ASSIGN_OR_RETURN(DirectoryView view, DirectoryView::Build(std::move(directory)));
  return std::make_shared<const DirectoryView>(std::move(view));
}

absl::Status DirectoryCache::LoadFromStore() {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, store_->GetValue(kKey));
  if (!bytes) return absl::OkStatus();
  v1::Signed snapshot;
  if (!snapshot.ParseFromString(*bytes)) return absl::DataLossError("cached directory is damaged");
  ASSIGN_OR_RETURN(auto view, Verify(snapshot));
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::move(view);
  return absl::OkStatus();
}

absl::Status DirectoryCache::Adopt(const v1::Signed& snapshot) {
  ASSIGN_OR_RETURN(auto view, Verify(snapshot));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (current_ && view->version() < current_->version()) {
      return absl::FailedPreconditionError(
          "relay offered directory version " + std::to_string(view->version()) +
          ", older than the cached version " + std::to_string(current_->version()));
    }
  }
  RETURN_IF_ERROR(store_->PutValue(kKey, snapshot.SerializeAsString()));
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::move(view);
  return absl::OkStatus();
}

std::shared_ptr<const DirectoryView> DirectoryCache::Get() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

uint64_t DirectoryCache::version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_ ? current_->version() : 0;
}

}  // namespace poc
