#include "client/pocctl/audit_seen_store.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/encoding/base64.h"
#include "common/status_macros.h"
#include "common/util/files.h"

namespace poc::pocctl {
namespace {

using nlohmann::json;

absl::StatusOr<json> ReadState(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return json::object();
  }
  ASSIGN_OR_RETURN(const std::string text, ReadFile(path));
  json state = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (state.is_discarded() || !state.is_object() ||
      (state.contains("logs") && !state["logs"].is_object())) {
    return absl::InvalidArgumentError(path +
                                      ": not a pocctl audit state file; move it away or pass "
                                      "another --state FILE");
  }
  return state;
}

}  // namespace

std::string DefaultSeenPath() {
  const char* xdg = std::getenv("XDG_STATE_HOME");
  if (xdg != nullptr && *xdg != '\0') {
    return std::string(xdg) + "/pocctl/audit-seen.json";
  }
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.local/state/pocctl/audit-seen.json";
}

absl::StatusOr<std::vector<SeenCheckpoint>> LoadSeen(const std::string& path,
                                                     const std::string& origin) {
  ASSIGN_OR_RETURN(const json state, ReadState(path));
  std::vector<SeenCheckpoint> out;
  if (!state.contains("logs") || !state["logs"].contains(origin)) {
    return out;
  }
  const json& list = state["logs"][origin];
  auto bad = [&] {
    return absl::InvalidArgumentError(path + ": the checkpoints of '" + origin +
                                      "' are malformed; move the file away or pass another "
                                      "--state FILE");
  };
  if (!list.is_array()) {
    return bad();
  }
  for (const json& item : list) {
    if (!item.is_object() || !item.contains("size") || !item["size"].is_number_unsigned() ||
        !item.contains("root") || !item["root"].is_string()) {
      return bad();
    }
    auto root = Base64Decode(item["root"].get<std::string>());
    if (!root.ok() || root->size() != 32) {
      return bad();
    }
    out.push_back(SeenCheckpoint{item["size"].get<uint64_t>(), *std::move(root)});
  }
  return out;
}

absl::Status RecordSeen(const std::string& path, const Checkpoint& cp) {
  ASSIGN_OR_RETURN(json state, ReadState(path));
  ASSIGN_OR_RETURN(std::vector<SeenCheckpoint> seen, LoadSeen(path, cp.origin));
  const bool known = std::any_of(seen.begin(), seen.end(), [&](const SeenCheckpoint& s) {
    return s.size == cp.size && s.root_hash == cp.root_hash;
  });
  if (!known) {
    seen.push_back(SeenCheckpoint{cp.size, cp.root_hash});
  }
  std::sort(seen.begin(), seen.end(),
            [](const SeenCheckpoint& a, const SeenCheckpoint& b) { return a.size > b.size; });
  if (seen.size() > kMaxSeenCheckpoints) {
    seen.resize(kMaxSeenCheckpoints);
  }
  json list = json::array();
  for (const SeenCheckpoint& s : seen) {
    list.push_back({{"size", s.size}, {"root", Base64Encode(s.root_hash)}});
  }
  state["logs"][cp.origin] = list;

  std::error_code ec;
  const std::filesystem::path p(path);
  if (p.has_parent_path()) {
    std::filesystem::create_directories(p.parent_path(), ec);
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << state.dump(2) << "\n";
    f.flush();
    if (!f) {
      return absl::UnavailableError(tmp +
                                    ": cannot write the audit state file; check the "
                                    "folder's permissions or pass --state FILE");
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    return absl::UnavailableError(path + ": cannot replace the audit state file: " + ec.message());
  }
  return absl::OkStatus();
}

}  // namespace poc::pocctl
