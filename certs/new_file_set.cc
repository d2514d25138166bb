#include "certs/new_file_set.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/util/files.h"

namespace poc::pki {

absl::Status EnsureDirectory(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      return absl::OkStatus();
    }
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": exists but is not a directory; choose a folder name"));
  }
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) {
    std::filesystem::create_directories(parent, ec);
  }
  if (ec) {
    return absl::PermissionDeniedError(
        absl::StrCat(parent.string(), ": cannot create: ", ec.message(), "; check the path"));
  }
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot create: ", std::strerror(errno), "; check the path"));
  }
  return absl::OkStatus();
}

bool PathExists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

NewFileSet::NewFileSet(std::string overwrite_hint) : overwrite_hint_(std::move(overwrite_hint)) {}

void NewFileSet::Add(std::string path, Writer writer) {
  entries_.push_back(Entry{std::move(path), std::move(writer)});
}

void NewFileSet::AddContents(std::string path, std::string contents, mode_t mode) {
  Add(std::move(path), [contents = std::move(contents), mode](const std::string& p) {
    return WriteNewFile(p, contents, mode);
  });
}

absl::Status NewFileSet::CheckNoneExists() const {
  for (const Entry& e : entries_) {
    if (PathExists(e.path)) {
      return absl::AlreadyExistsError(
          absl::StrCat(e.path, ": already exists; refusing to overwrite it; ", overwrite_hint_));
    }
  }
  return absl::OkStatus();
}

absl::Status NewFileSet::WriteAll() {
  if (absl::Status status = CheckNoneExists(); !status.ok()) {
    return status;
  }
  std::vector<std::string> written;
  for (const Entry& e : entries_) {
    absl::Status status = e.writer(e.path);
    if (!status.ok()) {
      for (const std::string& p : written) {
        ::unlink(p.c_str());
      }
      return status;
    }
    written.push_back(e.path);
  }
  return absl::OkStatus();
}

}  // namespace poc::pki
