// Keeps a flood of alike log lines (a State's stream of rejected calls, protobuf's complaint
// about each string that is not UTF-8) from drowning the log: a few lines per kind and interval
// pass, the rest are counted and the count is reported with the next line that passes.
#ifndef POC_COMMON_LOGGING_LOG_THROTTLE_H_
#define POC_COMMON_LOGGING_LOG_THROTTLE_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "absl/time/time.h"
#include "common/util/clock.h"

namespace poc {

// At most `lines_per_interval` (at least 1) lines per key pass in each `interval` from the
// first of them. Thread-safe. Keys name a kind of line ("submit rejected FRA 3"); at most
// `max_keys` are tracked, after which the oldest intervals are forgotten (their held-back counts
// are lost, the lines they stood for were alike anyway). `*clock` must outlive the throttle.
class LogThrottle {
 public:
  LogThrottle(int lines_per_interval, absl::Duration interval, const Clock* clock,
              size_t max_keys = 1024);
  LogThrottle(const LogThrottle&) = delete;
  LogThrottle& operator=(const LogThrottle&) = delete;

  struct Verdict {
    bool log = false;      // log this line
    uint64_t skipped = 0;  // when logging: lines of this key held back since the last one logged
  };
  Verdict Admit(const std::string& key);

  // " (N more like it held back before this one)" for a line that passed after holding back N
  // lines, "" when none were.
  static std::string Suffix(const Verdict& verdict);

 private:
  struct Window {
    absl::Time start;
    int logged = 0;
    uint64_t skipped = 0;
  };

  const int lines_per_interval_;
  const absl::Duration interval_;
  const Clock* const clock_;
  const size_t max_keys_;
  std::mutex mu_;
  std::map<std::string, Window> windows_;  // guarded by mu_
};

}  // namespace poc

#endif  // POC_COMMON_LOGGING_LOG_THROTTLE_H_
