// What the simulated nodes report while a scenario runs: sessions opened, messages durably
// stored by their recipients, receipts back at their senders, and per message its latency.
#ifndef POC_BENCH_RUN_TRACKER_H_
#define POC_BENCH_RUN_TRACKER_H_

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace poc::bench {

using SteadyTime = std::chrono::steady_clock::time_point;

// Thread-safe: nodes call it from gRPC, worker and committer threads.
class RunTracker {
 public:
  // A message is about to be submitted; its latency counts from now.
  void Submitting(const std::string& message_id);
  void Submitted() { ++submitted_; }
  void SubmitRetried() { ++submit_retries_; }
  void Welcome() { ++welcomes_; }
  // The recipient committed the message to its store.
  void Stored(const std::string& message_id);
  // The sender received a verified delivery receipt.
  void ReceiptBack() {
    ++receipts_;
    last_receipt_ns_ = Now();
  }
  void Error(const std::string& what);

  int64_t submitted() const { return submitted_; }
  int64_t submit_retries() const { return submit_retries_; }
  int64_t welcomes() const { return welcomes_; }
  int64_t stored() const { return stored_; }
  int64_t receipts() const { return receipts_; }
  int64_t errors() const { return errors_; }
  std::string first_error() const;
  // Times (ns since the steady clock's epoch) of the last store and last receipt.
  int64_t last_store_ns() const { return last_store_ns_; }
  int64_t last_receipt_ns() const { return last_receipt_ns_; }
  // Submit-to-stored latencies in milliseconds, of messages whose submission was recorded.
  std::vector<double> LatenciesMs() const;

  static int64_t Now() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

 private:
  std::atomic<int64_t> submitted_{0};
  std::atomic<int64_t> submit_retries_{0};
  std::atomic<int64_t> welcomes_{0};
  std::atomic<int64_t> stored_{0};
  std::atomic<int64_t> receipts_{0};
  std::atomic<int64_t> errors_{0};
  std::atomic<int64_t> last_store_ns_{0};
  std::atomic<int64_t> last_receipt_ns_{0};

  mutable std::mutex mu_;
  std::unordered_map<std::string, int64_t> submit_ns_;  // guarded by mu_
  std::vector<double> latencies_ms_;                    // guarded by mu_
  std::string first_error_;                             // guarded by mu_
};

}  // namespace poc::bench

#endif  // POC_BENCH_RUN_TRACKER_H_
