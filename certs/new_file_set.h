// Writing a command's output files as one unit.
#ifndef POC_CERTS_NEW_FILE_SET_H_
#define POC_CERTS_NEW_FILE_SET_H_

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace poc::pki {

// Creates `path` (mode 0700) and any missing parents, or accepts an existing directory.
absl::Status EnsureDirectory(const std::string& path);

// True when something (even a dangling symlink) exists at `path`.
bool PathExists(const std::string& path);

// Collects the new files one command makes and writes them all or none: WriteAll() first
// checks that none exists (an existing file is never overwritten nor touched), then writes
// them in order, and removes the ones it created if a later one fails.
class NewFileSet {
 public:
  // Writes a new file at the given path; must fail rather than overwrite.
  using Writer = std::function<absl::Status(const std::string& path)>;

  // `overwrite_hint` ends the error for an existing file, e.g. "choose another --out folder".
  explicit NewFileSet(std::string overwrite_hint);
  NewFileSet(const NewFileSet&) = delete;
  NewFileSet& operator=(const NewFileSet&) = delete;

  void Add(std::string path, Writer writer);
  // Adds a file written with poc::WriteNewFile.
  void AddContents(std::string path, std::string contents, mode_t mode);

  // Fails (ALREADY_EXISTS) naming the first queued path that exists.
  absl::Status CheckNoneExists() const;
  absl::Status WriteAll();

 private:
  struct Entry {
    std::string path;
    Writer writer;
  };
  const std::string overwrite_hint_;
  std::vector<Entry> entries_;
};

}  // namespace poc::pki

#endif  // POC_CERTS_NEW_FILE_SET_H_
