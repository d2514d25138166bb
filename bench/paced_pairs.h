// The latency scenario's load, the same for poc-relay and the peer: a steady rate of messages,
// each between a random pair of distinct States, from a fixed seed so that both targets get
// the same sequence of pairs.
#ifndef POC_BENCH_PACED_PAIRS_H_
#define POC_BENCH_PACED_PAIRS_H_

#include <cstdint>
#include <functional>

namespace poc::bench {

// How many messages `rate` a second for `seconds` makes.
int64_t PacedCount(double rate, double seconds);

// Calls `send(k, from, to)` for k = 0 .. PacedCount − 1, each at its time (start + k/rate)
// on the calling thread, with from ≠ to in [0, n). Needs n ≥ 2. Returns how many it sent.
int64_t SendPacedRandomPairs(int n, double rate, double seconds,
                             const std::function<void(int64_t k, int from, int to)>& send);

}  // namespace poc::bench

#endif  // POC_BENCH_PACED_PAIRS_H_
