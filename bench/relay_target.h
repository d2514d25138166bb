// The relay a scenario runs against: a poc-relay the bench starts on loopback with a fresh
// SQLite store and the bench's directory, or one already running (--relay ADDR).
#ifndef POC_BENCH_RELAY_TARGET_H_
#define POC_BENCH_RELAY_TARGET_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/bench_pki.h"
#include "bench/child_process.h"

namespace poc::bench {

class RelayTarget {
 public:
  // Starts `poc_relay` in a new folder `run_dir` with the relay.toml the README documents
  // (production defaults, listen 127.0.0.1:0), `extra_flags` appended, and waits until it
  // serves.
  static absl::StatusOr<std::unique_ptr<RelayTarget>> Start(
      const BenchPki& pki, const std::string& poc_relay, const std::string& run_dir,
      const std::vector<std::string>& extra_flags);
  // A relay someone else runs; its directory must list the bench's States (see README).
  // `pid` > 0: read its memory and CPU from /proc.
  static std::unique_ptr<RelayTarget> Existing(std::string address, pid_t pid);

  const std::string& address() const { return address_; }
  // The relay's resident memory and CPU time so far; none for a remote relay without --relay-pid.
  std::optional<ProcessUsage> Usage() const;
  // Empty when the relay runs; otherwise a message with its log's last lines.
  std::string Failure();

 private:
  RelayTarget() = default;

  std::string address_;
  pid_t pid_ = -1;
  ChildProcess process_;  // not started for an existing relay
  bool started_ = false;
};

}  // namespace poc::bench

#endif  // POC_BENCH_RELAY_TARGET_H_
