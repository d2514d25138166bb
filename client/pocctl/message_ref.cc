#include "client/pocctl/message_ref.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "client/pocctl/output.h"
#include "client/pocctl/terminal_text.h"
#include "common/status_macros.h"
#include "common/util/uuid_v7.h"

namespace poc::pocctl {
namespace {

// Enough to hold every message a node keeps; the resolution must see them all.
constexpr uint32_t kResolveListLimit = 1000000;

absl::StatusOr<std::string> NormalizeRef(std::string_view ref) {
  std::string out(ref);
  constexpr std::string_view kEllipsis = "\xe2\x80\xa6";
  if (out.size() >= kEllipsis.size() && out.compare(out.size() - kEllipsis.size(), kEllipsis.size(),
                                                    kEllipsis.data(), kEllipsis.size()) == 0) {
    out.resize(out.size() - kEllipsis.size());
  }
  if (out.compare(0, kEllipsis.size(), kEllipsis.data(), kEllipsis.size()) == 0) {
    out.erase(0, kEllipsis.size());
  }
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-')) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", std::string(ref),
                       "' is not a message id; copy the ID column of pocctl inbox or pocctl sent"));
    }
  }
  if (out.size() < kMinIdPrefix) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", std::string(ref), "' is too short to name a message; give at least ",
                     kMinIdPrefix, " characters of its id"));
  }
  return out;
}

std::string FolderWord(v1::Folder folder) { return folder == v1::FOLDER_SENT ? "sent" : "inbox"; }

}  // namespace

absl::Status CheckMessageRef(std::string_view ref) { return NormalizeRef(ref).status(); }

absl::StatusOr<std::string> PickMessageId(std::string_view ref,
                                          const std::vector<Candidate>& candidates) {
  ASSIGN_OR_RETURN(const std::string prefix, NormalizeRef(ref));
  std::vector<const Candidate*> matches;
  std::set<std::string> seen;
  for (const Candidate& c : candidates) {
    const std::string& id = c.summary.id();
    const bool starts = id.compare(0, prefix.size(), prefix) == 0;
    const bool ends = id.size() >= prefix.size() &&
                      id.compare(id.size() - prefix.size(), prefix.size(), prefix) == 0;
    if (!starts && !ends) continue;
    if (!seen.insert(c.summary.id()).second) continue;
    matches.push_back(&c);
  }
  if (matches.empty()) {
    return absl::NotFoundError(absl::StrCat("no message id starts or ends with ", prefix,
                                            "; list them with: pocctl inbox, pocctl sent"));
  }
  if (matches.size() > 1) {
    std::string list;
    for (const Candidate* c : matches) {
      absl::StrAppend(&list, "\n  ", c->summary.id(), "  ", FolderWord(c->folder), "  ",
                      TruncateToWidth(SanitizeForTerminal(c->summary.subject(), false), 40));
    }
    return absl::FailedPreconditionError(
        absl::StrCat(prefix, " matches ", matches.size(), " messages; give more of the id:", list));
  }
  return matches.front()->summary.id();
}

absl::StatusOr<std::string> ResolveMessageId(std::string_view ref, Folders folders,
                                             ControlClient& client) {
  if (IsUuidV7(ref)) return std::string(ref);
  // Check the reference before asking pocd anything.
  RETURN_IF_ERROR(NormalizeRef(ref).status());
  std::vector<Candidate> candidates;
  std::vector<v1::Folder> to_list = {v1::FOLDER_INBOX};
  if (folders == Folders::kInboxAndSent) to_list.push_back(v1::FOLDER_SENT);
  for (v1::Folder folder : to_list) {
    v1::ListRequest request;
    request.set_folder(folder);
    request.set_limit(kResolveListLimit);
    ASSIGN_OR_RETURN(const v1::ListResponse response, client.List(request));
    for (const auto& summary : response.messages()) candidates.push_back({summary, folder});
  }
  return PickMessageId(ref, candidates);
}

absl::StatusOr<std::string> ResolveRecordId(
    const std::string& id, absl::string_view what, absl::string_view list_command,
    absl::FunctionRef<absl::StatusOr<std::vector<std::string>>()> list_ids) {
  if (id.size() >= 36) {
    return id;
  }
  if (id.size() < kMinIdPrefix) {
    return absl::InvalidArgumentError(absl::StrCat("ID: give the ", what, " id or at least ",
                                                   kMinIdPrefix, " of its first characters; `",
                                                   list_command, "` shows them"));
  }
  ASSIGN_OR_RETURN(const std::vector<std::string> ids, list_ids());
  std::vector<std::string> matches;
  for (const std::string& candidate : ids) {
    if (candidate.rfind(id, 0) == 0) {
      matches.push_back(candidate);
    }
  }
  if (matches.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat("ID: ", matches.empty() ? "no" : "more than one",
                                                   " ", what, " id starts with ", id, "; `",
                                                   list_command, "` shows them"));
  }
  return matches.front();
}

}  // namespace poc::pocctl
