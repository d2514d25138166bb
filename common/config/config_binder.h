// Options that come from a TOML file and from command-line flags, the flag winning.
//
// Each option is registered once with its flag name (`--tls-cert`), its TOML key (`tls.cert`)
// and its help text, so --help and the sample configs in deploy/ list the same settings.
// Errors name the file and the key: "relay.toml: [tls] cert: expected a string".
#ifndef POC_COMMON_CONFIG_CONFIG_BINDER_H_
#define POC_COMMON_CONFIG_CONFIG_BINDER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <CLI/CLI.hpp>

#include "absl/status/status.h"

namespace poc {

class ConfigBinder {
 public:
  explicit ConfigBinder(CLI::App* app) : app_(app) {}
  ConfigBinder(const ConfigBinder&) = delete;
  ConfigBinder& operator=(const ConfigBinder&) = delete;

  // `*target` holds the default and must outlive this binder. A path option given in the file
  // is resolved relative to the file's folder; given as a flag, relative to the working folder.
  void AddString(const std::string& flag, const std::string& key, std::string* target,
                 const std::string& help);
  void AddPath(const std::string& flag, const std::string& key, std::string* target,
               const std::string& help);
  void AddInt(const std::string& flag, const std::string& key, int64_t* target,
              const std::string& help);
  void AddBool(const std::string& flag, const std::string& key, bool* target,
               const std::string& help);

  // After CLI parsing: reads `path` and sets every option whose flag was not given. Unknown
  // keys and wrong types are errors naming the file and the key.
  absl::Status ApplyFile(const std::string& path);

  // As ApplyFile, for TOML text already read from `path`: errors name `path`, and relative
  // paths in the text resolve against its folder. The file need not exist (fuzzing, tests).
  absl::Status ApplyText(std::string_view toml_text, const std::string& path);

 private:
  enum class Kind { kString, kPath, kInt, kBool };
  struct Binding {
    Kind kind;
    std::string key;
    CLI::Option* option;
    std::variant<std::string*, int64_t*, bool*> target;
  };
  void Add(Kind kind, const std::string& flag, const std::string& key,
           std::variant<std::string*, int64_t*, bool*> target, CLI::Option* option);

  CLI::App* app_;
  std::vector<Binding> bindings_;
};

}  // namespace poc

#endif  // POC_COMMON_CONFIG_CONFIG_BINDER_H_
