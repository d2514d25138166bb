// Configuration files (TOML) of poc-relay, pocd and pocctl all go through ConfigBinder. The
// input is the text of a relay.toml, applied to the relay's real settings (RelayConfig) and
// then checked by RelayConfig::Finish, as poc-relay does at start.
#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/config/config_binder.h"
#include "server/relay_config.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

// The relay's settings as poc-relay binds them, bound once (CLI11 apps are slow to build); each
// input starts from the defaults again.
struct Fixture {
  poc::RelayConfig config;
  CLI::App app;
  poc::ConfigBinder binder{&app};

  Fixture() { config.Bind(&binder); }

  // Defaults, with the paths empty so that any value they hold afterwards came from the file.
  void Reset() {
    config = poc::RelayConfig();
    for (std::string* p : Paths()) p->clear();
  }
  std::vector<std::string*> Paths() {
    return {&config.port_file,   &config.http_port_file, &config.database, &config.directory,
            &config.signing_key, &config.tls.ca,         &config.tls.cert, &config.tls.key};
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture* fixture = new Fixture();
  const std::string path = "/etc/poc/relay.toml";
  fixture->Reset();
  poc::RelayConfig& config = fixture->config;
  poc::ConfigBinder& binder = fixture->binder;

  const absl::Status applied = binder.ApplyText(poc::fuzz::AsText(data, size), path);
  if (!applied.ok()) {
    POC_FUZZ_CHECK(applied.code() == absl::StatusCode::kInvalidArgument);
    // Errors name the file first.
    POC_FUZZ_CHECK(applied.message().substr(0, path.size()) == path);
    return 0;
  }
  // Paths in a file resolve against the file's folder.
  for (const std::string* p : fixture->Paths()) POC_FUZZ_CHECK(p->empty() || (*p)[0] == '/');
  const absl::Status finished = config.Finish();
  if (finished.ok()) {
    POC_FUZZ_CHECK(config.checkpoint_interval >= absl::Seconds(1));
    POC_FUZZ_CHECK(config.max_message_bytes >= 1024 && config.max_message_bytes <= 4 << 20);
    POC_FUZZ_CHECK(config.max_batch >= 1 && config.max_batch <= 10000);
    POC_FUZZ_CHECK(config.submit_rate >= 0 && config.submit_burst >= 1);
    POC_FUZZ_CHECK(config.max_queued_per_state >= 0);
    POC_FUZZ_CHECK(config.max_recipients >= 1 && config.max_recipients <= 1000);
  } else {
    POC_FUZZ_CHECK(finished.code() == absl::StatusCode::kInvalidArgument);
  }
  return 0;
}
