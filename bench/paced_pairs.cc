#include "bench/paced_pairs.h"

#include <chrono>
#include <random>
#include <thread>

namespace poc::bench {

int64_t PacedCount(double rate, double seconds) { return static_cast<int64_t>(rate * seconds); }

int64_t SendPacedRandomPairs(int n, double rate, double seconds,
                             const std::function<void(int64_t k, int from, int to)>& send) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> pick(0, n - 1);
  const auto interval = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / rate));
  const int64_t count = PacedCount(rate, seconds);
  const auto start = std::chrono::steady_clock::now();
  for (int64_t k = 0; k < count; ++k) {
    std::this_thread::sleep_until(start + k * interval);
    const int from = pick(rng);
    int to = pick(rng);
    while (to == from) to = pick(rng);
    send(k, from, to);
  }
  return count;
}

}  // namespace poc::bench
