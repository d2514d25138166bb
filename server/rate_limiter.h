// Per-State token buckets: how the relay keeps one State's flood of calls from crowding out the
// others (README, "Hostile input").
#ifndef POC_SERVER_RATE_LIMITER_H_
#define POC_SERVER_RATE_LIMITER_H_

#include <map>
#include <mutex>
#include <string>

#include "absl/time/time.h"
#include "common/util/clock.h"

namespace poc {

// One token bucket per key: a key may make `burst` calls at once, then `rate_per_second` a
// second on average. A rate of 0 turns the limit off.
//
// Thread-safe (one mutex guards every bucket). Keys must come from a bounded set, such as the
// State codes of verified certificates: a bucket is kept for every key ever seen.
// `*clock` must outlive the limiter.
class RateLimiter {
 public:
  struct Options {
    double rate_per_second = 0;
    int64_t burst = 1;
  };

  RateLimiter(Options options, const Clock* clock);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes a token from `key`'s bucket. Returns zero when the call may go ahead; otherwise takes
  // nothing and returns how long until the next token is there.
  absl::Duration Take(const std::string& key);

  const Options& options() const { return options_; }

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time refilled;
  };

  const Options options_;
  const Clock* const clock_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace poc

#endif  // POC_SERVER_RATE_LIMITER_H_
