// A fault-injecting TCP proxy for tests: it sits between a node and the relay and, on command,
// delays, stalls, silences, resets or refuses their connections. It runs one I/O thread.
//
// What "loss" means here: TCP never loses bytes. A segment lost on the wire reaches the
// application as a stall while the sender retransmits, so that is what the proxy injects: with
// a given probability a chunk (and everything behind it, since TCP keeps order) is held for an
// extra stall, as a retransmission timeout would hold it. Losing the whole connection is
// ResetAll(); a link that stops answering is SetBlackhole(true).
#ifndef POC_TESTS_INTEGRATION_FAULT_PROXY_H_
#define POC_TESTS_INTEGRATION_FAULT_PROXY_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/time/time.h"

namespace poc::testing {

struct FaultProxyStats {
  uint64_t connections_accepted = 0;
  uint64_t connections_refused = 0;  // reset at once while refusing
  uint64_t connections_reset = 0;    // by ResetAll
  uint64_t blackholes = 0;           // times a blackhole began
  uint64_t chunks_forwarded = 0;
  uint64_t chunks_delayed = 0;  // forwarded later than read, by the configured delay
  uint64_t chunks_stalled = 0;  // held by the loss emulation
  uint64_t bytes_forwarded = 0;
};

// Thread-safe: every method may be called from any thread while the proxy runs.
class FaultProxy {
 public:
  // Listens on `listen_host`:0 and forwards each connection it accepts to
  // `target_host`:`target_port`. Fails the test (and the port is 0) when it cannot listen.
  FaultProxy(const std::string& target_host, int target_port,
             const std::string& listen_host = "127.0.0.1");
  ~FaultProxy();  // closes every connection and stops the thread
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  std::string address() const;  // listen_host:port

  // Forwards each chunk `fixed` plus a uniform [0, `jitter`] after reading it, each direction,
  // never before an earlier chunk of the same direction (TCP keeps order).
  void SetDelay(absl::Duration fixed, absl::Duration jitter);
  // With `probability` (0..1) a chunk is held `stall` longer (see the file comment).
  void SetLoss(double probability, absl::Duration stall);
  // On: a silent peer. Nothing is forwarded either way and nothing is closed; new connections
  // are accepted and held unconnected. Off: what was held flows, and closes that happened
  // meanwhile reach the other side, as when a link returns before TCP gives up.
  void SetBlackhole(bool on);
  // On: each new connection is accepted and reset at once, as by a closed port.
  void SetRefuseNew(bool on);
  // Resets (RST) both sides of every open connection; returns how many there were.
  int ResetAll();
  int OpenConnections() const;
  FaultProxyStats stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::string listen_host_;
};

}  // namespace poc::testing

#endif  // POC_TESTS_INTEGRATION_FAULT_PROXY_H_
