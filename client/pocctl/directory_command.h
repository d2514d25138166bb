// pocctl directory: the points-of-contact directory as the node holds it (the relay-signed
// copy it verified), for people and scripts. Works while the relay is unreachable.
//
//   pocctl directory show [STATE]         every State, or one State's contacts, keys, groups
//   pocctl directory groups [NAME]        the groups messages can be addressed to
//   pocctl directory search TEXT          States, contacts and groups matching TEXT
//   pocctl directory export --format json|csv
#ifndef POC_CLIENT_POCCTL_DIRECTORY_COMMAND_H_
#define POC_CLIENT_POCCTL_DIRECTORY_COMMAND_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/pocctl/command_context.h"
#include "client/pocctl/labels.h"
#include "poc/v1/directory.pb.h"

namespace poc::pocctl {

struct DirectoryOptions {
  CLI::App* show = nullptr;
  CLI::App* groups = nullptr;
  CLI::App* search = nullptr;
  CLI::App* export_cmd = nullptr;
  std::string state;            // show STATE
  std::string group;            // groups NAME
  std::string text;             // search TEXT
  std::string format = "json";  // export --format
};

CLI::App* AddDirectoryCommand(CLI::App& app, DirectoryOptions* options);

absl::Status RunDirectory(const DirectoryOptions& options, CommandContext& ctx);

// The pieces, for tests: each renders from a directory alone.
std::string FormatStates(const v1::Directory& directory);
absl::StatusOr<std::string> FormatState(const v1::Directory& directory, const std::string& code,
                                        const Labels& labels);
absl::StatusOr<std::string> FormatGroups(const v1::Directory& directory, const std::string& name);

struct DirectoryMatch {
  std::string state;  // the State (empty for a group)
  std::string field;  // where it matched, e.g. "contact[1].email" or "group"
  std::string value;
};
// Case-insensitive substring search over codes, names, bodies, contacts and group names.
std::vector<DirectoryMatch> SearchDirectory(const v1::Directory& directory,
                                            const std::string& text);

// One row per point of contact (States without contacts get one row with the contact
// columns empty), RFC 4180 quoting.
std::string DirectoryCsv(const v1::Directory& directory);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_DIRECTORY_COMMAND_H_
