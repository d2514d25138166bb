#include "server/exercise_ping.h"

#include "common/crypto/sha256.h"
#include "common/envelope/signed.h"
#include "common/exercises/exercise_words.h"
#include "common/template/validation.h"
#include "common/util/time_format.h"
#include "common/util/uuid_v7.h"

namespace poc {
namespace {

v1::Urgency UrgencyFor(absl::Duration deadline) {
  if (deadline <= absl::Hours(1)) {
    return v1::URGENCY_FLASH;
  }
  if (deadline <= absl::Hours(4)) {
    return v1::URGENCY_URGENT;
  }
  if (deadline <= absl::Hours(24)) {
    return v1::URGENCY_PRIORITY;
  }
  return v1::URGENCY_ROUTINE;
}

}  // namespace

v1::Message ExercisePingMessage(const v1::Exercise& exercise, uint64_t run, absl::Time fired_at,
                                absl::Time deadline_at,
                                const std::vector<std::string>& recipients) {
  v1::Message m;
  m.set_id(NewUuidV7(fired_at));
  m.set_sender(std::string(kSecretariatAddress));
  for (const std::string& r : recipients) {
    m.add_recipients(r);
  }
  *m.mutable_created_at() = ToProto(fired_at);
  m.set_kind(v1::MESSAGE_TYPE_EXERCISE_PING);
  m.set_drill(true);
  v1::ExercisePing* ping = m.mutable_exercise();
  ping->set_exercise_id(exercise.id());
  ping->set_name(exercise.name());
  ping->set_run(run);
  ping->set_mode(exercise.mode());
  *ping->mutable_deadline_at() = ToProto(deadline_at);
  v1::Template* t = m.mutable_template_();
  t->set_urgency(UrgencyFor(deadline_at - fired_at));
  t->set_level(v1::LEVEL_TECHNICAL);
  t->set_tlp(v1::TLP_CLEAR);
  t->set_language("en");
  t->set_subject("Ping exercise \"" + exercise.name() + "\", run " + std::to_string(run));
  const std::string by = FormatUtc(deadline_at);
  if (exercise.mode() == v1::EXERCISE_MODE_ACKNOWLEDGE) {
    t->set_summary(
        "The Secretariat's ping exercise checks that this point of contact is reachable and "
        "attended. Acknowledge this message before " +
        by + ": pocctl ack " + m.id());
    t->set_requested_action("Acknowledge before " + by + ".");
  } else {
    t->set_summary(
        "The Secretariat's ping exercise checks that this point of contact is reachable. No "
        "action is needed: this node's delivery receipt answers it.");
  }
  *t->mutable_respond_by() = ToProto(deadline_at);
  return m;
}

absl::StatusOr<ExercisePingEnvelope> MakeExercisePing(const v1::Exercise& exercise, uint64_t run,
                                                      absl::Time fired_at, absl::Time deadline_at,
                                                      const DirectoryView& directory,
                                                      const Ed25519PrivateKey& relay_key) {
  ExercisePingEnvelope out;
  out.recipients = ExpandExerciseTargets(exercise.targets(), directory);
  const v1::Message m = ExercisePingMessage(exercise, run, fired_at, deadline_at, out.recipients);
  if (!out.recipients.empty()) {
    if (absl::Status s = ValidateMessage(m, ValidationLimits{}); !s.ok()) {
      return absl::InternalError("the ping of exercise " + exercise.id() +
                                 " breaks the template's rules: " + std::string(s.message()));
    }
  }
  std::string bytes = m.SerializeAsString();
  out.id = m.id();
  out.hash = Sha256(bytes);
  out.envelope = SignEnvelope(std::move(bytes), relay_key).SerializeAsString();
  return out;
}

}  // namespace poc
