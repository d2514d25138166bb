#include "client/pocd/key_file_switch.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "common/crypto/key_files.h"
#include "common/status_macros.h"
#include "common/util/files.h"

namespace poc {
namespace {

// Makes a rename in `dir` durable.
void SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

std::string RetiredKeyPath(const std::string& path, const std::string& key_id) {
  return path + ".retired-" + key_id;
}

absl::StatusOr<std::string> SwitchSigningKeyFile(const std::string& path,
                                                 const Ed25519PrivateKey& previous,
                                                 const Ed25519PrivateKey& next) {
  const std::string retired = RetiredKeyPath(path, previous.public_key().key_id());
  absl::StatusOr<Ed25519PrivateKey> kept = LoadPrivateKeyFile(retired);
  if (kept.ok()) {
    if (kept->public_key().key_id() != previous.public_key().key_id()) {
      return absl::FailedPreconditionError(retired + ": holds another key than " +
                                           previous.public_key().key_id() +
                                           "; move it away and announce again");
    }
  } else {
    RETURN_IF_ERROR(WriteNewFile(retired, PrivateKeyToPem(previous), 0600));
  }
  const std::string tmp = path + ".new";
  std::error_code ec;
  std::filesystem::remove(tmp, ec);  // left by an interrupted switch
  RETURN_IF_ERROR(WriteNewFile(tmp, PrivateKeyToPem(next), 0600));
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::PermissionDeniedError(path + ": cannot replace it with the new key: " +
                                       std::strerror(errno) + "; the new key is in " + tmp);
  }
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  SyncDirectory(parent.empty() ? "." : parent.string());
  return retired;
}

}  // namespace poc
