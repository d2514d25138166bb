#include "bench/run_tracker.h"

namespace poc::bench {

void RunTracker::Submitting(const std::string& message_id) {
  const int64_t now = Now();
  std::lock_guard<std::mutex> lock(mu_);
  submit_ns_[message_id] = now;
}

void RunTracker::Stored(const std::string& message_id) {
  const int64_t now = Now();
  ++stored_;
  last_store_ns_ = now;
  std::lock_guard<std::mutex> lock(mu_);
  // One message may have several recipients (broadcast): keep the entry.
  auto it = submit_ns_.find(message_id);
  if (it != submit_ns_.end()) latencies_ms_.push_back(static_cast<double>(now - it->second) / 1e6);
}

void RunTracker::Error(const std::string& what) {
  ++errors_;
  std::lock_guard<std::mutex> lock(mu_);
  if (first_error_.empty()) first_error_ = what;
}

std::string RunTracker::first_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return first_error_;
}

std::vector<double> RunTracker::LatenciesMs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return latencies_ms_;
}

}  // namespace poc::bench
