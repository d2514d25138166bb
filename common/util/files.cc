#include "common/util/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace poc {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    if (err == ENOENT) {
      return absl::NotFoundError(path + ": no such file");
    }
    return absl::PermissionDeniedError(path + ": cannot read: " + std::strerror(err));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::Status WriteNewFile(const std::string& path, const std::string& contents, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) {
      return absl::AlreadyExistsError(path + ": already exists; refusing to overwrite it");
    }
    return absl::PermissionDeniedError(path + ": cannot create: " + std::strerror(errno));
  }
  ::fchmod(fd, mode);  // the umask may have narrowed it; never widened beyond `mode`
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const std::string why = std::strerror(errno);
      ::close(fd);
      return absl::InternalError(absl::StrCat(path, ": write failed: ", why));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return absl::InternalError(path + ": fsync failed: " + why);
  }
  ::close(fd);
  return absl::OkStatus();
}

absl::Status ReplaceFile(const std::string& path, const std::string& contents) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << contents;
    if (!out.flush()) {
      return absl::PermissionDeniedError(tmp + ": cannot write");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::PermissionDeniedError(path + ": cannot replace: " + std::strerror(errno));
  }
  return absl::OkStatus();
}

absl::Status CheckPrivateFileMode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(path + ": no such file");
    }
    return absl::PermissionDeniedError(path + ": cannot stat: " + std::strerror(errno));
  }
  if ((st.st_mode & 077) != 0) {
    return absl::PermissionDeniedError(absl::StrFormat(
        "%s: private key is accessible to other users (mode %04o); run: chmod 600 %s", path,
        st.st_mode & 07777, path));
  }
  return absl::OkStatus();
}

}  // namespace poc
