#include "server/tls_reloader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/status_macros.h"

namespace poc {
namespace {

// Writes `contents` to `path` (mode 0600) through a temporary file renamed over it.
absl::Status ReplacePrivateFile(const std::string& path, const std::string& contents) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::PermissionDeniedError(tmp + ": cannot write: " + std::strerror(errno));
  }
  const bool written =
      ::write(fd, contents.data(), contents.size()) == static_cast<ssize_t>(contents.size()) &&
      ::fsync(fd) == 0;
  ::close(fd);
  if (!written || std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::PermissionDeniedError(path + ": cannot replace: " + std::strerror(errno));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<TlsReloader>> TlsReloader::Start(const TlsFiles& source,
                                                                const std::string& live_dir,
                                                                const Clock* clock) {
  ASSIGN_OR_RETURN(ServerTlsMaterial material, LoadServerTlsMaterial(source, clock->Now()));
  if (::mkdir(live_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::PermissionDeniedError(live_dir +
                                       ": cannot create the folder of the TLS files "
                                       "the relay serves: " +
                                       std::strerror(errno));
  }
  if (::chmod(live_dir.c_str(), 0700) != 0) {
    return absl::PermissionDeniedError(live_dir +
                                       ": cannot make it private: " + std::strerror(errno));
  }
  const std::string identity = live_dir + "/identity.pem";
  std::unique_ptr<TlsReloader> reloader(
      new TlsReloader(source, TlsFiles{live_dir + "/ca.pem", identity, identity}, clock));
  RETURN_IF_ERROR(reloader->Publish(material).status());
  return reloader;
}

absl::StatusOr<bool> TlsReloader::Publish(const ServerTlsMaterial& material) {
  std::string all = material.key_pem + material.cert_pem + material.ca_pem;
  std::lock_guard<std::mutex> lock(mu_);
  if (all == published_) {
    return false;
  }
  // The CA first: a new CA bundle must already be trusted when a certificate it issued is served.
  RETURN_IF_ERROR(ReplacePrivateFile(watched_.ca, material.ca_pem));
  RETURN_IF_ERROR(ReplacePrivateFile(watched_.cert, material.key_pem + material.cert_pem));
  published_ = std::move(all);
  serial_ = material.serial;
  return true;
}

absl::StatusOr<bool> TlsReloader::Reload() {
  ASSIGN_OR_RETURN(ServerTlsMaterial material, LoadServerTlsMaterial(source_, clock_->Now()));
  return Publish(material);
}

std::string TlsReloader::served_serial() const {
  std::lock_guard<std::mutex> lock(mu_);
  return serial_;
}

}  // namespace poc
