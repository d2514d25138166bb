#include "server/escalation_store.h"

#include <algorithm>
#include <future>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "common/crypto/sha256.h"
#include "common/status_macros.h"
#include "common/template/validation.h"
#include "common/util/duration_proto.h"
#include "common/util/time_format.h"
#include "server/drill_rules.h"
#include "server/escalation_messages.h"
#include "server/exercise_rules.h"
#include "server/message_rows.h"

namespace poc {
namespace {

constexpr char kSchema[] = R"sql(
-- Escalation (proto/poc/v1/escalation.proto): one row per message awaiting acknowledgement and
-- recipient State; next_step is the step still to fire (1 reminder, 2 diplomatic, 3 secretariat,
-- 4 none left). escalation_scan is how far the relay has read the messages table.
CREATE TABLE IF NOT EXISTS escalation_scan(
  one INTEGER PRIMARY KEY CHECK (one = 1),
  last_rowid INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS escalations(
  message_id TEXT NOT NULL,
  state TEXT NOT NULL,
  sender TEXT NOT NULL,
  urgency INTEGER NOT NULL,
  subject TEXT NOT NULL,
  drill INTEGER NOT NULL,
  drill_id TEXT NOT NULL DEFAULT '',
  drill_step INTEGER NOT NULL DEFAULT 0,
  received_at_ms INTEGER NOT NULL,
  remind_at_ms INTEGER NOT NULL,
  escalate_at_ms INTEGER NOT NULL,
  secretariat_at_ms INTEGER NOT NULL,
  deadline_at_ms INTEGER NOT NULL,          -- drills: sent + acknowledge_within
  next_step INTEGER NOT NULL DEFAULT 1,
  acknowledged_at_ms INTEGER,
  acknowledgement_id TEXT,
  reminded_at_ms INTEGER,
  escalated_at_ms INTEGER,
  escalated_to TEXT,
  secretariat_fired_at_ms INTEGER,
  PRIMARY KEY(message_id, state)
);
CREATE INDEX IF NOT EXISTS escalations_open ON escalations(next_step) WHERE acknowledged_at_ms IS NULL;
CREATE TABLE IF NOT EXISTS drills(
  id TEXT PRIMARY KEY,
  spec BLOB NOT NULL,                       -- serialized poc.v1.Drill
  audit_index INTEGER NOT NULL              -- the DRILL_STARTED leaf
);
CREATE TABLE IF NOT EXISTS drill_steps(
  drill_id TEXT NOT NULL,
  step INTEGER NOT NULL,                    -- 1-based
  due_at_ms INTEGER NOT NULL,
  fired_at_ms INTEGER,
  message_id TEXT,
  status BLOB,                              -- serialized poc.v1.DrillStepStatus once fired
  PRIMARY KEY(drill_id, step)
);
INSERT OR IGNORE INTO escalation_scan(one, last_rowid)
  VALUES(1, (SELECT COALESCE(MAX(rowid), 0) FROM messages));
)sql";

// Stores a relay-signed message queued for `recipients`, as SqliteRelayStore::Submit stores a
// State's (same tables), so that sessions deliver it.
absl::Status InsertRelayMessage(SqliteDatabase& db, const RelayMessage& m,
                                const std::vector<std::string>& recipients, absl::Time now,
                                uint64_t audit_index) {
  RETURN_IF_ERROR(InsertMessage(
      db, {m.message.id(), m.hash, kSecretariatAddress, m.envelope, now, audit_index, {}}));
  return QueueMessage(db, m.message.id(), recipients);
}

struct NewEscalation {
  std::string message_id;
  std::string state;
  std::string sender;
  v1::Urgency urgency = v1::URGENCY_UNSPECIFIED;
  std::string subject;
  bool drill = false;
  std::string drill_id;
  uint32_t drill_step = 0;
  absl::Time received_at;
  absl::Time deadline_at;
};

absl::Status InsertEscalation(SqliteDatabase& db, const NewEscalation& e,
                              const EscalationTimes& times) {
  ASSIGN_OR_RETURN(
      SqliteStatement ins,
      db.Prepare("INSERT OR IGNORE INTO escalations(message_id, state, sender, urgency, subject, "
                 "drill, drill_id, drill_step, received_at_ms, remind_at_ms, escalate_at_ms, "
                 "secretariat_at_ms, deadline_at_ms) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  return ins.Bind(1, e.message_id)
      .Bind(2, e.state)
      .Bind(3, e.sender)
      .Bind(4, static_cast<int64_t>(e.urgency))
      .Bind(5, e.subject)
      .Bind(6, e.drill ? 1 : 0)
      .Bind(7, e.drill_id)
      .Bind(8, static_cast<int64_t>(e.drill_step))
      .Bind(9, absl::ToUnixMillis(e.received_at))
      .Bind(10, absl::ToUnixMillis(e.received_at + times.remind_after))
      .Bind(11, absl::ToUnixMillis(e.received_at + times.escalate_after))
      .Bind(12, absl::ToUnixMillis(e.received_at + times.secretariat_after))
      .Bind(13, absl::ToUnixMillis(e.deadline_at))
      .Run();
}

absl::Status MarkAnswered(SqliteDatabase& db, const std::string& message_id,
                          const std::string& state, const std::string& answer_id, absl::Time at) {
  ASSIGN_OR_RETURN(SqliteStatement upd,
                   db.Prepare("UPDATE escalations SET acknowledged_at_ms = ?, "
                              "acknowledgement_id = ? WHERE message_id = ? AND state = ? AND "
                              "acknowledged_at_ms IS NULL"));
  return upd.Bind(1, absl::ToUnixMillis(at))
      .Bind(2, answer_id)
      .Bind(3, message_id)
      .Bind(4, state)
      .Run();
}

// Reads the messages stored since the last scan: new escalation rows, answered rows.
absl::Status Scan(SqliteDatabase& db, const EscalationPolicy& policy) {
  ASSIGN_OR_RETURN(SqliteStatement mark, db.Prepare("SELECT last_rowid FROM escalation_scan"));
  ASSIGN_OR_RETURN(bool has_mark, mark.Step());
  const int64_t from = has_mark ? mark.ColumnInt(0) : 0;
  ASSIGN_OR_RETURN(SqliteStatement read,
                   db.Prepare("SELECT rowid, id, sender, envelope, received_at_ms FROM messages "
                              "WHERE rowid > ? ORDER BY rowid"));
  read.Bind(1, from);
  ASSIGN_OR_RETURN(SqliteStatement recipients,
                   db.Prepare("SELECT state FROM deliveries WHERE message_id = ? ORDER BY state"));
  int64_t last = from;
  while (true) {
    ASSIGN_OR_RETURN(bool row, read.Step());
    if (!row) {
      break;
    }
    last = read.ColumnInt(0);
    if (read.ColumnText(2) == kSecretariatAddress) {
      continue;  // the relay's own messages: drill rows are made when the step fires
    }
    v1::Envelope envelope;
    v1::Message m;
    if (!envelope.ParseFromString(read.ColumnBlob(3)) || !m.ParseFromString(envelope.message())) {
      continue;  // stored only after verification; nothing to escalate on if unreadable
    }
    const absl::Time received = absl::FromUnixMillis(read.ColumnInt(4));
    if ((m.kind() == v1::MESSAGE_TYPE_ACKNOWLEDGEMENT || m.kind() == v1::MESSAGE_TYPE_RESPONSE) &&
        !m.in_reply_to().empty()) {
      RETURN_IF_ERROR(MarkAnswered(db, m.in_reply_to(), m.sender(), m.id(), received));
      continue;
    }
    if (!policy.enabled || !AwaitsAcknowledgement(m.kind())) {
      continue;
    }
    const EscalationTimes& times = policy.For(m.template_().urgency());
    recipients.Bind(1, m.id());
    while (true) {
      ASSIGN_OR_RETURN(bool more, recipients.Step());
      if (!more) {
        break;
      }
      NewEscalation e;
      e.message_id = m.id();
      e.state = recipients.ColumnText(0);
      e.sender = m.sender();
      e.urgency = m.template_().urgency();
      e.subject = m.template_().subject();
      e.drill = m.drill();
      e.received_at = received;
      e.deadline_at = received + times.escalate_after;
      RETURN_IF_ERROR(InsertEscalation(db, e, times));
    }
    recipients.Reset();
  }
  if (last != from) {
    ASSIGN_OR_RETURN(SqliteStatement upd, db.Prepare("UPDATE escalation_scan SET last_rowid = ?"));
    RETURN_IF_ERROR(upd.Bind(1, last).Run());
  }
  return absl::OkStatus();
}

v1::AuditEvent Leaf(v1::AuditEventType type, absl::Time now) {
  v1::AuditEvent event;
  event.set_type(type);
  *event.mutable_relay_time() = ToProto(now);
  event.set_sender(std::string(kSecretariatAddress));
  return event;
}

bool Late(absl::Time due, absl::Time now, bool at_start) {
  return now > due && (at_start || now - due > kExerciseLateTolerance);
}

// The drill target rows, by step then State; `drill_id` empty with `message_id` set: one
// message's rows.
absl::StatusOr<std::vector<v1::DrillTargetResult>> ReadTargets(SqliteDatabase& db,
                                                               const std::string& drill_id,
                                                               const std::string& message_id,
                                                               absl::Time now) {
  ASSIGN_OR_RETURN(
      SqliteStatement st,
      db.Prepare(std::string("SELECT e.drill_step, e.state, e.message_id, e.received_at_ms, "
                             "d.delivered_at_ms, e.reminded_at_ms, e.escalated_at_ms, "
                             "e.escalated_to, e.secretariat_fired_at_ms, e.acknowledged_at_ms, "
                             "e.deadline_at_ms FROM escalations e LEFT JOIN deliveries d ON "
                             "d.message_id = e.message_id AND d.state = e.state WHERE ") +
                 (drill_id.empty() ? "e.message_id = ?" : "e.drill_id = ?") +
                 " ORDER BY e.drill_step, e.state"));
  st.Bind(1, drill_id.empty() ? message_id : drill_id);
  std::vector<v1::DrillTargetResult> out;
  // Sets the field only for a non-NULL column: mutable_*() alone would mark it present.
  auto time = [&st](int col, v1::DrillTargetResult* r,
                    google::protobuf::Timestamp* (v1::DrillTargetResult::*field)()) {
    if (!st.ColumnIsNull(col)) {
      *(r->*field)() = ToProto(absl::FromUnixMillis(st.ColumnInt(col)));
    }
  };
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      break;
    }
    v1::DrillTargetResult r;
    r.set_step(static_cast<uint32_t>(st.ColumnInt(0)));
    r.set_state(st.ColumnText(1));
    r.set_message_id(st.ColumnText(2));
    time(3, &r, &v1::DrillTargetResult::mutable_sent_at);
    time(4, &r, &v1::DrillTargetResult::mutable_delivered_at);
    time(5, &r, &v1::DrillTargetResult::mutable_reminded_at);
    time(6, &r, &v1::DrillTargetResult::mutable_escalated_at);
    if (!st.ColumnIsNull(7)) {
      r.set_escalated_to(st.ColumnText(7));
    }
    time(8, &r, &v1::DrillTargetResult::mutable_secretariat_at);
    time(9, &r, &v1::DrillTargetResult::mutable_acknowledged_at);
    time(10, &r, &v1::DrillTargetResult::mutable_deadline_at);
    r.set_outcome(DrillTargetOutcome(r, now));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<EscalationStore>> EscalationStore::Open(SqliteRelayStore* store) {
  std::promise<absl::Status> created;
  store->Write([](SqliteDatabase& db, AuditLeafWriter&) { return db.Exec(kSchema); },
               [&created](absl::Status s) { created.set_value(std::move(s)); });
  RETURN_IF_ERROR(created.get_future().get());
  return std::unique_ptr<EscalationStore>(new EscalationStore(store));
}

void EscalationStore::Tick(absl::Time now, bool at_start, EscalationContext ctx,
                           std::function<void(absl::StatusOr<EscalationTickResult>)> done) {
  auto out = std::make_shared<EscalationTickResult>();
  store_->Write(
      [out, now, at_start, ctx = std::move(ctx)](SqliteDatabase& db,
                                                 AuditLeafWriter& leaves) -> absl::Status {
        const EscalationPolicy& policy = *ctx.policy;
        RETURN_IF_ERROR(Scan(db, policy));
        std::vector<v1::AuditEvent> events;
        std::set<std::string> woken;

        // Drill steps due.
        ASSIGN_OR_RETURN(
            SqliteStatement steps,
            db.Prepare("SELECT s.drill_id, s.step, s.due_at_ms, d.spec FROM drill_steps s JOIN "
                       "drills d ON d.id = s.drill_id WHERE s.fired_at_ms IS NULL AND "
                       "s.due_at_ms <= ? ORDER BY s.due_at_ms, d.audit_index, s.step"));
        steps.Bind(1, absl::ToUnixMillis(now));
        std::vector<std::tuple<v1::Drill, uint32_t, absl::Time>> due_steps;
        while (true) {
          ASSIGN_OR_RETURN(bool row, steps.Step());
          if (!row) {
            break;
          }
          v1::Drill drill;
          if (!drill.ParseFromString(steps.ColumnBlob(3))) {
            return absl::DataLossError("drill " + steps.ColumnText(0) + " is damaged");
          }
          due_steps.emplace_back(std::move(drill), static_cast<uint32_t>(steps.ColumnInt(1)),
                                 absl::FromUnixMillis(steps.ColumnInt(2)));
        }
        ASSIGN_OR_RETURN(SqliteStatement fired_step,
                         db.Prepare("UPDATE drill_steps SET fired_at_ms = ?, message_id = ?, "
                                    "status = ? WHERE drill_id = ? AND step = ?"));
        for (auto& [drill, step, due_at] : due_steps) {
          const v1::DrillScenarioStep& s = drill.scenario().steps(static_cast<int>(step - 1));
          const std::vector<std::string> targets = ExpandExerciseTargets(s.to(), *ctx.directory);
          const absl::Duration within = DurationFromProto(s.acknowledge_within());
          v1::DrillStepStatus status;
          status.set_step(step);
          *status.mutable_due_at() = ToProto(due_at);
          *status.mutable_fired_at() = ToProto(now);
          for (const std::string& t : targets) {
            status.add_targets(t);
          }
          const uint64_t index = leaves.size() + events.size();
          v1::AuditEvent event = Leaf(v1::AUDIT_EVENT_DRILL_STEP_FIRED, now);
          event.mutable_drill()->set_drill_id(drill.id());
          event.mutable_drill()->set_step(step);
          event.mutable_drill()->set_name(drill.scenario().name());
          if (!targets.empty()) {
            ASSIGN_OR_RETURN(RelayMessage m,
                             SignRelayMessage(DrillStepMessage(drill, step, targets, now, within),
                                              *ctx.relay_key));
            RETURN_IF_ERROR(InsertRelayMessage(db, m, targets, now, index));
            status.set_message_id(m.message.id());
            event.set_message_id(m.message.id());
            event.set_message_hash(m.hash);
            const EscalationTimes& times = policy.For(s.urgency());
            for (const std::string& t : targets) {
              event.add_recipients(t);
              woken.insert(t);
              if (!policy.enabled) {
                continue;
              }
              NewEscalation e;
              e.message_id = m.message.id();
              e.state = t;
              e.sender = std::string(kSecretariatAddress);
              e.urgency = s.urgency();
              e.subject = s.subject();
              e.drill = true;
              e.drill_id = drill.id();
              e.drill_step = step;
              e.received_at = now;
              e.deadline_at = now + within;
              RETURN_IF_ERROR(InsertEscalation(db, e, times));
            }
          }
          RETURN_IF_ERROR(fired_step.Bind(1, absl::ToUnixMillis(now))
                              .Bind(2, status.message_id())
                              .BindBlob(3, status.SerializeAsString())
                              .Bind(4, drill.id())
                              .Bind(5, static_cast<int64_t>(step))
                              .Run());
          events.push_back(std::move(event));
          out->steps_fired.push_back(std::move(status));
        }

        // Escalation steps due (drill rows just made are not due yet: their times are ahead).
        ASSIGN_OR_RETURN(
            SqliteStatement due,
            db.Prepare("SELECT message_id, state, sender, urgency, subject, drill, drill_id, "
                       "received_at_ms, remind_at_ms, escalate_at_ms, secretariat_at_ms, "
                       "next_step FROM escalations WHERE acknowledged_at_ms IS NULL AND "
                       "next_step <= 3 AND (CASE next_step WHEN 1 THEN remind_at_ms WHEN 2 THEN "
                       "escalate_at_ms ELSE secretariat_at_ms END) <= ? ORDER BY received_at_ms, "
                       "message_id, state"));
        due.Bind(1, absl::ToUnixMillis(now));
        struct Row {
          v1::EscalationNotice notice;
          bool drill;
          std::array<absl::Time, 3> at;
          int next_step;
        };
        std::vector<Row> rows;
        while (true) {
          ASSIGN_OR_RETURN(bool row, due.Step());
          if (!row) {
            break;
          }
          Row r;
          r.notice.set_message_id(due.ColumnText(0));
          r.notice.set_state(due.ColumnText(1));
          r.notice.set_sender(due.ColumnText(2));
          r.notice.set_urgency(static_cast<v1::Urgency>(due.ColumnInt(3)));
          r.notice.set_subject(due.ColumnText(4));
          r.drill = due.ColumnInt(5) != 0;
          r.notice.set_drill_id(due.ColumnText(6));
          *r.notice.mutable_received_at() = ToProto(absl::FromUnixMillis(due.ColumnInt(7)));
          for (int k = 0; k < 3; ++k) {
            r.at[static_cast<size_t>(k)] = absl::FromUnixMillis(due.ColumnInt(8 + k));
          }
          *r.notice.mutable_deadline_at() = ToProto(r.at[1]);
          r.next_step = static_cast<int>(due.ColumnInt(11));
          rows.push_back(std::move(r));
        }
        ASSIGN_OR_RETURN(
            SqliteStatement advance,
            db.Prepare("UPDATE escalations SET next_step = ?, "
                       "reminded_at_ms = COALESCE(?, reminded_at_ms), "
                       "escalated_at_ms = COALESCE(?, escalated_at_ms), "
                       "escalated_to = COALESCE(?, escalated_to), "
                       "secretariat_fired_at_ms = COALESCE(?, secretariat_fired_at_ms) "
                       "WHERE message_id = ? AND state = ?"));
        for (Row& r : rows) {
          int latest = 1;
          for (int k = 3; k >= 1; --k) {
            if (r.at[static_cast<size_t>(k - 1)] <= now) {
              latest = k;
              break;
            }
          }
          advance.Bind(1, latest + 1);
          for (int col = 2; col <= 5; ++col) {
            advance.BindNull(col);
          }
          for (int step = r.next_step; step <= latest; ++step) {
            // A reminder overtaken by a due escalation (the relay was down) is not sent.
            if (step == 1 && latest > 1) {
              continue;
            }
            v1::EscalationNotice n = r.notice;
            n.set_step(static_cast<v1::EscalationStep>(step));
            const absl::Time due_at = r.at[static_cast<size_t>(step - 1)];
            n.set_late(Late(due_at, now, at_start));
            if (step == 2) {
              if (const v1::Contact* c = DiplomaticContact(*ctx.directory, n.state())) {
                n.set_contact_name(c->name());
                n.set_contact_email(c->email());
                n.set_contact_phone(c->phone());
              }
            }
            const uint64_t index = leaves.size() + events.size();
            ASSIGN_OR_RETURN(
                RelayMessage m,
                SignRelayMessage(EscalationNoticeMessage(n, r.drill, now), *ctx.relay_key));
            RETURN_IF_ERROR(InsertRelayMessage(db, m, {n.state()}, now, index));
            woken.insert(n.state());
            v1::AuditEvent event = Leaf(
                step == 1 ? v1::AUDIT_EVENT_ESCALATION_REMINDED : v1::AUDIT_EVENT_ESCALATED, now);
            event.set_message_id(n.message_id());
            event.set_state(n.state());
            event.add_recipients(n.state());
            v1::EscalationEvent* e = event.mutable_escalation();
            e->set_message_id(n.message_id());
            e->set_state(n.state());
            e->set_step(n.step());
            e->set_notice_id(m.message.id());
            e->set_late(n.late());
            e->set_drill_id(n.drill_id());
            *e->mutable_due_at() = ToProto(due_at);
            e->set_contact_name(n.contact_name());
            out->fired.push_back(*e);
            events.push_back(std::move(event));
            const int64_t at = absl::ToUnixMillis(now);
            if (step == 1) {
              advance.Bind(2, at);
            } else if (step == 2) {
              advance.Bind(3, at).Bind(4, n.contact_name());
            } else {
              advance.Bind(5, at);
            }
          }
          RETURN_IF_ERROR(advance.Bind(6, r.notice.message_id()).Bind(7, r.notice.state()).Run());
        }
        // The leaves go last, in the order their indexes were given out.
        for (const v1::AuditEvent& event : events) {
          RETURN_IF_ERROR(leaves.Append(event).status());
        }
        out->states.assign(woken.begin(), woken.end());
        return absl::OkStatus();
      },
      SqliteRelayStore::DeliverResult(out, std::move(done)));
}

void EscalationStore::StartDrill(v1::Drill drill, std::vector<absl::Time> due,
                                 std::function<void(absl::StatusOr<v1::StartDrillResponse>)> done) {
  auto out = std::make_shared<v1::StartDrillResponse>();
  store_->Write(
      [out, drill = std::move(drill), due = std::move(due)](
          SqliteDatabase& db, AuditLeafWriter& leaves) mutable -> absl::Status {
        const uint64_t index = leaves.size();
        drill.set_audit_index(index);
        ASSIGN_OR_RETURN(SqliteStatement ins,
                         db.Prepare("INSERT INTO drills(id, spec, audit_index) VALUES(?, ?, ?)"));
        RETURN_IF_ERROR(ins.Bind(1, drill.id())
                            .BindBlob(2, drill.SerializeAsString())
                            .Bind(3, static_cast<int64_t>(index))
                            .Run());
        ASSIGN_OR_RETURN(SqliteStatement step,
                         db.Prepare("INSERT INTO drill_steps(drill_id, step, due_at_ms) "
                                    "VALUES(?, ?, ?)"));
        for (size_t i = 0; i < due.size(); ++i) {
          RETURN_IF_ERROR(step.Bind(1, drill.id())
                              .Bind(2, static_cast<int64_t>(i + 1))
                              .Bind(3, absl::ToUnixMillis(due[i]))
                              .Run());
          v1::DrillStepStatus* s = out->add_steps();
          s->set_step(static_cast<uint32_t>(i + 1));
          *s->mutable_due_at() = ToProto(due[i]);
        }
        v1::AuditEvent event = Leaf(v1::AUDIT_EVENT_DRILL_STARTED, FromProto(drill.started_at()));
        event.mutable_drill()->set_drill_id(drill.id());
        event.mutable_drill()->set_name(drill.scenario().name());
        event.mutable_drill()->set_scenario_hash(Sha256(drill.scenario().SerializeAsString()));
        RETURN_IF_ERROR(leaves.Append(event).status());
        *out->mutable_drill() = drill;
        return absl::OkStatus();
      },
      SqliteRelayStore::DeliverResult(out, std::move(done)));
}

void EscalationStore::RecordDrillAcknowledgement(
    NewMessage ack, ReceiptMaker make_receipt,
    std::function<void(absl::StatusOr<SubmitOutcome>)> done) {
  auto out = std::make_shared<SubmitOutcome>();
  auto msg = std::make_shared<NewMessage>(std::move(ack));
  store_->Write(
      [out, msg, make_receipt = std::move(make_receipt)](SqliteDatabase& db,
                                                         AuditLeafWriter& leaves) -> absl::Status {
        ASSIGN_OR_RETURN(const bool resubmitted, FindResubmission(db, *msg, out.get()));
        if (resubmitted) {
          return absl::OkStatus();
        }
        ASSIGN_OR_RETURN(SqliteStatement target,
                         db.Prepare("SELECT acknowledged_at_ms, acknowledgement_id, drill_id, "
                                    "drill_step FROM escalations WHERE message_id = ? AND "
                                    "state = ? AND drill_id != ''"));
        target.Bind(1, msg->in_reply_to).Bind(2, msg->sender);
        ASSIGN_OR_RETURN(bool found, target.Step());
        if (!found) {
          return absl::InvalidArgumentError("in_reply_to: " + msg->in_reply_to +
                                            " is not a drill message the relay sent to " +
                                            msg->sender);
        }
        if (!target.ColumnIsNull(0)) {
          return absl::FailedPreconditionError(
              msg->sender + " already acknowledged drill message " + msg->in_reply_to + " at " +
              FormatUtc(absl::FromUnixMillis(target.ColumnInt(0))) + " (acknowledgement " +
              target.ColumnText(1) + ")");
        }
        const std::string drill_id = target.ColumnText(2);
        const auto step = static_cast<uint32_t>(target.ColumnInt(3));
        const uint64_t index = leaves.size();
        out->receipt = make_receipt(index);
        RETURN_IF_ERROR(InsertMessage(db, {msg->id, msg->hash, msg->sender, msg->envelope,
                                           msg->relay_time, index, out->receipt}));
        RETURN_IF_ERROR(MarkAnswered(db, msg->in_reply_to, msg->sender, msg->id, msg->relay_time));
        v1::AuditEvent event;
        event.set_type(v1::AUDIT_EVENT_ACKNOWLEDGED);
        *event.mutable_relay_time() = ToProto(msg->relay_time);
        event.set_message_id(msg->id);
        event.set_message_hash(msg->hash);
        event.set_sender(msg->sender);
        event.set_in_reply_to(msg->in_reply_to);
        event.add_addressed_to(std::string(kSecretariatAddress));
        event.mutable_drill()->set_drill_id(drill_id);
        event.mutable_drill()->set_step(step);
        RETURN_IF_ERROR(leaves.Append(event).status());
        return absl::OkStatus();
      },
      SqliteRelayStore::DeliverResult(out, std::move(done)));
}

absl::StatusOr<bool> EscalationStore::IsDrillMessage(const std::string& message_id) {
  bool found = false;
  RETURN_IF_ERROR(store_->Read([&](SqliteDatabase& db) -> absl::Status {
    ASSIGN_OR_RETURN(SqliteStatement st,
                     db.Prepare("SELECT 1 FROM drill_steps WHERE message_id = ?"));
    st.Bind(1, message_id);
    ASSIGN_OR_RETURN(found, st.Step());
    return absl::OkStatus();
  }));
  return found;
}

absl::StatusOr<std::optional<absl::Time>> EscalationStore::NextDue(absl::Duration shortest_remind) {
  std::optional<absl::Time> next;
  RETURN_IF_ERROR(store_->Read([&](SqliteDatabase& db) -> absl::Status {
    auto consider = [&next](int64_t ms) {
      const absl::Time t = absl::FromUnixMillis(ms);
      next = next ? std::min(*next, t) : t;
    };
    ASSIGN_OR_RETURN(SqliteStatement rows,
                     db.Prepare("SELECT MIN(CASE next_step WHEN 1 THEN remind_at_ms WHEN 2 THEN "
                                "escalate_at_ms ELSE secretariat_at_ms END) FROM escalations WHERE "
                                "acknowledged_at_ms IS NULL AND next_step <= 3"));
    ASSIGN_OR_RETURN(bool r1, rows.Step());
    if (r1 && !rows.ColumnIsNull(0)) {
      consider(rows.ColumnInt(0));
    }
    ASSIGN_OR_RETURN(SqliteStatement steps,
                     db.Prepare("SELECT MIN(due_at_ms) FROM drill_steps WHERE fired_at_ms IS "
                                "NULL"));
    ASSIGN_OR_RETURN(bool r2, steps.Step());
    if (r2 && !steps.ColumnIsNull(0)) {
      consider(steps.ColumnInt(0));
    }
    // Messages not read yet: none can be due before its arrival + the shortest reminder.
    ASSIGN_OR_RETURN(SqliteStatement unread,
                     db.Prepare("SELECT MIN(received_at_ms) FROM messages WHERE rowid > "
                                "(SELECT last_rowid FROM escalation_scan) AND sender != ?"));
    unread.Bind(1, kSecretariatAddress);
    ASSIGN_OR_RETURN(bool r3, unread.Step());
    if (r3 && !unread.ColumnIsNull(0)) {
      consider(unread.ColumnInt(0) + absl::ToInt64Milliseconds(shortest_remind));
    }
    return absl::OkStatus();
  }));
  return next;
}

absl::StatusOr<std::vector<v1::Drill>> EscalationStore::Drills() {
  std::vector<v1::Drill> out;
  RETURN_IF_ERROR(store_->Read([&](SqliteDatabase& db) -> absl::Status {
    ASSIGN_OR_RETURN(SqliteStatement st,
                     db.Prepare("SELECT spec FROM drills ORDER BY audit_index"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) {
        break;
      }
      if (!out.emplace_back().ParseFromString(st.ColumnBlob(0))) {
        return absl::DataLossError("a drill is damaged");
      }
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<v1::GetDrillReportResponse> EscalationStore::DrillReport(const std::string& drill_id,
                                                                        absl::Time now) {
  v1::GetDrillReportResponse out;
  RETURN_IF_ERROR(store_->Read([&](SqliteDatabase& db) -> absl::Status {
    ASSIGN_OR_RETURN(SqliteStatement st, db.Prepare("SELECT spec FROM drills WHERE id = ?"));
    st.Bind(1, drill_id);
    ASSIGN_OR_RETURN(bool found, st.Step());
    if (!found) {
      return absl::NotFoundError("no drill has id '" + drill_id +
                                 "'; `pocctl drill list` shows them");
    }
    if (!out.mutable_drill()->ParseFromString(st.ColumnBlob(0))) {
      return absl::DataLossError("drill " + drill_id + " is damaged");
    }
    ASSIGN_OR_RETURN(SqliteStatement steps,
                     db.Prepare("SELECT step, due_at_ms, status FROM drill_steps WHERE "
                                "drill_id = ? ORDER BY step"));
    steps.Bind(1, drill_id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, steps.Step());
      if (!row) {
        break;
      }
      v1::DrillStepStatus* s = out.add_steps();
      if (!steps.ColumnIsNull(2)) {
        s->ParseFromString(steps.ColumnBlob(2));
      } else {
        s->set_step(static_cast<uint32_t>(steps.ColumnInt(0)));
        *s->mutable_due_at() = ToProto(absl::FromUnixMillis(steps.ColumnInt(1)));
      }
    }
    ASSIGN_OR_RETURN(std::vector<v1::DrillTargetResult> targets,
                     ReadTargets(db, drill_id, "", now));
    for (v1::DrillTargetResult& r : targets) {
      *out.add_results() = std::move(r);
    }
    return absl::OkStatus();
  }));
  *out.mutable_relay_time() = ToProto(now);
  return out;
}

absl::StatusOr<std::vector<v1::DrillTargetResult>> EscalationStore::MessageEscalations(
    const std::string& message_id, absl::Time now) {
  std::vector<v1::DrillTargetResult> out;
  RETURN_IF_ERROR(store_->Read([&](SqliteDatabase& db) -> absl::Status {
    ASSIGN_OR_RETURN(out, ReadTargets(db, "", message_id, now));
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace poc
