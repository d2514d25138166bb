// The durable side of escalation and drills (proto/poc/v1/escalation.proto), in the relay's
// SQLite file and committed through SqliteRelayStore's group commit, with the contract of
// server/exercise_store.h: each mutating call runs `done` exactly once, on a store thread, after
// the change and its audit leaves are durable, or with the error that prevented it (nothing of
// the change is then stored). Callers must not block in `done`.
//
// Escalation does not sit on the Submit path: each Tick first reads the messages the relay stored
// since the last one (a watermark on the messages table), adding one escalation row per recipient
// of each message that awaits acknowledgement and marking rows answered by an acknowledgement or
// response, then fires what is due. So an acknowledgement stored before a step's time always
// cancels it, and a restart loses nothing. Notices and drill messages are stored as messages from
// "secretariat" in the relay store's tables (as exercise pings are), so sessions deliver them.
// One concrete class: the schedule lives beside the messages it reads, so a second backend would
// reimplement both together.
#ifndef POC_SERVER_ESCALATION_STORE_H_
#define POC_SERVER_ESCALATION_STORE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/crypto/ed25519.h"
#include "common/directory/directory_view.h"
#include "poc/v1/escalation.pb.h"
#include "server/escalation_policy.h"
#include "server/sqlite_relay_store.h"

namespace poc {

// What a Tick needs besides the store: the policy, the directory in force (contacts, group
// expansion) and the relay's key, which signs notices and drill messages.
struct EscalationContext {
  const EscalationPolicy* policy = nullptr;
  std::shared_ptr<const DirectoryView> directory;
  const Ed25519PrivateKey* relay_key = nullptr;
};

// What one Tick did, for logs and to wake the sessions of `states`.
struct EscalationTickResult {
  std::vector<v1::EscalationEvent> fired;
  std::vector<v1::DrillStepStatus> steps_fired;
  std::vector<std::string> states;  // whose queues gained a notice or drill message
};

// Thread-safe. `*store` must outlive this object and be open while it is used.
class EscalationStore {
 public:
  // Creates the tables when missing; a new schedule starts after the messages stored so far (no
  // burst of reminders for old messages when a relay is upgraded).
  static absl::StatusOr<std::unique_ptr<EscalationStore>> Open(SqliteRelayStore* store);

  // Reads new messages, fires due drill steps, then due reminders and escalations at `now`.
  // `at_start`: the relay's start-up catch-up (what fires then is late).
  void Tick(absl::Time now, bool at_start, EscalationContext context,
            std::function<void(absl::StatusOr<EscalationTickResult>)> done);

  // Stores a checked drill (server/drill_rules.h) with each step's due time and logs
  // DRILL_STARTED.
  void StartDrill(v1::Drill drill, std::vector<absl::Time> due,
                  std::function<void(absl::StatusOr<v1::StartDrillResponse>)> done);

  // A State's acknowledgement of a drill message (an ACKNOWLEDGEMENT to "secretariat"), stored
  // (idempotent by id), logged ACKNOWLEDGED with the drill, and cancelling that State's
  // escalation. INVALID_ARGUMENT when the message is not a drill message the relay sent to the
  // sender; FAILED_PRECONDITION when the sender acknowledged it already.
  void RecordDrillAcknowledgement(NewMessage ack, ReceiptMaker make_receipt,
                                  std::function<void(absl::StatusOr<SubmitOutcome>)> done);

  // Reads of committed data.
  absl::StatusOr<bool> IsDrillMessage(const std::string& message_id);
  // When the next step, drill step, or (for messages not read yet) earliest reminder is due.
  absl::StatusOr<std::optional<absl::Time>> NextDue(absl::Duration shortest_remind);
  absl::StatusOr<std::vector<v1::Drill>> Drills();
  // NOT_FOUND for an unknown id.
  absl::StatusOr<v1::GetDrillReportResponse> DrillReport(const std::string& drill_id,
                                                         absl::Time now);
  // Every escalation row's fired steps for `message_id` (tests, diagnostics).
  absl::StatusOr<std::vector<v1::DrillTargetResult>> MessageEscalations(
      const std::string& message_id, absl::Time now);

 private:
  explicit EscalationStore(SqliteRelayStore* store) : store_(store) {}
  SqliteRelayStore* const store_;
};

}  // namespace poc

#endif  // POC_SERVER_ESCALATION_STORE_H_
