#include "server/directory_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "common/crypto/ed25519.h"
#include "common/directory/directory_view.h"
#include "common/encoding/base64.h"
#include "common/iso3166/iso3166.h"

namespace poc {
namespace {

absl::StatusOr<v1::KeyStatus> ParseKeyStatus(std::string_view s) {
  if (s == "active") return v1::KEY_STATUS_ACTIVE;
  if (s == "next") return v1::KEY_STATUS_NEXT;
  if (s == "retired") return v1::KEY_STATUS_RETIRED;
  if (s == "revoked") return v1::KEY_STATUS_REVOKED;
  return absl::InvalidArgumentError("'" + std::string(s) +
                                    "' is not a key status; use active, next, retired or revoked");
}

}  // namespace

absl::StatusOr<v1::Directory> LoadDirectoryFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return absl::InvalidArgumentError(
        path + ": " +
        (std::filesystem::exists(path, ec)
             ? "is not a file; give the directory TOML file"
             : "file not found; check the relay's directory setting"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(path + ": cannot be read; check its mode");
  std::ostringstream text;
  text << in.rdbuf();
  return ParseDirectoryFile(text.str(), path);
}

absl::StatusOr<v1::Directory> ParseDirectoryFile(std::string_view toml_text,
                                                 const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string_view(path));
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(path + ":" + std::to_string(e.source().begin.line) + ": " +
                                      std::string(e.description()));
  }
  auto fail = [&](const std::string& where, const std::string& what) {
    return absl::InvalidArgumentError(path + ": " + where + ": " + what);
  };
  v1::Directory dir;
  for (const auto& [k, v] : root) {
    if (k.str() != "version" && k.str() != "state") {
      return fail(std::string(k.str()), "unknown setting; expected version and [[state]] tables");
    }
  }
  const auto version = root["version"].value<int64_t>();
  if (!version || *version < 1) return fail("version", "must be a positive integer");
  dir.set_version(static_cast<uint64_t>(*version));

  const toml::array* states = root["state"].as_array();
  if (states == nullptr || states->empty()) {
    return fail("state", "the directory lists no States; add [[state]] tables");
  }
  for (size_t i = 0; i < states->size(); ++i) {
    const std::string where = "state[" + std::to_string(i) + "]";
    const toml::table* st = states->get(i)->as_table();
    if (st == nullptr) return fail(where, "must be a table");
    v1::StateEntry* entry = dir.add_states();
    const auto code = (*st)["code"].value<std::string>();
    if (!code) return fail(where + ".code", "missing");
    if (!IsIso3166Alpha3(*code)) {
      return fail(where + ".code", "'" + *code + "' is not an ISO 3166-1 alpha-3 code");
    }
    entry->set_code(*code);
    entry->set_name((*st)["name"].value_or(std::string(*CountryName(*code))));
    const toml::array* keys = (*st)["key"].as_array();
    if (keys == nullptr || keys->empty()) {
      return fail(where + ".key", "State " + *code + " has no signing key; add a [[state.key]]");
    }
    for (size_t j = 0; j < keys->size(); ++j) {
      const std::string kwhere = where + ".key[" + std::to_string(j) + "]";
      const toml::table* kt = keys->get(j)->as_table();
      if (kt == nullptr) return fail(kwhere, "must be a table");
      const auto b64 = (*kt)["public_key"].value<std::string>();
      if (!b64) return fail(kwhere + ".public_key", "missing");
      auto raw = Base64Decode(*b64);
      if (!raw.ok()) return fail(kwhere + ".public_key", std::string(raw.status().message()));
      auto pub = Ed25519PublicKey::FromRaw(*raw);
      if (!pub.ok()) return fail(kwhere + ".public_key", std::string(pub.status().message()));
      auto status = ParseKeyStatus((*kt)["status"].value_or(std::string("active")));
      if (!status.ok()) return fail(kwhere + ".status", std::string(status.status().message()));
      if (const auto id = (*kt)["id"].value<std::string>(); id && *id != pub->key_id()) {
        return fail(kwhere + ".id",
                    "'" + *id + "' does not match the key (its id is " + pub->key_id() + ")");
      }
      v1::SigningKey* key = entry->add_keys();
      key->set_key_id(pub->key_id());
      key->set_public_key(*raw);
      key->set_status(*status);
    }
  }
  // Cross-entry checks (duplicate States or keys) live in one place: DirectoryView.
  auto view = DirectoryView::Build(dir);
  if (!view.ok())
    return absl::InvalidArgumentError(path + ": " + std::string(view.status().message()));
  return dir;
}

}  // namespace poc
