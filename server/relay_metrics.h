// Counters the relay exposes on its HTTP port at /metrics (Prometheus text format).
#ifndef POC_SERVER_RELAY_METRICS_H_
#define POC_SERVER_RELAY_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>

namespace poc {

// Thread-safe: plain atomics, updated where the events happen.
struct RelayMetrics {
  std::atomic<uint64_t> submits_accepted{0};
  std::atomic<uint64_t> submits_duplicate{0};
  // Rejected submissions by gRPC status code (index = code, 0..16). Not logged in the audit
  // log: a rejection changes nothing.
  std::array<std::atomic<uint64_t>, 17> submits_rejected{};
  std::atomic<uint64_t> deliveries{0};         // delivery receipts recorded
  std::atomic<uint64_t> delivery_refusals{0};  // deliveries refused by a recipient's node
  std::atomic<uint64_t> sessions_opened{0};
  std::atomic<int64_t> sessions_open{0};
  std::atomic<uint64_t> audit_leaves{0};  // size of the audit log
  std::atomic<uint64_t> checkpoints_signed{0};
};

}  // namespace poc

#endif  // POC_SERVER_RELAY_METRICS_H_
