#include "bench/relay_target.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/util/files.h"

namespace poc::bench {

absl::StatusOr<std::unique_ptr<RelayTarget>> RelayTarget::Start(
    const BenchPki& pki, const std::string& poc_relay, const std::string& run_dir,
    const std::vector<std::string>& extra_flags) {
  std::unique_ptr<RelayTarget> target(new RelayTarget());
  std::filesystem::remove_all(run_dir);
  std::filesystem::create_directories(run_dir);
  const std::string tls = std::filesystem::absolute(pki.relay_dir()).string();
  std::ofstream(run_dir + "/directory.toml") << pki.DirectoryToml();
  // The production defaults of deploy/relay.toml.sample; only addresses and paths differ.
  std::ofstream(run_dir + "/relay.toml")
      << "listen = \"127.0.0.1:0\"\n"
         "port_file = \"port\"\n"
         "http_listen = \"127.0.0.1:0\"\n"
         "database = \"relay.db\"\n"
         "directory = \"directory.toml\"\n"
         "signing_key = \""
      << tls << "/relay-signing.key\"\n[tls]\nca = \"" << tls << "/ca.crt\"\ncert = \"" << tls
      << "/relay.crt\"\nkey = \"" << tls << "/relay.key\"\n";
  std::vector<std::string> argv{poc_relay, "--config", run_dir + "/relay.toml"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  if (absl::Status s = target->process_.Start(argv, run_dir + "/relay.log"); !s.ok()) return s;
  target->started_ = true;
  target->pid_ = target->process_.pid();
  for (int i = 0; i < 1500; ++i) {  // 30 s
    if (!target->process_.Running()) {
      return absl::FailedPreconditionError("poc-relay exited while starting:\n" +
                                           target->process_.LogTail());
    }
    absl::StatusOr<std::string> port = ReadFile(run_dir + "/port");
    if (port.ok() && !port->empty()) {
      target->address_ = "127.0.0.1:" + std::to_string(std::stoi(*port));
      return target;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::DeadlineExceededError("poc-relay did not serve within 30 s:\n" +
                                     target->process_.LogTail());
}

std::unique_ptr<RelayTarget> RelayTarget::Existing(std::string address, pid_t pid) {
  std::unique_ptr<RelayTarget> target(new RelayTarget());
  target->address_ = std::move(address);
  target->pid_ = pid;
  return target;
}

std::optional<ProcessUsage> RelayTarget::Usage() const { return ReadUsage(pid_); }

std::string RelayTarget::Failure() {
  if (!started_ || process_.Running()) return "";
  return "poc-relay exited during the scenario:\n" + process_.LogTail();
}

}  // namespace poc::bench
