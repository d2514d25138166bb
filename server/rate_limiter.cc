#include "server/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace poc {

RateLimiter::RateLimiter(Options options, const Clock* clock) : options_(options), clock_(clock) {}

absl::Duration RateLimiter::Take(const std::string& key) {
  if (options_.rate_per_second <= 0) {
    return absl::ZeroDuration();
  }
  const absl::Time now = clock_->Now();
  const auto burst = static_cast<double>(options_.burst);
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst, now});
  Bucket& bucket = it->second;
  if (!inserted && now > bucket.refilled) {
    const double earned =
        absl::FDivDuration(now - bucket.refilled, absl::Seconds(1)) * options_.rate_per_second;
    bucket.tokens = std::min(burst, bucket.tokens + earned);
    bucket.refilled = now;
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return absl::ZeroDuration();
  }
  // Round up to the millisecond, so that a caller retrying after this long finds a token.
  const double wait_ms = std::ceil((1 - bucket.tokens) / options_.rate_per_second * 1000);
  return absl::Milliseconds(std::max(1.0, wait_ms));
}

}  // namespace poc
