#include "server/escalation_policy.h"

#include <algorithm>

#include "common/util/time_format.h"

namespace poc {
namespace {

constexpr std::array<const char*, 4> kUrgencies = {"routine", "priority", "urgent", "flash"};
constexpr std::array<const char*, 3> kKeys = {"remind_after", "escalate_after",
                                              "secretariat_after"};
constexpr std::array<const char*, 3> kFlags = {"remind-after", "escalate-after",
                                               "secretariat-after"};
constexpr std::array<const char*, 3> kWhat = {
    "remind the State that has not acknowledged a message",
    "escalate to the State's diplomatic contact (the acknowledgement deadline)",
    "escalate to the Secretariat"};

}  // namespace

void EscalationPolicy::Bind(ConfigBinder* b) {
  b->AddBool("--escalation-enabled", "escalation.enabled", &enabled,
             "remind and escalate when a recipient does not acknowledge a notification or "
             "request (and drills); false turns escalation off");
  for (size_t u = 0; u < kUrgencies.size(); ++u) {
    for (size_t k = 0; k < kKeys.size(); ++k) {
      b->AddString(std::string("--escalation-") + kUrgencies[u] + "-" + kFlags[k],
                   std::string("escalation.") + kUrgencies[u] + "." + kKeys[k], &text[u][k],
                   std::string("after how long to ") + kWhat[k] + " of " + kUrgencies[u] +
                       " urgency (default " + text[u][k] + ")");
    }
  }
}

absl::Status EscalationPolicy::Finish() {
  for (size_t u = 0; u < kUrgencies.size(); ++u) {
    std::array<absl::Duration, 3> d{};
    for (size_t k = 0; k < kKeys.size(); ++k) {
      const std::string where = std::string("[escalation.") + kUrgencies[u] + "] " + kKeys[k];
      absl::StatusOr<absl::Duration> parsed = ParseDuration(text[u][k]);
      if (!parsed.ok() || *parsed <= absl::ZeroDuration()) {
        return absl::InvalidArgumentError(where + ": '" + text[u][k] +
                                          "' is not a positive duration, e.g. 2h or 30s");
      }
      d[k] = *parsed;
      if (k > 0 && d[k] <= d[k - 1]) {
        return absl::InvalidArgumentError(where + ": " + text[u][k] + " must be longer than " +
                                          kKeys[k - 1] + " (" + text[u][k - 1] + ")");
      }
    }
    times[u] = EscalationTimes{d[0], d[1], d[2]};
  }
  return absl::OkStatus();
}

const EscalationTimes& EscalationPolicy::For(v1::Urgency urgency) const {
  const int u = static_cast<int>(urgency);
  return times[(u >= 1 && u <= 4) ? static_cast<size_t>(u - 1) : 0];
}

absl::Duration EscalationPolicy::ShortestRemind() const {
  absl::Duration out = times[0].remind_after;
  for (const EscalationTimes& t : times) {
    out = std::min(out, t.remind_after);
  }
  return out;
}

bool AwaitsAcknowledgement(v1::MessageType kind) {
  return kind == v1::MESSAGE_TYPE_NOTIFICATION ||
         kind == v1::MESSAGE_TYPE_REQUEST_FOR_INFORMATION ||
         kind == v1::MESSAGE_TYPE_REQUEST_FOR_ASSISTANCE;
}

}  // namespace poc
