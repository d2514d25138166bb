#include "server/escalation_messages.h"

#include "common/crypto/sha256.h"
#include "common/envelope/signed.h"
#include "common/template/template_codes.h"
#include "common/template/validation.h"
#include "common/util/duration_proto.h"
#include "common/util/time_format.h"
#include "common/util/uuid_v7.h"

namespace poc {
namespace {

constexpr size_t kMaxSubjectBytes = 200;

// `prefix` + `subject`, cut to the template's limit on a UTF-8 character boundary.
std::string Subject(const std::string& prefix, const std::string& subject) {
  std::string out = prefix + subject;
  if (out.size() <= kMaxSubjectBytes) {
    return out;
  }
  size_t cut = kMaxSubjectBytes - 3;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return out.substr(0, cut) + "...";
}

}  // namespace

absl::StatusOr<RelayMessage> SignRelayMessage(v1::Message message,
                                              const Ed25519PrivateKey& relay_key) {
  if (absl::Status s = ValidateMessage(message, ValidationLimits{}); !s.ok()) {
    return absl::InternalError("the relay's message " + message.id() +
                               " breaks the template's rules: " + std::string(s.message()));
  }
  RelayMessage out;
  std::string bytes = message.SerializeAsString();
  out.hash = Sha256(bytes);
  out.envelope = SignEnvelope(std::move(bytes), relay_key).SerializeAsString();
  out.message = std::move(message);
  return out;
}

const v1::Contact* DiplomaticContact(const DirectoryView& directory, const std::string& state) {
  const v1::StateEntry* entry = directory.FindState(state);
  if (entry == nullptr) {
    return nullptr;
  }
  const v1::Contact* best = nullptr;
  for (const v1::Contact& c : entry->contacts()) {
    if (c.level() == v1::CONTACT_LEVEL_DIPLOMATIC &&
        (best == nullptr || c.order() < best->order())) {
      best = &c;
    }
  }
  return best;
}

v1::Message EscalationNoticeMessage(const v1::EscalationNotice& notice, bool drill,
                                    absl::Time now) {
  v1::Message m;
  m.set_id(NewUuidV7(now));
  m.set_sender(std::string(kSecretariatAddress));
  m.add_recipients(notice.state());
  *m.mutable_created_at() = ToProto(now);
  m.set_kind(v1::MESSAGE_TYPE_NOTIFICATION);
  m.set_drill(drill);
  *m.mutable_escalation() = notice;
  v1::Template* t = m.mutable_template_();
  t->set_urgency(notice.urgency() == v1::URGENCY_UNSPECIFIED ? v1::URGENCY_ROUTINE
                                                             : notice.urgency());
  t->set_level(notice.step() == v1::ESCALATION_STEP_REMINDER ? v1::LEVEL_TECHNICAL
                                                             : v1::LEVEL_DIPLOMATIC);
  t->set_tlp(v1::TLP_AMBER);  // it names a message only this State received
  t->set_language("en");
  const std::string what = "message " + notice.message_id() + " from " + notice.sender() + " (" +
                           UrgencyWord(notice.urgency()) + ", received " +
                           FormatUtc(FromProto(notice.received_at())) + ")";
  const std::string ack = "Acknowledge it: pocctl ack " + notice.message_id();
  switch (notice.step()) {
    case v1::ESCALATION_STEP_REMINDER:
      t->set_subject(Subject("[Reminder] ", notice.subject()));
      t->set_summary(notice.state() + " has not acknowledged " + what + ". It is escalated to " +
                     notice.state() + "'s diplomatic contact at " +
                     FormatUtc(FromProto(notice.deadline_at())) + ". " + ack + ".");
      break;
    case v1::ESCALATION_STEP_DIPLOMATIC:
      t->set_subject(Subject("[Escalation] ", notice.subject()));
      t->set_summary(
          notice.state() + " did not acknowledge " + what + " by its deadline " +
          FormatUtc(FromProto(notice.deadline_at())) + ". Escalated to the diplomatic contact: " +
          (notice.contact_name().empty()
               ? "the directory lists none for " + notice.state()
               : notice.contact_name() +
                     (notice.contact_email().empty() ? "" : " <" + notice.contact_email() + ">") +
                     (notice.contact_phone().empty() ? "" : ", " + notice.contact_phone())) +
          ". " + ack + ".");
      break;
    default:
      t->set_subject(Subject("[Escalated to the Secretariat] ", notice.subject()));
      t->set_summary(notice.state() + " has still not acknowledged " + what +
                     ". The Secretariat now follows it up with " + notice.state() + ". " + ack +
                     ".");
      break;
  }
  t->set_requested_action(ack + ".");
  return m;
}

v1::Message DrillStepMessage(const v1::Drill& drill, uint32_t step,
                             const std::vector<std::string>& recipients, absl::Time now,
                             absl::Duration within) {
  const v1::DrillScenarioStep& s = drill.scenario().steps(static_cast<int>(step - 1));
  v1::Message m;
  m.set_id(NewUuidV7(now));
  m.set_sender(std::string(kSecretariatAddress));
  for (const std::string& r : recipients) {
    m.add_recipients(r);
  }
  *m.mutable_created_at() = ToProto(now);
  m.set_kind(s.type());
  m.set_drill(true);
  v1::DrillInfo* info = m.mutable_drill_info();
  info->set_drill_id(drill.id());
  info->set_name(drill.scenario().name());
  info->set_step(step);
  info->set_acting_as(s.from().empty() ? std::string(kSecretariatAddress) : s.from());
  *info->mutable_acknowledge_within() = DurationToProto(within);
  v1::Template* t = m.mutable_template_();
  t->set_urgency(s.urgency());
  t->set_level(v1::LEVEL_TECHNICAL);
  t->set_tlp(v1::TLP_CLEAR);
  t->set_language("en");
  t->set_subject(Subject("", s.subject()));
  const std::string by = FormatUtc(now + within);
  std::string summary = "DRILL \"" + drill.scenario().name() + "\", step " + std::to_string(step) +
                        (info->acting_as() == kSecretariatAddress
                             ? ""
                             : " (the Secretariat plays " + info->acting_as() + ")") +
                        ": not a real incident. Acknowledge before " + by + ": pocctl ack " +
                        m.id() + ".";
  if (!s.summary().empty()) {
    summary = s.summary() + "\n\n" + summary;
  }
  t->set_summary(summary.size() > 2000 ? summary.substr(summary.size() - 2000) : summary);
  t->set_requested_action("Acknowledge before " + by + ".");
  *t->mutable_respond_by() = ToProto(now + within);
  return m;
}

}  // namespace poc
