// poc-relay: the UN-hosted relay. See README.md, "Running the relay".
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <fstream>
#include <iostream>

#include "common/checkpoint/note.h"
#include "common/crypto/key_files.h"
#include "common/logging/logging.h"
#include "common/tls/credentials.h"
#include "server/relay_server.h"

namespace {

int Fail(const std::string& what) {
  std::cerr << "poc-relay: " << what << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  poc::RequireTls13();  // before gRPC or any thread starts
  CLI::App app{
      "poc-relay: the PoC Network relay. It authenticates each State by its TLS client\n"
      "certificate, verifies every envelope's signature against the directory, stores each\n"
      "message durably (SQLite, fsync before answering) and delivers it to the recipients'\n"
      "nodes, keeping an audit log of every step.\n\n"
      "Settings come from --config FILE (TOML; see deploy/relay.toml.sample) and from flags,\n"
      "a flag winning over the file. Signals: SIGTERM/SIGINT stop gracefully; SIGHUP re-reads\n"
      "the directory file."};
  app.footer("Example:\n  poc-relay --config /etc/poc/relay.toml\n");
  std::string config_path;
  app.add_option("-c,--config", config_path, "TOML settings file");
  poc::RelayConfig config;
  poc::ConfigBinder binder(&app);
  config.Bind(&binder);
  app.fallthrough();
  CLI::App* vkey_cmd = app.add_subcommand(
      "audit-vkey",
      "Print the verifier key of the audit log's checkpoints (<origin>+<key id>+<key>), as "
      "witnesses and `pocctl audit` need it, and exit.");
  CLI11_PARSE(app, argc, argv);

  if (!config_path.empty()) {
    if (absl::Status s = binder.ApplyFile(config_path); !s.ok())
      return Fail(std::string(s.message()));
  }
  if (absl::Status s = config.Finish(); !s.ok()) return Fail(std::string(s.message()));
  if (vkey_cmd->parsed()) {
    auto key = poc::LoadPrivateKeyFile(config.signing_key);
    if (!key.ok()) return Fail(std::string(key.status().message()));
    auto signer = poc::Ed25519NoteSigner::Create(config.audit_origin, *std::move(key));
    if (!signer.ok()) return Fail("[audit] origin: " + std::string(signer.status().message()));
    std::cout << signer->VerifierKey() << "\n";
    return 0;
  }
  if (absl::Status s = poc::SetupLogging("poc-relay", config.log_json, config.log_level); !s.ok()) {
    return Fail(std::string(s.message()));
  }

  poc::SystemClock clock;
  auto relay = poc::RelayServer::Start(config, &clock);
  if (!relay.ok()) return Fail(std::string(relay.status().message()));
  if (!config.port_file.empty()) {
    const std::string tmp = config.port_file + ".tmp";
    std::ofstream(tmp) << (*relay)->port() << "\n";
    if (std::rename(tmp.c_str(), config.port_file.c_str()) != 0) {
      return Fail(config.port_file + ": cannot write the port file");
    }
  }

  boost::asio::io_context io;
  boost::asio::signal_set stop(io, SIGTERM, SIGINT);
  boost::asio::signal_set reload(io, SIGHUP);
  stop.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", sig);
    reload.cancel();
  });
  std::function<void()> wait_reload = [&] {
    reload.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      (void)(*relay)->ReloadDirectory();
      wait_reload();
    });
  };
  wait_reload();
  io.run();
  (*relay)->Shutdown();
  return 0;
}
