#include "server/directory_file.h"

#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/time/time.h"
#include "common/crypto/ed25519.h"
#include "common/directory/directory_view.h"
#include "common/directory/un_regional_groups.h"
#include "common/encoding/base64.h"
#include "common/iso3166/iso3166.h"
#include "common/status_macros.h"
#include "common/util/time_format.h"

namespace poc {
namespace {

// Errors carry the field as the file spells it; LoadDirectoryFile prefixes the path.
absl::Status Invalid(const std::string& field, const std::string& what) {
  return absl::InvalidArgumentError(field + ": " + what);
}

std::string Index(const std::string& name, size_t i) {
  return name + "[" + std::to_string(i) + "]";
}

// Refuses settings the table does not know, so a misspelt key is not silently ignored.
absl::Status OnlyKnownKeys(const toml::table& table, const std::string& where,
                           std::initializer_list<std::string_view> known) {
  for (const auto& [k, v] : table) {
    bool ok = false;
    for (std::string_view name : known) {
      ok = ok || k.str() == name;
    }
    if (!ok) {
      std::string list;
      for (std::string_view name : known) {
        list += (list.empty() ? "" : ", ") + std::string(name);
      }
      return Invalid(where.empty() ? std::string(k.str()) : where + "." + std::string(k.str()),
                     "unknown setting; expected one of " + list);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> OptionalString(const toml::table& t, const std::string& where,
                                           std::string_view key) {
  const toml::node* node = t.get(key);
  if (node == nullptr) {
    return std::string();
  }
  if (!node->is_string()) {
    return Invalid(where + "." + std::string(key), "must be a string");
  }
  return std::string(*node->value<std::string>());
}

absl::StatusOr<std::vector<std::string>> StringList(const toml::table& t, const std::string& where,
                                                    std::string_view key) {
  std::vector<std::string> out;
  const toml::node* node = t.get(key);
  if (node == nullptr) {
    return out;
  }
  const std::string field = where + "." + std::string(key);
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    return Invalid(field, "must be a list of strings, e.g. [\"a\", \"b\"]");
  }
  for (size_t i = 0; i < array->size(); ++i) {
    auto s = array->get(i)->value<std::string>();
    if (!s) {
      return Invalid(Index(field, i), "must be a string");
    }
    out.push_back(*s);
  }
  return out;
}

// A TOML offset date-time (2027-01-01T00:00:00Z) or the same as an RFC 3339 string.
absl::StatusOr<std::optional<absl::Time>> OptionalTime(const toml::table& t,
                                                       const std::string& where,
                                                       std::string_view key) {
  const toml::node* node = t.get(key);
  if (node == nullptr) {
    return std::optional<absl::Time>();
  }
  const std::string field = where + "." + std::string(key);
  std::string text;
  if (auto dt = node->value<toml::date_time>(); dt && dt->offset) {
    const absl::CivilSecond civil(dt->date.year, dt->date.month, dt->date.day, dt->time.hour,
                                  dt->time.minute, dt->time.second);
    return absl::FromCivil(civil, absl::UTCTimeZone()) - absl::Minutes(dt->offset->minutes);
  } else if (auto s = node->value<std::string>()) {
    text = *s;
  } else {
    return Invalid(field, "must be a date-time with a zone, e.g. 2027-01-01T00:00:00Z");
  }
  absl::Time time;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &err)) {
    return Invalid(field, "'" + text + "' is not a date-time like 2027-01-01T00:00:00Z");
  }
  return std::optional<absl::Time>(time);
}

absl::StatusOr<v1::KeyStatus> ParseKeyStatus(std::string_view s) {
  if (s == "active") {
    return v1::KEY_STATUS_ACTIVE;
  }
  if (s == "next") {
    return v1::KEY_STATUS_NEXT;
  }
  if (s == "retired") {
    return v1::KEY_STATUS_RETIRED;
  }
  if (s == "revoked") {
    return v1::KEY_STATUS_REVOKED;
  }
  return absl::InvalidArgumentError("'" + std::string(s) +
                                    "' is not a key status; use active, next, retired or revoked");
}

absl::Status ParseKey(const toml::table& kt, const std::string& where, v1::SigningKey* key) {
  RETURN_IF_ERROR(OnlyKnownKeys(
      kt, where,
      {"public_key", "proof", "id", "status", "valid_from", "valid_until", "revoked_at"}));
  const auto b64 = kt["public_key"].value<std::string>();
  if (!b64) {
    return Invalid(where + ".public_key", "missing");
  }
  auto raw = Base64Decode(*b64);
  if (!raw.ok()) {
    return Invalid(where + ".public_key", std::string(raw.status().message()));
  }
  auto pub = Ed25519PublicKey::FromRaw(*raw);
  if (!pub.ok()) {
    return Invalid(where + ".public_key", std::string(pub.status().message()));
  }
  if (const auto id = kt["id"].value<std::string>(); id && *id != pub->key_id()) {
    return Invalid(where + ".id",
                   "'" + *id + "' does not match the key (its id is " + pub->key_id() + ")");
  }
  const auto proof_b64 = kt["proof"].value<std::string>();
  if (proof_b64) {
    auto proof = Base64Decode(*proof_b64);
    if (!proof.ok()) {
      return Invalid(where + ".proof", std::string(proof.status().message()));
    }
    key->set_proof(*proof);
  }
  auto status = ParseKeyStatus(kt["status"].value_or(std::string("active")));
  if (!status.ok()) {
    return Invalid(where + ".status", std::string(status.status().message()));
  }
  key->set_key_id(pub->key_id());
  key->set_public_key(*raw);
  key->set_status(*status);
  ASSIGN_OR_RETURN(auto valid_from, OptionalTime(kt, where, "valid_from"));
  ASSIGN_OR_RETURN(auto valid_until, OptionalTime(kt, where, "valid_until"));
  ASSIGN_OR_RETURN(auto revoked_at, OptionalTime(kt, where, "revoked_at"));
  if (valid_from) {
    *key->mutable_valid_from() = ToProto(*valid_from);
  }
  if (valid_until) {
    *key->mutable_valid_until() = ToProto(*valid_until);
  }
  if (revoked_at) {
    *key->mutable_revoked_at() = ToProto(*revoked_at);
  }
  return absl::OkStatus();
}

absl::Status ParseContact(const toml::table& ct, const std::string& where, v1::Contact* contact) {
  RETURN_IF_ERROR(OnlyKnownKeys(
      ct, where,
      {"level", "order", "name", "role", "email", "phone", "hours", "time_zone", "languages"}));
  const std::string level = ct["level"].value_or(std::string());
  if (level == "technical") {
    contact->set_level(v1::CONTACT_LEVEL_TECHNICAL);
  } else if (level == "diplomatic") {
    contact->set_level(v1::CONTACT_LEVEL_DIPLOMATIC);
  } else {
    return Invalid(where + ".level", (level.empty() ? "missing" : "'" + level + "' is unknown") +
                                         "; use technical or diplomatic");
  }
  const auto order = ct["order"].value<int64_t>();
  if (!order || *order < 1 || *order > 99) {
    return Invalid(where + ".order", "must be a whole number from 1 (called first) to 99");
  }
  contact->set_order(static_cast<uint32_t>(*order));
  ASSIGN_OR_RETURN(*contact->mutable_name(), OptionalString(ct, where, "name"));
  ASSIGN_OR_RETURN(*contact->mutable_role(), OptionalString(ct, where, "role"));
  ASSIGN_OR_RETURN(*contact->mutable_email(), OptionalString(ct, where, "email"));
  ASSIGN_OR_RETURN(*contact->mutable_phone(), OptionalString(ct, where, "phone"));
  ASSIGN_OR_RETURN(*contact->mutable_hours(), OptionalString(ct, where, "hours"));
  ASSIGN_OR_RETURN(*contact->mutable_time_zone(), OptionalString(ct, where, "time_zone"));
  if (!contact->time_zone().empty()) {
    absl::TimeZone zone;
    if (!absl::LoadTimeZone(contact->time_zone(), &zone)) {
      return Invalid(where + ".time_zone",
                     "'" + contact->time_zone() + "' is not an IANA time zone (e.g. Europe/Paris)");
    }
  }
  ASSIGN_OR_RETURN(auto languages, StringList(ct, where, "languages"));
  for (std::string& l : languages) {
    contact->add_languages(std::move(l));
  }
  return absl::OkStatus();
}

absl::Status ParseState(const toml::table& st, const std::string& where, v1::StateEntry* entry) {
  RETURN_IF_ERROR(
      OnlyKnownKeys(st, where, {"code", "name", "bodies", "certificates", "key", "contact"}));
  const auto code = st["code"].value<std::string>();
  if (!code) {
    return Invalid(where + ".code", "missing");
  }
  if (!IsIso3166Alpha3(*code)) {
    return Invalid(where + ".code", "'" + *code + "' is not an ISO 3166-1 alpha-3 code");
  }
  entry->set_code(*code);
  entry->set_name(st["name"].value_or(std::string(*CountryName(*code))));
  ASSIGN_OR_RETURN(auto bodies, StringList(st, where, "bodies"));
  for (std::string& b : bodies) {
    entry->add_bodies(std::move(b));
  }
  ASSIGN_OR_RETURN(auto certificates, StringList(st, where, "certificates"));
  for (std::string& c : certificates) {
    entry->add_certificate_fingerprints(std::move(c));
  }
  const toml::array* keys = st["key"].as_array();
  if (keys == nullptr || keys->empty()) {
    return Invalid(where + ".key", "State " + *code + " has no signing key; add a [[state.key]]");
  }
  for (size_t j = 0; j < keys->size(); ++j) {
    const toml::table* kt = keys->get(j)->as_table();
    if (kt == nullptr) {
      return Invalid(where + "." + Index("key", j), "must be a table");
    }
    RETURN_IF_ERROR(ParseKey(*kt, where + "." + Index("key", j), entry->add_keys()));
  }
  if (const toml::node* contacts = st.get("contact")) {
    const toml::array* list = contacts->as_array();
    if (list == nullptr) {
      return Invalid(where + ".contact", "must be [[state.contact]] tables");
    }
    for (size_t c = 0; c < list->size(); ++c) {
      const toml::table* ct = list->get(c)->as_table();
      if (ct == nullptr) {
        return Invalid(where + "." + Index("contact", c), "must be a table");
      }
      RETURN_IF_ERROR(ParseContact(*ct, where + "." + Index("contact", c), entry->add_contacts()));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseGroup(const toml::table& gt, const std::string& where, v1::Group* group) {
  RETURN_IF_ERROR(OnlyKnownKeys(gt, where, {"name", "kind", "title", "members"}));
  const auto name = gt["name"].value<std::string>();
  if (!name) {
    return Invalid(where + ".name", "missing");
  }
  for (const RegionalGroup& regional : UnRegionalGroups()) {
    if (*name == regional.name) {
      return Invalid(where + ".name", "'" + *name +
                                          "' is a UN regional group, which every directory "
                                          "has already; choose another name");
    }
  }
  group->set_name(*name);
  const std::string kind = gt["kind"].value_or(std::string("custom"));
  if (kind == "organization") {
    group->set_kind(v1::GROUP_KIND_ORGANIZATION);
  } else if (kind == "custom") {
    group->set_kind(v1::GROUP_KIND_CUSTOM);
  } else {
    return Invalid(where + ".kind", "'" + kind + "' is unknown; use organization or custom");
  }
  ASSIGN_OR_RETURN(*group->mutable_title(), OptionalString(gt, where, "title"));
  ASSIGN_OR_RETURN(auto members, StringList(gt, where, "members"));
  if (members.empty()) {
    return Invalid(where + ".members", "a group needs at least one State");
  }
  for (std::string& m : members) {
    group->add_members(std::move(m));
  }
  return absl::OkStatus();
}

// The UN regional groups, restricted to the States this directory lists.
void AddRegionalGroups(v1::Directory* dir) {
  std::set<std::string> present;
  for (const v1::StateEntry& s : dir->states()) {
    present.insert(s.code());
  }
  for (const RegionalGroup& regional : UnRegionalGroups()) {
    v1::Group* group = dir->add_groups();
    group->set_name(std::string(regional.name));
    group->set_kind(v1::GROUP_KIND_REGIONAL);
    group->set_title(std::string(regional.title));
    std::set<std::string> members;
    for (std::string_view code : regional.members) {
      if (present.count(std::string(code)) != 0) {
        members.insert(std::string(code));
      }
    }
    for (const std::string& code : members) {
      group->add_members(code);
    }
  }
}

absl::StatusOr<v1::Directory> ParseDirectory(const toml::table& root) {
  RETURN_IF_ERROR(OnlyKnownKeys(root, "", {"version", "state", "group"}));
  v1::Directory dir;
  const auto version = root["version"].value<int64_t>();
  if (!version || *version < 1) {
    return Invalid("version", "must be a positive integer");
  }
  dir.set_version(static_cast<uint64_t>(*version));
  const toml::array* states = root["state"].as_array();
  if (states == nullptr || states->empty()) {
    return Invalid("state", "the directory lists no States; add [[state]] tables");
  }
  for (size_t i = 0; i < states->size(); ++i) {
    const toml::table* st = states->get(i)->as_table();
    if (st == nullptr) {
      return Invalid(Index("state", i), "must be a table");
    }
    RETURN_IF_ERROR(ParseState(*st, Index("state", i), dir.add_states()));
  }
  if (const toml::node* groups = root.get("group")) {
    const toml::array* list = groups->as_array();
    if (list == nullptr) {
      return Invalid("group", "must be [[group]] tables");
    }
    for (size_t g = 0; g < list->size(); ++g) {
      const toml::table* gt = list->get(g)->as_table();
      if (gt == nullptr) {
        return Invalid(Index("group", g), "must be a table");
      }
      RETURN_IF_ERROR(ParseGroup(*gt, Index("group", g), dir.add_groups()));
    }
  }
  AddRegionalGroups(&dir);
  // Cross-entry checks (duplicates, proofs, group members) live in one place: DirectoryView.
  RETURN_IF_ERROR(DirectoryView::Build(dir).status());
  return dir;
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
  if (!in) {
    return absl::InvalidArgumentError(path + ": cannot be read; check its mode");
  }
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
  auto dir = ParseDirectory(root);
  if (!dir.ok()) {
    return absl::Status(dir.status().code(), path + ": " + std::string(dir.status().message()));
  }
  return dir;
}

}  // namespace poc
