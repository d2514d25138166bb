// pocd: a State's node daemon. See README.md, "Running a node".
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <iostream>

#include "client/pocd/node.h"
#include "common/logging/logging.h"
#include "common/tls/credentials.h"
#include "common/util/main_guard.h"

namespace {

int Fail(const std::string& what) {
  std::cerr << "pocd: " << what << "\n";
  return 1;
}

int RunNode(int argc, char** argv) {
  poc::RequireTls13();  // before gRPC or any thread starts
  CLI::App app{
      "pocd: a State's PoC Network node. It holds the State's signing key and node certificate,\n"
      "keeps one session with the relay (reconnecting by itself), verifies every incoming\n"
      "message against the relay-signed directory, stores it durably, and only then returns a\n"
      "signed delivery receipt. Operators use it through pocctl, over a Unix socket (0600).\n\n"
      "Settings come from --config FILE (TOML; see deploy/pocd.toml.sample) and from flags, a\n"
      "flag winning over the file. SIGTERM/SIGINT stop it gracefully."};
  app.footer("Example:\n  pocd --config /var/lib/poc/FRA/pocd.toml\n");
  std::string config_path;
  app.add_option("-c,--config", config_path, "TOML settings file");
  poc::NodeConfig config;
  poc::ConfigBinder binder(&app);
  config.Bind(&binder);
  CLI11_PARSE(app, argc, argv);

  if (!config_path.empty()) {
    if (absl::Status s = binder.ApplyFile(config_path); !s.ok())
      return Fail(std::string(s.message()));
  }
  if (absl::Status s = config.Finish(); !s.ok()) {
    return Fail((config_path.empty() ? std::string() : config_path + ": ") +
                std::string(s.message()));
  }
  if (absl::Status s = poc::SetupLogging("pocd", config.log_json, config.log_level); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  // Installed before the node starts: once its control socket exists (what scripts and tests
  // wait for), SIGTERM is a graceful stop, never the default abrupt one.
  boost::asio::io_context io;
  boost::asio::signal_set stop(io, SIGTERM, SIGINT);
  poc::SystemClock clock;
  auto node = poc::Node::Start(config, &clock);
  if (!node.ok()) return Fail(std::string(node.status().message()));

  stop.async_wait([](const boost::system::error_code&, int sig) {
    spdlog::info("signal {}: shutting down", sig);
  });
  io.run();
  (*node)->Shutdown();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return poc::GuardMain("pocd", [&] { return RunNode(argc, argv); });
}
