// poc-relay: the UN-hosted relay. See README.md, "Running the relay".
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/checkpoint/note.h"
#include "common/crypto/key_files.h"
#include "common/logging/logging.h"
#include "common/logging/protobuf_logs.h"
#include "common/tls/credentials.h"
#include "common/util/files.h"
#include "common/util/main_guard.h"
#include "server/audit/audit_check.h"
#include "server/relay_server.h"

namespace {

int Fail(const std::string& what) {
  std::cerr << "poc-relay: " << what << "\n";
  return 1;
}

absl::StatusOr<std::string> AuditVerifierKey(const poc::RelayConfig& config) {
  auto key = poc::LoadPrivateKeyFile(config.signing_key);
  if (!key.ok()) {
    return key.status();
  }
  auto signer = poc::Ed25519NoteSigner::Create(config.audit_origin, *std::move(key));
  if (!signer.ok()) {
    return absl::InvalidArgumentError("[audit] origin: " + std::string(signer.status().message()));
  }
  return signer->VerifierKey();
}

constexpr const char* kRestoreAdvice =
    "Keep this file as evidence; restore the relay from a backup taken before the damage.";

// poc-relay check: the offline audit check (server/audit/audit_check.h) as a report.
int RunCheck(const poc::RelayConfig& config, bool json) {
  if (!std::filesystem::exists(config.database)) {
    return Fail(config.database + ": no such file; point --database at the relay's store");
  }
  auto vkey = AuditVerifierKey(config);
  if (!vkey.ok()) {
    return Fail(std::string(vkey.status().message()));
  }
  auto verifier = poc::Ed25519NoteVerifier::FromVerifierKey(*vkey);
  if (!verifier.ok()) {
    return Fail(std::string(verifier.status().message()));
  }
  auto db = poc::SqliteDatabase::Open(config.database);
  if (!db.ok()) {
    if (absl::IsDataLoss(db.status())) {
      std::cout << config.database << ": cannot be read as a store\n  DAMAGED  "
                << db.status().message() << "\n"
                << kRestoreAdvice << "\n";
      return 1;
    }
    return Fail(std::string(db.status().message()));
  }
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  auto report = poc::CheckAuditLog(db->get(), *verifier, [&](uint64_t done) {
    if (tty) {
      std::cerr << "\rchecked " << done << " leaves" << std::flush;
    }
  });
  if (tty) {
    std::cerr << "\r" << std::string(40, ' ') << "\r";
  }
  if (!report.ok()) {
    return Fail(std::string(report.status().message()));
  }
  if (json) {
    nlohmann::json out = {{"database", config.database},
                          {"ok", report->ok()},
                          {"leaves", report->leaves},
                          {"checkpoint_size", report->checkpoint_size},
                          {"problems", report->problems}};
    out["first_bad_leaf"] =
        report->first_bad_leaf ? nlohmann::json(*report->first_bad_leaf) : nlohmann::json();
    std::cout << out.dump() << "\n";
  } else {
    std::cout << config.database << ": " << report->leaves << " audit leaves, latest checkpoint "
              << report->checkpoint_size << "\n";
    for (const std::string& p : report->problems) {
      std::cout << "  DAMAGED  " << p << "\n";
    }
    if (report->ok()) {
      std::cout << "  sound: every leaf matches the tree and the signed checkpoint\n";
    } else if (report->first_bad_leaf) {
      std::cout << "first bad leaf: " << *report->first_bad_leaf << ". " << kRestoreAdvice << "\n";
    } else {
      std::cout << kRestoreAdvice << "\n";
    }
  }
  return report->ok() ? 0 : 1;
}

int RunRelay(int argc, char** argv) {
  poc::RequireTls13();  // before gRPC or any thread starts
  CLI::App app{
      "poc-relay: the PoC Network relay. It authenticates each State by its TLS client\n"
      "certificate, verifies every envelope's signature against the directory, stores each\n"
      "message durably (SQLite, fsync before answering) and delivers it to the recipients'\n"
      "nodes, keeping an audit log of every step.\n\n"
      "Settings come from --config FILE (TOML; see deploy/relay.toml.sample) and from flags,\n"
      "a flag winning over the file. Signals: SIGTERM/SIGINT stop gracefully; SIGHUP re-reads\n"
      "the directory file, the CRL (tls.crl) and the relay's TLS files, which it also re-reads\n"
      "every tls.reload_interval (a renewed certificate needs no restart)."};
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
  CLI::App* check_cmd = app.add_subcommand(
      "check",
      "Check the store offline (stop the relay first): SQLite integrity, every audit leaf "
      "present and matching the Merkle tree, every stored subtree hash, and the latest signed "
      "checkpoint. Names the first bad leaf. Exit 0 sound, 1 damaged.");
  bool check_json = false;
  check_cmd->add_flag("--json", check_json, "print the report as one JSON object");
  CLI11_PARSE(app, argc, argv);

  if (!config_path.empty()) {
    if (absl::Status s = binder.ApplyFile(config_path); !s.ok()) {
      return Fail(std::string(s.message()));
    }
  }
  if (absl::Status s = config.Finish(); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  if (vkey_cmd->parsed()) {
    auto vkey = AuditVerifierKey(config);
    if (!vkey.ok()) {
      return Fail(std::string(vkey.status().message()));
    }
    std::cout << *vkey << "\n";
    return 0;
  }
  if (check_cmd->parsed()) {
    return RunCheck(config, check_json);
  }
  if (absl::Status s = poc::SetupLogging("poc-relay", config.log_json, config.log_level); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  poc::RouteProtobufLogsToSpdlog();  // peers can make protobuf complain once per call

  poc::SystemClock clock;
  auto relay = poc::RelayServer::Start(config, &clock);
  if (!relay.ok()) {
    if (absl::IsDataLoss(relay.status())) {
      // Never serve from a damaged store: what it answers could be wrong.
      return Fail(std::string(relay.status().message()) + "; the store " + config.database +
                  " is damaged, so the relay will not serve from it: stop here, run `poc-relay "
                  "check` to see the extent, and restore the last backup");
    }
    return Fail(std::string(relay.status().message()));
  }
  boost::asio::io_context io;
  boost::asio::signal_set stop(io, SIGTERM, SIGINT);
  boost::asio::signal_set reload(io, SIGHUP);
  boost::asio::steady_timer tls_timer(io);  // re-reads the TLS files every tls.reload_interval
  // The port files announce a relay that is ready: written only now that the signal sets are
  // installed, so a SIGHUP or SIGTERM right after them is handled, not fatal by default. The
  // HTTP port file first: whoever waits for the gRPC port file then finds both.
  if (!config.http_port_file.empty()) {
    if (auto s =
            poc::ReplaceFile(config.http_port_file, std::to_string((*relay)->http_port()) + "\n");
        !s.ok()) {
      return Fail(std::string(s.message()));
    }
  }
  if (!config.port_file.empty()) {
    if (auto s = poc::ReplaceFile(config.port_file, std::to_string((*relay)->port()) + "\n");
        !s.ok()) {
      return Fail(std::string(s.message()));
    }
  }

  stop.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) {
      return;
    }
    spdlog::info("signal {}: shutting down", sig);
    reload.cancel();
    tls_timer.cancel();
  });
  std::function<void()> wait_reload = [&] {
    reload.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) {
        return;
      }
      (void)(*relay)->ReloadDirectory();
      (void)(*relay)->ReloadRevocations();
      (void)(*relay)->ReloadTls();
      wait_reload();
    });
  };
  wait_reload();
  std::function<void()> wait_tls = [&] {
    tls_timer.expires_after(absl::ToChronoNanoseconds(config.tls_reload_interval));
    tls_timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec) {
        return;
      }
      (void)(*relay)->ReloadTls();
      wait_tls();
    });
  };
  wait_tls();
  io.run();
  (*relay)->Shutdown();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return poc::GuardMain("poc-relay", [&] { return RunRelay(argc, argv); });
}
