#include "server/observer_decider.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>

#include "common/util/time_format.h"

namespace poc {

absl::Status ObserverDecider::DecideNow() {
  std::promise<absl::StatusOr<std::vector<v1::ObserverRecord>>> decided;
  store_->DecideObservers(clock_->Now(),
                          [&decided](absl::StatusOr<std::vector<v1::ObserverRecord>> r) {
                            decided.set_value(std::move(r));
                          });
  absl::StatusOr<std::vector<v1::ObserverRecord>> accredited = decided.get_future().get();
  if (!accredited.ok()) {
    return accredited.status();
  }
  for (const v1::ObserverRecord& r : *accredited) {
    spdlog::info(
        "observer {} ({}) accredited: the silence period of proposal {} ended at {} without "
        "objection",
        r.proposal().slug(), r.proposal().organization(), r.proposal().id(),
        FormatUtc(FromProto(r.proposal().silence_ends_at())));
  }
  return absl::OkStatus();
}

void ObserverDecider::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void ObserverDecider::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void ObserverDecider::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void ObserverDecider::Loop() {
  while (true) {
    if (absl::Status s = DecideNow(); !s.ok()) {
      spdlog::error("cannot log observer accreditations: {}", s.ToString());
    }
    // Sleep until the next deadline, but look again at least every minute (and after an error
    // a little sooner), so that a missed wake-up costs little.
    absl::Duration wait = absl::Minutes(1);
    if (auto records = store_->ObserverRecords(); records.ok()) {
      const absl::Time now = clock_->Now();
      for (const v1::ObserverRecord& r : *records) {
        if (r.status() == v1::OBSERVER_STATUS_PENDING && r.objections().empty()) {
          wait = std::min(wait, FromProto(r.proposal().silence_ends_at()) - now);
        }
      }
    } else {
      wait = absl::Seconds(5);
    }
    wait = std::max(wait, absl::Milliseconds(20));
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, absl::ToChronoNanoseconds(wait), [this] { return stopping_ || woken_; });
    if (stopping_) {
      return;
    }
    woken_ = false;
  }
}

}  // namespace poc
