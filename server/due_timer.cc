#include "server/due_timer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>

namespace poc {

DueTimer::DueTimer(const Clock* clock, std::string name, NextDueFn next_due, RunDueFn run_due,
                   absl::Duration max_wait)
    : clock_(clock),
      name_(std::move(name)),
      next_due_(std::move(next_due)),
      run_due_(std::move(run_due)),
      max_wait_(max_wait),
      timer_(io_) {}

DueTimer::~DueTimer() { Stop(); }

void DueTimer::Start() {
  guard_.emplace(io_.get_executor());
  boost::asio::post(io_, [this] { Arm(); });
  thread_ = std::thread([this] { io_.run(); });
}

void DueTimer::Wake() {
  boost::asio::post(io_, [this] { Arm(); });
}

void DueTimer::Stop() {
  if (!thread_.joinable()) {
    return;
  }
  boost::asio::post(io_, [this] { timer_.cancel(); });
  guard_.reset();
  io_.stop();
  thread_.join();
}

void DueTimer::Arm(bool after_error) {
  absl::Duration wait = max_wait_;
  absl::StatusOr<std::optional<absl::Time>> next = next_due_();
  if (!next.ok()) {
    spdlog::error("{}: cannot read what is due: {}", name_, next.status().ToString());
    wait = kRetryAfterError;
  } else if (next->has_value()) {
    wait = std::min(wait, **next - clock_->Now());
  }
  wait = std::max(wait, after_error ? kRetryAfterError : absl::Milliseconds(1));
  // Setting the expiry cancels the wait in progress, whose handler then returns at once.
  timer_.expires_after(absl::ToChronoNanoseconds(wait));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) {
      return;  // cancelled: a newer Arm() took over, or Stop()
    }
    // The wait may end before anything is due (max_wait), so look before running.
    absl::StatusOr<std::optional<absl::Time>> due = next_due_();
    absl::Status s = due.status();
    if (s.ok() && due->has_value() && **due <= clock_->Now()) {
      s = run_due_();
    }
    if (!s.ok()) {
      spdlog::error("{}: {}; trying again in {}", name_, s.ToString(),
                    absl::FormatDuration(kRetryAfterError));
    }
    Arm(/*after_error=*/!s.ok());
  });
}

}  // namespace poc
