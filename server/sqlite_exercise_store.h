// ExerciseStore in the relay's SQLite file, committed through SqliteRelayStore's group commit so
// that an exercise's rows, the ping's message and queue rows and their audit leaves commit
// together. Pings are stored as messages from "secretariat" in the relay store's own tables, so
// the Session streams deliver them and RecordDelivery logs their receipts like any message's.
#ifndef POC_SERVER_SQLITE_EXERCISE_STORE_H_
#define POC_SERVER_SQLITE_EXERCISE_STORE_H_

#include <memory>

#include "server/exercise_store.h"
#include "server/sqlite_relay_store.h"

namespace poc {

// Thread-safe (every call goes through the relay store's writer or its locked reader).
class SqliteExerciseStore final : public ExerciseStore {
 public:
  // Creates the exercise tables in `*store`'s file when missing. `*store` must outlive the
  // returned object and be open (not shut down) while it is used.
  static absl::StatusOr<std::unique_ptr<SqliteExerciseStore>> Open(SqliteRelayStore* store);

  void CreateExercise(v1::Exercise exercise,
                      std::function<void(absl::StatusOr<v1::ExerciseRecord>)> done) override;
  void CancelExercise(std::string id, std::string reason, absl::Time now,
                      std::function<void(absl::StatusOr<v1::ExerciseRecord>)> done) override;
  void FireDueRuns(
      absl::Time now, bool at_start, ExercisePingMaker make_ping,
      std::function<void(absl::StatusOr<std::vector<FiredExerciseRun>>)> done) override;
  void CloseDueRuns(
      absl::Time now,
      std::function<void(absl::StatusOr<std::vector<ClosedExerciseRun>>)> done) override;
  void RecordExerciseAcknowledgement(
      NewMessage ack, bool automatic, ReceiptMaker make_receipt,
      std::function<void(absl::StatusOr<SubmitOutcome>)> done) override;
  absl::StatusOr<std::vector<v1::ExerciseRecord>> ExerciseRecords() override;
  absl::StatusOr<std::vector<TargetAnswer>> RunAnswers(const std::string& ping_id) override;

 private:
  explicit SqliteExerciseStore(SqliteRelayStore* store) : store_(store) {}

  SqliteRelayStore* const store_;
};

}  // namespace poc

#endif  // POC_SERVER_SQLITE_EXERCISE_STORE_H_
