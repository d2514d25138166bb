#include "common/logging/log_throttle.h"

#include <algorithm>

namespace poc {

LogThrottle::LogThrottle(int lines_per_interval, absl::Duration interval, const Clock* clock,
                         size_t max_keys)
    : lines_per_interval_(std::max(1, lines_per_interval)),
      interval_(interval),
      clock_(clock),
      max_keys_(std::max<size_t>(1, max_keys)) {}

LogThrottle::Verdict LogThrottle::Admit(const std::string& key) {
  const absl::Time now = clock_->Now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = windows_.find(key);
  if (it == windows_.end()) {
    if (windows_.size() >= max_keys_) {
      // Forget the windows that are over; if none is, the one that started first.
      for (auto w = windows_.begin(); w != windows_.end();) {
        w = now - w->second.start >= interval_ ? windows_.erase(w) : std::next(w);
      }
      if (windows_.size() >= max_keys_) {
        windows_.erase(std::min_element(
            windows_.begin(), windows_.end(),
            [](const auto& a, const auto& b) { return a.second.start < b.second.start; }));
      }
    }
    it = windows_.emplace(key, Window{now, 0, 0}).first;
  }
  Window& w = it->second;
  Verdict verdict;
  if (now - w.start >= interval_) {
    verdict.skipped = w.skipped;
    w = Window{now, 0, 0};
  }
  if (w.logged < lines_per_interval_) {
    ++w.logged;
    verdict.log = true;
    return verdict;
  }
  ++w.skipped;
  return Verdict{};
}

std::string LogThrottle::Suffix(const Verdict& verdict) {
  if (verdict.skipped == 0) {
    return "";
  }
  return " (" + std::to_string(verdict.skipped) + " more like it held back before this one)";
}

}  // namespace poc
