#include "server/sqlite_exercise_store.h"

#include <future>
#include <utility>

#include "common/crypto/sha256.h"
#include "common/status_macros.h"
#include "common/template/validation.h"
#include "common/util/duration_proto.h"
#include "common/util/time_format.h"
#include "server/message_rows.h"

namespace poc {
namespace {

constexpr char kExerciseSchema[] = R"sql(
-- Ping exercises (proto/poc/v1/exercises.proto): what the Secretariat scheduled, each run that
-- fired, and each target's acknowledgement. Deliveries of a run's ping are the relay store's
-- `deliveries` rows of its message (ping_id).
CREATE TABLE IF NOT EXISTS exercises(
  id TEXT PRIMARY KEY,
  spec BLOB NOT NULL,                       -- serialized poc.v1.Exercise
  next_run INTEGER NOT NULL,                -- the next occurrence to fire; 0: none left
  cancelled_at_ms INTEGER NOT NULL DEFAULT 0,
  cancel_reason TEXT NOT NULL DEFAULT '',
  audit_index INTEGER NOT NULL              -- the EXERCISE_CREATED leaf
);
CREATE TABLE IF NOT EXISTS exercise_runs(
  exercise_id TEXT NOT NULL,
  run INTEGER NOT NULL,
  ping_id TEXT NOT NULL UNIQUE,
  record BLOB NOT NULL,                     -- serialized poc.v1.ExerciseRun
  deadline_at_ms INTEGER NOT NULL,
  closed INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(exercise_id, run)
);
CREATE TABLE IF NOT EXISTS exercise_answers(
  ping_id TEXT NOT NULL,
  state TEXT NOT NULL,
  acknowledged_at_ms INTEGER,
  acknowledgement_id TEXT,
  automatic INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(ping_id, state)
);
)sql";

// Exercises with their runs, over either connection; `id` empty reads them all, oldest first.
absl::StatusOr<std::vector<v1::ExerciseRecord>> ReadRecords(SqliteDatabase& db,
                                                            const std::string& id) {
  ASSIGN_OR_RETURN(
      SqliteStatement st,
      db.Prepare(id.empty() ? "SELECT id, spec, next_run, cancelled_at_ms, cancel_reason, "
                              "audit_index FROM exercises ORDER BY audit_index"
                            : "SELECT id, spec, next_run, cancelled_at_ms, cancel_reason, "
                              "audit_index FROM exercises WHERE id = ?"));
  if (!id.empty()) {
    st.Bind(1, id);
  }
  ASSIGN_OR_RETURN(SqliteStatement runs,
                   db.Prepare("SELECT record FROM exercise_runs WHERE exercise_id = ? "
                              "ORDER BY run"));
  std::vector<v1::ExerciseRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      break;
    }
    v1::ExerciseRecord r;
    if (!r.mutable_exercise()->ParseFromString(st.ColumnBlob(1))) {
      return absl::DataLossError("exercise " + st.ColumnText(0) + " is damaged");
    }
    const auto next_run = static_cast<uint64_t>(st.ColumnInt(2));
    if (st.ColumnInt(3) != 0) {
      r.set_status(v1::EXERCISE_STATUS_CANCELLED);
      *r.mutable_cancelled_at() = ToProto(absl::FromUnixMillis(st.ColumnInt(3)));
      r.set_cancel_reason(st.ColumnText(4));
    } else if (next_run == 0) {
      r.set_status(v1::EXERCISE_STATUS_FINISHED);
    } else {
      r.set_status(v1::EXERCISE_STATUS_SCHEDULED);
      *r.mutable_next_run_at() = ToProto(ExerciseRunTime(r.exercise(), next_run));
    }
    r.set_audit_index(static_cast<uint64_t>(st.ColumnInt(5)));
    runs.Bind(1, r.exercise().id());
    while (true) {
      ASSIGN_OR_RETURN(bool more, runs.Step());
      if (!more) {
        break;
      }
      if (!r.add_runs()->ParseFromString(runs.ColumnBlob(0))) {
        return absl::DataLossError("a run of exercise " + r.exercise().id() + " is damaged");
      }
    }
    runs.Reset();
    out.push_back(std::move(r));
  }
  return out;
}

absl::StatusOr<v1::ExerciseRecord> ReadRecord(SqliteDatabase& db, const std::string& id) {
  ASSIGN_OR_RETURN(std::vector<v1::ExerciseRecord> found, ReadRecords(db, id));
  if (found.empty()) {
    return absl::NotFoundError("no exercise has id " + id + "; `pocctl exercise list` shows them");
  }
  return std::move(found.front());
}

absl::StatusOr<std::vector<TargetAnswer>> ReadAnswers(SqliteDatabase& db,
                                                      const std::string& ping_id) {
  ASSIGN_OR_RETURN(
      SqliteStatement st,
      db.Prepare("SELECT a.state, d.delivered_at_ms, d.refused_reason, a.acknowledged_at_ms, "
                 "a.acknowledgement_id, a.automatic FROM exercise_answers a LEFT JOIN deliveries "
                 "d ON d.message_id = a.ping_id AND d.state = a.state WHERE a.ping_id = ? "
                 "ORDER BY a.state"));
  st.Bind(1, ping_id);
  std::vector<TargetAnswer> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      break;
    }
    TargetAnswer a;
    a.state = st.ColumnText(0);
    if (!st.ColumnIsNull(1)) {
      a.delivered_at = absl::FromUnixMillis(st.ColumnInt(1));
    }
    if (!st.ColumnIsNull(2)) {
      a.refused_reason = st.ColumnText(2);
    }
    if (!st.ColumnIsNull(3)) {
      a.acknowledged_at = absl::FromUnixMillis(st.ColumnInt(3));
      a.acknowledgement_id = st.ColumnText(4);
      a.automatic = st.ColumnInt(5) != 0;
    }
    out.push_back(std::move(a));
  }
  return out;
}

v1::AuditEvent ExerciseAuditEvent(v1::AuditEventType type, const v1::Exercise& exercise,
                                  absl::Time relay_time) {
  v1::AuditEvent event;
  event.set_type(type);
  *event.mutable_relay_time() = ToProto(relay_time);
  event.set_sender(std::string(kSecretariatAddress));
  event.mutable_exercise()->set_exercise_id(exercise.id());
  event.mutable_exercise()->set_mode(exercise.mode());
  return event;
}

// Stores a run's ping as a message from "secretariat" queued for each target, as
// SqliteRelayStore::Submit stores a State's (same tables), so that sessions deliver it.
absl::Status InsertPing(SqliteDatabase& db, const ExercisePingEnvelope& ping, absl::Time now,
                        uint64_t audit_index) {
  RETURN_IF_ERROR(InsertMessage(
      db, {ping.id, ping.hash, kSecretariatAddress, ping.envelope, now, audit_index, {}}));
  RETURN_IF_ERROR(QueueMessage(db, ping.id, ping.recipients));
  ASSIGN_OR_RETURN(SqliteStatement answer,
                   db.Prepare("INSERT INTO exercise_answers(ping_id, state) VALUES(?, ?)"));
  for (const std::string& state : ping.recipients) {
    RETURN_IF_ERROR(answer.Bind(1, ping.id).Bind(2, state).Run());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteExerciseStore>> SqliteExerciseStore::Open(
    SqliteRelayStore* store) {
  std::promise<absl::Status> created;
  store->Write([](SqliteDatabase& db, AuditLeafWriter&) { return db.Exec(kExerciseSchema); },
               [&created](absl::Status s) { created.set_value(std::move(s)); });
  RETURN_IF_ERROR(created.get_future().get());
  return std::unique_ptr<SqliteExerciseStore>(new SqliteExerciseStore(store));
}

void SqliteExerciseStore::CreateExercise(
    v1::Exercise exercise, std::function<void(absl::StatusOr<v1::ExerciseRecord>)> done) {
  auto out = std::make_shared<v1::ExerciseRecord>();
  auto spec = std::make_shared<v1::Exercise>(std::move(exercise));
  store_->Write(
      [out, spec](SqliteDatabase& db, AuditLeafWriter& leaves) -> absl::Status {
        const std::string bytes = spec->SerializeAsString();
        const uint64_t index = leaves.size();
        ASSIGN_OR_RETURN(SqliteStatement find, db.Prepare("SELECT 1 FROM exercises WHERE id = ?"));
        find.Bind(1, spec->id());
        ASSIGN_OR_RETURN(bool exists, find.Step());
        if (exists) {
          return absl::AlreadyExistsError("exercise " + spec->id() + " exists already");
        }
        ASSIGN_OR_RETURN(SqliteStatement ins,
                         db.Prepare("INSERT INTO exercises(id, spec, next_run, audit_index) "
                                    "VALUES(?, ?, 1, ?)"));
        RETURN_IF_ERROR(
            ins.Bind(1, spec->id()).BindBlob(2, bytes).Bind(3, static_cast<int64_t>(index)).Run());
        v1::AuditEvent event = ExerciseAuditEvent(v1::AUDIT_EVENT_EXERCISE_CREATED, *spec,
                                                  FromProto(spec->created_at()));
        for (const std::string& t : spec->targets()) {
          event.add_addressed_to(t);
        }
        *event.mutable_exercise()->mutable_scheduled_at() = spec->first_run_at();
        event.mutable_exercise()->set_exercise_hash(Sha256(bytes));
        // The leaf goes last: once it is appended nothing else in this op can fail.
        RETURN_IF_ERROR(leaves.Append(event).status());
        *out->mutable_exercise() = *spec;
        out->set_status(v1::EXERCISE_STATUS_SCHEDULED);
        *out->mutable_next_run_at() = spec->first_run_at();
        out->set_audit_index(index);
        return absl::OkStatus();
      },
      SqliteRelayStore::DeliverResult(out, std::move(done)));
}

void SqliteExerciseStore::CancelExercise(
    std::string id, std::string reason, absl::Time now,
    std::function<void(absl::StatusOr<v1::ExerciseRecord>)> done) {
  auto out = std::make_shared<v1::ExerciseRecord>();
  store_->Write(
      [out, id, reason, now](SqliteDatabase& db, AuditLeafWriter& leaves) -> absl::Status {
        ASSIGN_OR_RETURN(v1::ExerciseRecord record, ReadRecord(db, id));
        if (record.status() == v1::EXERCISE_STATUS_CANCELLED) {
          return absl::FailedPreconditionError("exercise " + id + " was already cancelled at " +
                                               FormatUtc(FromProto(record.cancelled_at())));
        }
        if (record.status() == v1::EXERCISE_STATUS_FINISHED) {
          return absl::FailedPreconditionError("exercise " + id +
                                               " has no run left to cancel: its one run fired");
        }
        ASSIGN_OR_RETURN(SqliteStatement upd,
                         db.Prepare("UPDATE exercises SET cancelled_at_ms = ?, cancel_reason = ? "
                                    "WHERE id = ?"));
        RETURN_IF_ERROR(upd.Bind(1, absl::ToUnixMillis(now)).Bind(2, reason).Bind(3, id).Run());
        v1::AuditEvent event =
            ExerciseAuditEvent(v1::AUDIT_EVENT_EXERCISE_CANCELLED, record.exercise(), now);
        event.set_reason(reason);
        RETURN_IF_ERROR(leaves.Append(event).status());
        record.set_status(v1::EXERCISE_STATUS_CANCELLED);
        record.clear_next_run_at();
        *record.mutable_cancelled_at() = ToProto(now);
        record.set_cancel_reason(reason);
        *out = std::move(record);
        return absl::OkStatus();
      },
      SqliteRelayStore::DeliverResult(out, std::move(done)));
}

void SqliteExerciseStore::FireDueRuns(
    absl::Time now, bool at_start, ExercisePingMaker make_ping,
    std::function<void(absl::StatusOr<std::vector<FiredExerciseRun>>)> done) {
  auto out = std::make_shared<std::vector<FiredExerciseRun>>();
  store_->Write(
      [out, now, at_start, make_ping = std::move(make_ping)](
          SqliteDatabase& db, AuditLeafWriter& leaves) -> absl::Status {
        ASSIGN_OR_RETURN(SqliteStatement due,
                         db.Prepare("SELECT id, spec, next_run FROM exercises WHERE "
                                    "cancelled_at_ms = 0 AND next_run > 0 ORDER BY audit_index"));
        ASSIGN_OR_RETURN(SqliteStatement ins,
                         db.Prepare("INSERT INTO exercise_runs(exercise_id, run, ping_id, record, "
                                    "deadline_at_ms) VALUES(?, ?, ?, ?, ?)"));
        ASSIGN_OR_RETURN(SqliteStatement next,
                         db.Prepare("UPDATE exercises SET next_run = ? WHERE id = ?"));
        // Read them all first: the loop below updates the rows it would be reading.
        std::vector<std::pair<v1::Exercise, DueRun>> runs;
        while (true) {
          ASSIGN_OR_RETURN(bool row, due.Step());
          if (!row) {
            break;
          }
          v1::Exercise spec;
          if (!spec.ParseFromString(due.ColumnBlob(1))) {
            return absl::DataLossError("exercise " + due.ColumnText(0) + " is damaged");
          }
          if (std::optional<DueRun> run =
                  DueExerciseRun(spec, static_cast<uint64_t>(due.ColumnInt(2)), now)) {
            runs.emplace_back(std::move(spec), *run);
          }
        }
        std::vector<FiredExerciseRun> fired;
        std::vector<std::string> ping_hashes;  // of each fired run's ping
        for (auto& [spec, run_due] : runs) {
          const DueRun* run = &run_due;
          const absl::Time deadline_at = now + DurationFromProto(spec.deadline());
          ASSIGN_OR_RETURN(ExercisePingEnvelope ping, make_ping(spec, run->run, now, deadline_at));
          const uint64_t index = leaves.size() + fired.size();
          v1::ExerciseRun r;
          r.set_number(run->run);
          *r.mutable_scheduled_at() = ToProto(run->scheduled_at);
          *r.mutable_fired_at() = ToProto(now);
          r.set_late(ExerciseRunLate(run->scheduled_at, now, at_start));
          r.set_skipped(run->skipped);
          *r.mutable_deadline_at() = ToProto(deadline_at);
          r.set_ping_id(ping.id);
          for (const std::string& state : ping.recipients) {
            r.add_targets(state);
          }
          r.set_audit_index(index);
          RETURN_IF_ERROR(InsertPing(db, ping, now, index));
          RETURN_IF_ERROR(ins.Bind(1, spec.id())
                              .Bind(2, static_cast<int64_t>(run->run))
                              .Bind(3, ping.id)
                              .BindBlob(4, r.SerializeAsString())
                              .Bind(5, absl::ToUnixMillis(deadline_at))
                              .Run());
          RETURN_IF_ERROR(next.Bind(1, static_cast<int64_t>(NextExerciseRun(spec, run->run)))
                              .Bind(2, spec.id())
                              .Run());
          fired.push_back(FiredExerciseRun{std::move(spec), std::move(r)});
          ping_hashes.push_back(ping.hash);
        }
        // The leaves go last, in the order their indexes were given out.
        for (size_t i = 0; i < fired.size(); ++i) {
          const FiredExerciseRun& f = fired[i];
          v1::AuditEvent event =
              ExerciseAuditEvent(v1::AUDIT_EVENT_EXERCISE_RUN_FIRED, f.exercise, now);
          event.set_message_id(f.run.ping_id());
          event.set_message_hash(ping_hashes[i]);
          for (const std::string& state : f.run.targets()) {
            event.add_recipients(state);
          }
          for (const std::string& t : f.exercise.targets()) {
            event.add_addressed_to(t);
          }
          v1::ExerciseEvent* e = event.mutable_exercise();
          e->set_run(f.run.number());
          *e->mutable_scheduled_at() = f.run.scheduled_at();
          *e->mutable_deadline_at() = f.run.deadline_at();
          e->set_late(f.run.late());
          e->set_skipped(f.run.skipped());
          RETURN_IF_ERROR(leaves.Append(event).status());
        }
        *out = std::move(fired);
        return absl::OkStatus();
      },
      SqliteRelayStore::DeliverResult(out, std::move(done)));
}

void SqliteExerciseStore::CloseDueRuns(
    absl::Time now, std::function<void(absl::StatusOr<std::vector<ClosedExerciseRun>>)> done) {
  auto out = std::make_shared<std::vector<ClosedExerciseRun>>();
  store_->Write(
      [out, now](SqliteDatabase& db, AuditLeafWriter& leaves) -> absl::Status {
        ASSIGN_OR_RETURN(
            SqliteStatement due,
            db.Prepare("SELECT r.exercise_id, r.run, r.record, e.spec FROM exercise_runs r JOIN "
                       "exercises e ON e.id = r.exercise_id WHERE r.closed = 0 AND "
                       "r.deadline_at_ms <= ? ORDER BY r.deadline_at_ms, r.exercise_id"));
        due.Bind(1, absl::ToUnixMillis(now));
        ASSIGN_OR_RETURN(SqliteStatement upd,
                         db.Prepare("UPDATE exercise_runs SET closed = 1, record = ? WHERE "
                                    "exercise_id = ? AND run = ?"));
        // Read them all first: the loop below updates the rows it would be reading.
        std::vector<std::pair<v1::ExerciseRun, v1::Exercise>> runs;
        while (true) {
          ASSIGN_OR_RETURN(bool row, due.Step());
          if (!row) {
            break;
          }
          v1::ExerciseRun run;
          v1::Exercise spec;
          if (!run.ParseFromString(due.ColumnBlob(2)) || !spec.ParseFromString(due.ColumnBlob(3))) {
            return absl::DataLossError("run " + std::to_string(due.ColumnInt(1)) + " of exercise " +
                                       due.ColumnText(0) + " is damaged");
          }
          runs.emplace_back(std::move(run), std::move(spec));
        }
        std::vector<v1::AuditEvent> events;
        for (auto& [run, spec] : runs) {
          ASSIGN_OR_RETURN(std::vector<TargetAnswer> answers, ReadAnswers(db, run.ping_id()));
          // The outcomes as they stood at the deadline, however late the relay closes the run.
          const v1::ExerciseRunReport report = BuildExerciseRunReport(
              run, spec.mode(), answers, nullptr, FromProto(run.deadline_at()));
          *run.mutable_closed_at() = ToProto(now);
          RETURN_IF_ERROR(upd.BindBlob(1, run.SerializeAsString())
                              .Bind(2, spec.id())
                              .Bind(3, static_cast<int64_t>(run.number()))
                              .Run());
          v1::AuditEvent event = ExerciseAuditEvent(v1::AUDIT_EVENT_EXERCISE_RUN_CLOSED, spec, now);
          event.set_message_id(run.ping_id());
          v1::ExerciseEvent* e = event.mutable_exercise();
          e->set_run(run.number());
          *e->mutable_deadline_at() = run.deadline_at();
          *e->mutable_tally() = report.total();
          events.push_back(std::move(event));
          v1::ExerciseRunSummary summary;
          summary.set_run(run.number());
          *summary.mutable_fired_at() = run.fired_at();
          summary.set_late(run.late());
          summary.set_closed(true);
          *summary.mutable_total() = report.total();
          out->push_back(ClosedExerciseRun{spec, std::move(summary)});
        }
        for (const v1::AuditEvent& event : events) {
          RETURN_IF_ERROR(leaves.Append(event).status());
        }
        return absl::OkStatus();
      },
      SqliteRelayStore::DeliverResult(out, std::move(done)));
}

void SqliteExerciseStore::RecordExerciseAcknowledgement(
    NewMessage ack, bool automatic, ReceiptMaker make_receipt,
    std::function<void(absl::StatusOr<SubmitOutcome>)> done) {
  auto out = std::make_shared<SubmitOutcome>();
  auto msg = std::make_shared<NewMessage>(std::move(ack));
  store_->Write(
      [out, msg, automatic, make_receipt = std::move(make_receipt)](
          SqliteDatabase& db, AuditLeafWriter& leaves) -> absl::Status {
        // Idempotent by message id, as SqliteRelayStore::Submit.
        ASSIGN_OR_RETURN(const bool resubmitted, FindResubmission(db, *msg, out.get()));
        if (resubmitted) {
          return absl::OkStatus();
        }
        ASSIGN_OR_RETURN(
            SqliteStatement target,
            db.Prepare("SELECT a.acknowledged_at_ms, a.acknowledgement_id, r.exercise_id, r.run "
                       "FROM exercise_answers a JOIN exercise_runs r ON r.ping_id = a.ping_id "
                       "WHERE a.ping_id = ? AND a.state = ?"));
        target.Bind(1, msg->in_reply_to).Bind(2, msg->sender);
        ASSIGN_OR_RETURN(bool found, target.Step());
        if (!found) {
          return absl::InvalidArgumentError(
              "in_reply_to: " + msg->in_reply_to + " is not an exercise ping the relay sent to " +
              msg->sender + "; only exercise pings are acknowledged to the " +
              std::string(kSecretariatAddress));
        }
        if (!target.ColumnIsNull(0)) {
          return absl::FailedPreconditionError(
              msg->sender + " already acknowledged exercise ping " + msg->in_reply_to + " at " +
              FormatUtc(absl::FromUnixMillis(target.ColumnInt(0))) + " (acknowledgement " +
              target.ColumnText(1) + ")");
        }
        const std::string exercise_id = target.ColumnText(2);
        const auto run = static_cast<uint64_t>(target.ColumnInt(3));
        const uint64_t index = leaves.size();
        out->receipt = make_receipt(index);
        RETURN_IF_ERROR(InsertMessage(db, {msg->id, msg->hash, msg->sender, msg->envelope,
                                           msg->relay_time, index, out->receipt}));
        ASSIGN_OR_RETURN(SqliteStatement upd,
                         db.Prepare("UPDATE exercise_answers SET acknowledged_at_ms = ?, "
                                    "acknowledgement_id = ?, automatic = ? WHERE ping_id = ? AND "
                                    "state = ?"));
        RETURN_IF_ERROR(upd.Bind(1, absl::ToUnixMillis(msg->relay_time))
                            .Bind(2, msg->id)
                            .Bind(3, automatic ? 1 : 0)
                            .Bind(4, msg->in_reply_to)
                            .Bind(5, msg->sender)
                            .Run());
        v1::AuditEvent event;
        event.set_type(v1::AUDIT_EVENT_ACKNOWLEDGED);
        *event.mutable_relay_time() = ToProto(msg->relay_time);
        event.set_message_id(msg->id);
        event.set_message_hash(msg->hash);
        event.set_sender(msg->sender);
        event.set_in_reply_to(msg->in_reply_to);
        event.add_addressed_to(std::string(kSecretariatAddress));
        event.mutable_exercise()->set_exercise_id(exercise_id);
        event.mutable_exercise()->set_run(run);
        event.mutable_exercise()->set_automatic(automatic);
        // The leaf goes last.
        RETURN_IF_ERROR(leaves.Append(event).status());
        return absl::OkStatus();
      },
      SqliteRelayStore::DeliverResult(out, std::move(done)));
}

absl::StatusOr<std::vector<v1::ExerciseRecord>> SqliteExerciseStore::ExerciseRecords() {
  std::vector<v1::ExerciseRecord> out;
  RETURN_IF_ERROR(store_->Read([&out](SqliteDatabase& db) -> absl::Status {
    ASSIGN_OR_RETURN(out, ReadRecords(db, ""));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<TargetAnswer>> SqliteExerciseStore::RunAnswers(
    const std::string& ping_id) {
  std::vector<TargetAnswer> out;
  RETURN_IF_ERROR(store_->Read([&out, &ping_id](SqliteDatabase& db) -> absl::Status {
    ASSIGN_OR_RETURN(out, ReadAnswers(db, ping_id));
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace poc
