#include "server/escalation_scheduler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>

#include "common/util/time_format.h"
#include "server/escalation_messages.h"

namespace poc {
EscalationScheduler::EscalationScheduler(EscalationStore* store, const DirectoryHolder* directory,
                                         const RelaySigner* signer, const Clock* clock,
                                         EscalationPolicy policy, QueuedCallback on_queued)
    : store_(store),
      directory_(directory),
      signer_(signer),
      clock_(clock),
      policy_(std::move(policy)),
      on_queued_(std::move(on_queued)),
      // New messages are found by looking again within the shortest reminder time.
      timer_(
          clock, "escalation scheduler", [this] { return NextDue(); }, [this] { return Tick(); },
          std::min(absl::Minutes(1), policy_.ShortestRemind())) {}

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

void EscalationScheduler::Start() { timer_.Start(); }

void EscalationScheduler::Wake() { timer_.Wake(); }

void EscalationScheduler::Stop() { timer_.Stop(); }

}  // namespace poc
