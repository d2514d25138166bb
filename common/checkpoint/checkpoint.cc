#include "common/checkpoint/checkpoint.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "common/encoding/base64.h"

namespace poc {
namespace {

constexpr size_t kRootHashSize = 32;

absl::Status CheckOneLine(std::string_view line, const std::string& what) {
  if (line.empty())
    return absl::InvalidArgumentError(absl::StrCat("checkpoint ", what, " is empty"));
  if (line.find('\n') != std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("checkpoint ", what, " contains a newline"));
  }
  return absl::OkStatus();
}

absl::Status LineError(size_t number, const std::string& what, const std::string& problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("checkpoint line ", number, " (", what, "): ", problem));
}

absl::StatusOr<uint64_t> ParseSize(std::string_view line) {
  if (line.empty()) return LineError(2, "tree size", "is empty");
  if (line.size() > 1 && line[0] == '0') {
    return LineError(2, "tree size",
                     absl::StrCat("\"", std::string(line), "\" has a leading zero"));
  }
  uint64_t value = 0;
  for (char c : line) {
    if (c < '0' || c > '9') {
      return LineError(2, "tree size",
                       absl::StrCat("\"", std::string(line), "\" is not a decimal number"));
    }
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      return LineError(2, "tree size",
                       absl::StrCat("\"", std::string(line), "\" does not fit in 64 bits"));
    }
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace

absl::StatusOr<std::string> Checkpoint::Format() const {
  absl::Status status = CheckOneLine(origin, "origin");
  if (!status.ok()) return status;
  if (root_hash.size() != kRootHashSize) {
    return absl::InvalidArgumentError(absl::StrCat("checkpoint root hash is ", root_hash.size(),
                                                   " bytes, expected ", kRootHashSize));
  }
  std::string text = absl::StrCat(origin, "\n", size, "\n", Base64Encode(root_hash), "\n");
  for (size_t i = 0; i < extensions.size(); ++i) {
    status = CheckOneLine(extensions[i], absl::StrCat("extension line #", i + 1));
    if (!status.ok()) return status;
    absl::StrAppend(&text, extensions[i], "\n");
  }
  return text;
}

absl::StatusOr<Checkpoint> Checkpoint::Parse(std::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return absl::InvalidArgumentError("checkpoint text must end with a newline");
  }
  std::vector<std::string_view> lines;
  std::string_view rest = text.substr(0, text.size() - 1);
  while (true) {
    const size_t nl = rest.find('\n');
    lines.push_back(rest.substr(0, nl));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  if (lines.size() < 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint has ", lines.size(),
                     " lines, expected at least 3 (origin, tree size, root hash)"));
  }
  Checkpoint checkpoint;
  if (lines[0].empty()) return LineError(1, "origin", "is empty");
  checkpoint.origin = std::string(lines[0]);

  auto size = ParseSize(lines[1]);
  if (!size.ok()) return size.status();
  checkpoint.size = *size;

  auto root = Base64Decode(lines[2]);
  if (!root.ok()) {
    return LineError(3, "root hash",
                     absl::StrCat("is not base64: ", std::string(root.status().message())));
  }
  if (root->size() != kRootHashSize) {
    return LineError(3, "root hash",
                     absl::StrCat("decodes to ", root->size(), " bytes, expected ", kRootHashSize));
  }
  if (Base64Encode(*root) != lines[2]) {
    return LineError(3, "root hash", "is not in canonical base64");
  }
  checkpoint.root_hash = *std::move(root);

  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) {
      return LineError(i + 1, "extension", "is empty; extension lines must be non-empty");
    }
    checkpoint.extensions.emplace_back(lines[i]);
  }
  return checkpoint;
}

}  // namespace poc
