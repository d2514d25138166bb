// The escalation policy per urgency (relay.toml `[escalation.<urgency>]`, README "Escalation and
// drills"): when a State that has not acknowledged a message is reminded, when it is escalated to
// its diplomatic contact, and when to the Secretariat, counted from when the relay took the
// message. Which messages it applies to is AwaitsAcknowledgement.
#ifndef POC_SERVER_ESCALATION_POLICY_H_
#define POC_SERVER_ESCALATION_POLICY_H_

#include <array>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/config/config_binder.h"
#include "poc/v1/template.pb.h"

namespace poc {

struct EscalationTimes {
  absl::Duration remind_after;
  absl::Duration escalate_after;     // the acknowledgement deadline: to the diplomatic contact
  absl::Duration secretariat_after;  // to the Secretariat
};

struct EscalationPolicy {
  bool enabled = true;
  // Indexed by urgency - 1 (routine, priority, urgent, flash); each {remind, escalate,
  // secretariat}. The escalation deadlines are the template's default acknowledgement deadlines
  // (72h, 24h, 4h, 1h).
  std::array<std::array<std::string, 3>, 4> text = {
      {{"48h", "72h", "96h"}, {"16h", "24h", "36h"}, {"2h", "4h", "6h"}, {"30m", "1h", "90m"}}};
  std::array<EscalationTimes, 4> times{};  // derived by Finish()

  // Registers `escalation.enabled` and `escalation.<urgency>.{remind_after, escalate_after,
  // secretariat_after}` (flags --escalation-<urgency>-remind-after, ...).
  void Bind(ConfigBinder* binder);
  // Parses the durations; each must be positive and remind < escalate < secretariat. Errors name
  // the key: "[escalation.urgent] remind_after: ...".
  absl::Status Finish();
  // The times for `urgency` (UNSPECIFIED and unknown values: routine's).
  const EscalationTimes& For(v1::Urgency urgency) const;
  // The shortest remind_after of all urgencies.
  absl::Duration ShortestRemind() const;
};

// Messages that ask their recipients for acknowledgement, so escalation runs on them: a
// notification, a request for information, a request for assistance. (Responses and
// acknowledgements answer; exercise pings have their own deadline; "general" messages ask for
// nothing.)
bool AwaitsAcknowledgement(v1::MessageType kind);

}  // namespace poc

#endif  // POC_SERVER_ESCALATION_POLICY_H_
