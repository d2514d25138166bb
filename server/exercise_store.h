// The durable side of ping exercises, behind one small interface like RelayStore
// (server/relay_store.h), whose contract it shares: each mutating call runs `done` exactly once,
// on a store thread, after the change and its audit leaves are durable, or with the error that
// prevented it, in which case nothing of the change is stored. Callers must not block in `done`.
// The SQLite implementation is server/sqlite_exercise_store.h.
#ifndef POC_SERVER_EXERCISE_STORE_H_
#define POC_SERVER_EXERCISE_STORE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "poc/v1/exercises.pb.h"
#include "server/exercise_rules.h"
#include "server/relay_store.h"

namespace poc {

// A run's ping, signed by the relay, ready to queue.
struct ExercisePingEnvelope {
  std::string id;                       // the message id
  std::string hash;                     // SHA-256 of the message bytes
  std::string envelope;                 // the serialized poc.v1.Envelope
  std::vector<std::string> recipients;  // the States pinged
};

// Makes run `run` of `exercise`, fired at `fired_at`, due by `deadline_at`. Runs inside the
// store's commit (on the writer thread), so it must be quick and must not call the store.
using ExercisePingMaker = std::function<absl::StatusOr<ExercisePingEnvelope>(
    const v1::Exercise& exercise, uint64_t run, absl::Time fired_at, absl::Time deadline_at)>;

struct FiredExerciseRun {
  v1::Exercise exercise;
  v1::ExerciseRun run;
};

struct ClosedExerciseRun {
  v1::Exercise exercise;
  v1::ExerciseRunSummary summary;  // the outcomes as at the deadline
};

class ExerciseStore {
 public:
  virtual ~ExerciseStore() = default;

  // Stores `exercise` (id and times set by the caller, checked by CheckExerciseRequest) and logs
  // EXERCISE_CREATED. ALREADY_EXISTS for a known id.
  virtual void CreateExercise(v1::Exercise exercise,
                              std::function<void(absl::StatusOr<v1::ExerciseRecord>)> done) = 0;

  // Cancels exercise `id` at `now` and logs EXERCISE_CANCELLED: no further run fires. NOT_FOUND
  // for an unknown id; FAILED_PRECONDITION when it is cancelled already or has no run left.
  virtual void CancelExercise(std::string id, std::string reason, absl::Time now,
                              std::function<void(absl::StatusOr<v1::ExerciseRecord>)> done) = 0;

  // Fires each exercise's due run (DueExerciseRun) at `now`, once: stores the ping `make_ping`
  // makes as a message queued for each target and logs EXERCISE_RUN_FIRED, all in one commit
  // with the exercise's next occurrence, so that a run never fires twice. `at_start`: the
  // relay's start-up catch-up (runs fired then are late). done gets the runs fired.
  virtual void FireDueRuns(
      absl::Time now, bool at_start, ExercisePingMaker make_ping,
      std::function<void(absl::StatusOr<std::vector<FiredExerciseRun>>)> done) = 0;

  // Closes each fired run whose deadline is at or before `now`: logs EXERCISE_RUN_CLOSED with
  // the outcomes as at the deadline. done gets the runs closed, with those counts.
  virtual void CloseDueRuns(
      absl::Time now, std::function<void(absl::StatusOr<std::vector<ClosedExerciseRun>>)> done) = 0;

  // A State's acknowledgement of a ping (`ack.in_reply_to`, addressed to "secretariat"), checked
  // like any submission: stored (idempotent by id, as RelayStore::Submit), logged ACKNOWLEDGED
  // with the exercise and run, and recorded as that State's answer. INVALID_ARGUMENT when the
  // ping is not one the relay sent to the sender (a final refusal: the node will not retry);
  // FAILED_PRECONDITION when the sender already acknowledged it with another message.
  virtual void RecordExerciseAcknowledgement(
      NewMessage ack, bool automatic, ReceiptMaker make_receipt,
      std::function<void(absl::StatusOr<SubmitOutcome>)> done) = 0;

  // Reads of committed data; thread-safe.
  // Every exercise with its runs, oldest first.
  virtual absl::StatusOr<std::vector<v1::ExerciseRecord>> ExerciseRecords() = 0;
  // What each target of the run whose ping is `ping_id` answered so far.
  virtual absl::StatusOr<std::vector<TargetAnswer>> RunAnswers(const std::string& ping_id) = 0;
};

}  // namespace poc

#endif  // POC_SERVER_EXERCISE_STORE_H_
