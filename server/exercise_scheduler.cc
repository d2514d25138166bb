#include "server/exercise_scheduler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>

#include "common/exercises/exercise_words.h"
#include "common/util/time_format.h"
#include "server/exercise_ping.h"

namespace poc {
ExerciseScheduler::ExerciseScheduler(ExerciseStore* store, const DirectoryHolder* directory,
                                     const RelaySigner* signer, const Clock* clock,
                                     FiredCallback on_fired)
    : store_(store),
      directory_(directory),
      signer_(signer),
      clock_(clock),
      on_fired_(std::move(on_fired)),
      timer_(
          clock, "exercise scheduler", [this] { return NextDue(); }, [this] { return Tick(); }) {}

ExerciseScheduler::~ExerciseScheduler() { Stop(); }

absl::Status ExerciseScheduler::CatchUp() { return RunDue(/*at_start=*/true); }

absl::Status ExerciseScheduler::Tick() { return RunDue(/*at_start=*/false); }

absl::Status ExerciseScheduler::RunDue(bool at_start) {
  const absl::Time now = clock_->Now();
  // Pings are made with the directory in force when they fire; the maker runs in the commit.
  std::shared_ptr<const PublishedDirectory> directory = directory_->Get();
  const RelaySigner* signer = signer_;
  ExercisePingMaker make_ping = [directory, signer](const v1::Exercise& exercise, uint64_t run,
                                                    absl::Time fired_at, absl::Time deadline_at) {
    return MakeExercisePing(exercise, run, fired_at, deadline_at, directory->view, signer->key());
  };
  std::promise<absl::StatusOr<std::vector<FiredExerciseRun>>> fired_promise;
  store_->FireDueRuns(now, at_start, std::move(make_ping),
                      [&fired_promise](absl::StatusOr<std::vector<FiredExerciseRun>> r) {
                        fired_promise.set_value(std::move(r));
                      });
  absl::StatusOr<std::vector<FiredExerciseRun>> fired = fired_promise.get_future().get();
  if (!fired.ok()) {
    return fired.status();
  }
  for (const FiredExerciseRun& f : *fired) {
    const v1::ExerciseRun& r = f.run;
    spdlog::info(
        "exercise {} (\"{}\"): run {} fired{}{}: ping {} to {} State(s), {} mode, deadline {}",
        f.exercise.id(), f.exercise.name(), r.number(),
        r.late() ? " late (due at " + FormatUtc(FromProto(r.scheduled_at())) + ")" : "",
        r.skipped() > 0 ? ", " + std::to_string(r.skipped()) + " missed run(s) skipped" : "",
        r.ping_id(), r.targets_size(), ExerciseModeWord(f.exercise.mode()),
        FormatUtc(FromProto(r.deadline_at())));
    if (on_fired_) {
      on_fired_(std::vector<std::string>(r.targets().begin(), r.targets().end()));
    }
  }
  std::promise<absl::StatusOr<std::vector<ClosedExerciseRun>>> closed_promise;
  store_->CloseDueRuns(now, [&closed_promise](absl::StatusOr<std::vector<ClosedExerciseRun>> r) {
    closed_promise.set_value(std::move(r));
  });
  absl::StatusOr<std::vector<ClosedExerciseRun>> closed = closed_promise.get_future().get();
  if (!closed.ok()) {
    return closed.status();
  }
  for (const ClosedExerciseRun& c : *closed) {
    const v1::ExerciseTally& t = c.summary.total();
    spdlog::info(
        "exercise {} (\"{}\"): run {} closed at its deadline: {} target(s), {} responded, {} no "
        "response, {} unreachable (response rate {:.1f}%)",
        c.exercise.id(), c.exercise.name(), c.summary.run(), t.targets(), t.responded(),
        t.no_response(), t.unreachable(), 100.0 * t.response_rate());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<absl::Time>> ExerciseScheduler::NextDue() {
  absl::StatusOr<std::vector<v1::ExerciseRecord>> records = store_->ExerciseRecords();
  if (!records.ok()) {
    return records.status();
  }
  std::optional<absl::Time> next;
  auto consider = [&next](absl::Time t) { next = next ? std::min(*next, t) : t; };
  for (const v1::ExerciseRecord& r : *records) {
    if (r.status() == v1::EXERCISE_STATUS_SCHEDULED) {
      consider(FromProto(r.next_run_at()));
    }
    for (const v1::ExerciseRun& run : r.runs()) {
      if (!IsSet(run.closed_at())) {
        consider(FromProto(run.deadline_at()));
      }
    }
  }
  return next;
}

void ExerciseScheduler::Start() { timer_.Start(); }

void ExerciseScheduler::Wake() { timer_.Wake(); }

void ExerciseScheduler::Stop() { timer_.Stop(); }

}  // namespace poc
