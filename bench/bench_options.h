// poc-bench's options (main.cc binds them to flags; README "Performance" documents them).
#ifndef POC_BENCH_BENCH_OPTIONS_H_
#define POC_BENCH_BENCH_OPTIONS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace poc::bench {

struct BenchOptions {
  int states = 193;
  int payload_bytes = 1024;
  double rate = 200;                 // latency: messages a second
  double seconds = 10;               // latency: how long
  int64_t ingest_messages = 100000;  // ingest: submissions, all left queued
  int window = 8;                    // submissions each simulated State keeps in flight
  int threads = 0;                   // worker threads for the simulated nodes (0: the cores)
  double timeout_s = 300;            // each scenario ends (FAILED) after this long
  std::string dir;                   // PKI and run folders (default: a new temp folder)
  bool keep_dir = false;
  std::string relay_address;             // non-empty: a running relay, not one the bench starts
  pid_t relay_pid = 0;                   // ... whose memory and CPU to read from /proc
  std::vector<std::string> relay_flags;  // extra flags for the relay the bench starts
  std::string poc_relay;                 // binaries
  std::string poc_pki;
  std::string mosquitto = "/usr/sbin/mosquitto";
  bool limit = false;
  int cores = 0;  // --limit divides by this (0: the machine's)
};

}  // namespace poc::bench

#endif  // POC_BENCH_BENCH_OPTIONS_H_
