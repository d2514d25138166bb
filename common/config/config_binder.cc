#include "common/config/config_binder.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

namespace poc {
namespace {

// "tls.cert" -> "[tls] cert"; "state" -> "state": how people read TOML.
std::string KeyForPeople(const std::string& key) {
  const auto dot = key.rfind('.');
  if (dot == std::string::npos) return key;
  return "[" + key.substr(0, dot) + "] " + key.substr(dot + 1);
}

void CollectKeys(const toml::table& table, const std::string& prefix,
                 std::vector<std::string>* out) {
  for (const auto& [k, v] : table) {
    const std::string key =
        prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const toml::table* sub = v.as_table()) {
      CollectKeys(*sub, key, out);
    } else {
      out->push_back(key);
    }
  }
}

}  // namespace

void ConfigBinder::Add(Kind kind, const std::string& flag, const std::string& key,
                       std::variant<std::string*, int64_t*, bool*> target, CLI::Option* option) {
  (void)flag;
  bindings_.push_back(Binding{kind, key, option, target});
}

void ConfigBinder::AddString(const std::string& flag, const std::string& key, std::string* target,
                             const std::string& help) {
  auto* opt = app_->add_option(flag, *target, help + "  [config: " + KeyForPeople(key) + "]")
                  ->capture_default_str();
  Add(Kind::kString, flag, key, target, opt);
}

void ConfigBinder::AddPath(const std::string& flag, const std::string& key, std::string* target,
                           const std::string& help) {
  auto* opt = app_->add_option(flag, *target, help + "  [config: " + KeyForPeople(key) + "]")
                  ->capture_default_str();
  Add(Kind::kPath, flag, key, target, opt);
}

void ConfigBinder::AddInt(const std::string& flag, const std::string& key, int64_t* target,
                          const std::string& help) {
  auto* opt = app_->add_option(flag, *target, help + "  [config: " + KeyForPeople(key) + "]")
                  ->capture_default_str();
  Add(Kind::kInt, flag, key, target, opt);
}

void ConfigBinder::AddBool(const std::string& flag, const std::string& key, bool* target,
                           const std::string& help) {
  auto* opt = app_->add_flag(flag, *target, help + "  [config: " + KeyForPeople(key) + "]");
  Add(Kind::kBool, flag, key, target, opt);
}

absl::Status ConfigBinder::ApplyFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return absl::NotFoundError(path + ": config file not found; pass --config with its path");
  }
  if (std::filesystem::is_directory(path, ec)) {
    return absl::InvalidArgumentError(path + ": is a folder; pass --config with a TOML file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::PermissionDeniedError(path + ": config file cannot be read; check its mode");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ApplyText(text.str(), path);
}

absl::Status ConfigBinder::ApplyText(std::string_view toml_text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string_view(path));
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << path;
    if (e.source().begin) msg << ":" << e.source().begin.line << ":" << e.source().begin.column;
    msg << ": " << e.description();
    return absl::InvalidArgumentError(msg.str() + " (not valid TOML)");
  }
  const std::filesystem::path base = std::filesystem::absolute(path).parent_path();

  std::set<std::string> known;
  for (const Binding& b : bindings_) {
    known.insert(b.key);
    const toml::node* node = root.at_path(b.key).node();
    if (node == nullptr || b.option->count() > 0) continue;  // absent, or the flag wins
    const std::string where = path + ": " + KeyForPeople(b.key);
    switch (b.kind) {
      case Kind::kString:
      case Kind::kPath: {
        const auto* s = node->as_string();
        if (s == nullptr) return absl::InvalidArgumentError(where + ": expected a string");
        std::string value = s->get();
        if (b.kind == Kind::kPath && !value.empty() && value[0] != '/') {
          value = (base / value).lexically_normal().string();
        }
        *std::get<std::string*>(b.target) = value;
        break;
      }
      case Kind::kInt: {
        const auto* i = node->as_integer();
        if (i == nullptr) return absl::InvalidArgumentError(where + ": expected an integer");
        *std::get<int64_t*>(b.target) = i->get();
        break;
      }
      case Kind::kBool: {
        const auto* v = node->as_boolean();
        if (v == nullptr) return absl::InvalidArgumentError(where + ": expected true or false");
        *std::get<bool*>(b.target) = v->get();
        break;
      }
    }
  }
  std::vector<std::string> present;
  CollectKeys(root, "", &present);
  for (const std::string& key : present) {
    if (known.count(key) == 0) {
      return absl::InvalidArgumentError(path + ": " + KeyForPeople(key) +
                                        ": unknown setting; see --help for the settings");
    }
  }
  return absl::OkStatus();
}

}  // namespace poc
