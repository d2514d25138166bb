#include "server/escalation_scheduler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <future>

#include "common/util/time_format.h"
#include "server/escalation_messages.h"

namespace poc {
namespace {

constexpr absl::Duration kLongestWait = absl::Minutes(1);
constexpr absl::Duration kRetryAfterError = absl::Seconds(5);

}  // namespace

EscalationScheduler::EscalationScheduler(EscalationStore* store, const DirectoryHolder* directory,
                                         const RelaySigner* signer, const Clock* clock,
                                         EscalationPolicy policy, QueuedCallback on_queued)
    : store_(store),
      directory_(directory),
      signer_(signer),
      clock_(clock),
      policy_(std::move(policy)),
      on_queued_(std::move(on_queued)),
      timer_(io_) {}

EscalationScheduler::~EscalationScheduler() { Stop(); }

absl::Status EscalationScheduler::CatchUp() { return RunDue(/*at_start=*/true); }

absl::Status EscalationScheduler::Tick() { return RunDue(/*at_start=*/false); }

absl::Status EscalationScheduler::RunDue(bool at_start) {
  const absl::Time now = clock_->Now();
  std::shared_ptr<const PublishedDirectory> published = directory_->Get();
  EscalationContext ctx;
  ctx.policy = &policy_;
  ctx.directory = std::shared_ptr<const DirectoryView>(published, &published->view);
  ctx.relay_key = &signer_->key();
  std::promise<absl::StatusOr<EscalationTickResult>> promise;
  store_->Tick(now, at_start, std::move(ctx), [&promise](absl::StatusOr<EscalationTickResult> r) {
    promise.set_value(std::move(r));
  });
  absl::StatusOr<EscalationTickResult> result = promise.get_future().get();
  if (!result.ok()) {
    return result.status();
  }
  for (const v1::DrillStepStatus& s : result->steps_fired) {
    spdlog::info("drill step {} fired: message {} to {} State(s)", s.step(), s.message_id(),
                 s.targets_size());
  }
  for (const v1::EscalationEvent& e : result->fired) {
    const std::string what =
        e.step() == v1::ESCALATION_STEP_REMINDER
            ? "reminded"
            : (e.step() == v1::ESCALATION_STEP_DIPLOMATIC
                   ? "escalated to its diplomatic contact" +
                         (e.contact_name().empty() ? std::string(" (none in the directory)")
                                                   : " " + e.contact_name())
                   : "escalated to the Secretariat");
    spdlog::warn("{}{} has not acknowledged {}: {}{} (notice {})",
                 e.drill_id().empty() ? "" : "DRILL: ", e.state(), e.message_id(), what,
                 e.late() ? ", late" : "", e.notice_id());
  }
  if (on_queued_ && !result->states.empty()) {
    on_queued_(result->states);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<absl::Time>> EscalationScheduler::NextDue() {
  return store_->NextDue(policy_.ShortestRemind());
}

void EscalationScheduler::Start() {
  work_.emplace(io_.get_executor());
  boost::asio::post(io_, [this] { Arm(); });
  thread_ = std::thread([this] { io_.run(); });
}

void EscalationScheduler::Wake() {
  boost::asio::post(io_, [this] { Arm(); });
}

void EscalationScheduler::Stop() {
  if (!thread_.joinable()) {
    return;
  }
  boost::asio::post(io_, [this] { timer_.cancel(); });
  work_.reset();
  io_.stop();
  thread_.join();
}

void EscalationScheduler::Arm(bool after_error) {
  // New messages are found by looking again within the shortest reminder time.
  absl::Duration wait = std::min(kLongestWait, policy_.ShortestRemind());
  absl::StatusOr<std::optional<absl::Time>> next = NextDue();
  if (!next.ok()) {
    spdlog::error("cannot read the escalation schedule: {}", next.status().ToString());
    wait = kRetryAfterError;
  } else if (next->has_value()) {
    wait = std::min(wait, **next - clock_->Now());
  }
  wait = std::max(wait, after_error ? kRetryAfterError : absl::Milliseconds(1));
  timer_.expires_after(absl::ToChronoNanoseconds(wait));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) {
      return;
    }
    // Only write when something is due (the wait may end early to look for new messages).
    absl::StatusOr<std::optional<absl::Time>> due = NextDue();
    absl::Status s = due.status();
    if (s.ok() && due->has_value() && **due <= clock_->Now()) {
      s = Tick();
    }
    if (!s.ok()) {
      spdlog::error("escalation scheduler: {}; trying again in {}", s.ToString(),
                    absl::FormatDuration(kRetryAfterError));
    }
    Arm(/*after_error=*/!s.ok());
  });
}

}  // namespace poc
