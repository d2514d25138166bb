#include "server/drill_rules.h"

#include <algorithm>
#include <set>

#include "common/iso3166/iso3166.h"
#include "common/template/validation.h"
#include "common/util/duration_proto.h"
#include "common/util/time_format.h"

namespace poc {
namespace {

absl::Status InvalidScenario(const std::string& field, const std::string& what) {
  return absl::InvalidArgumentError("scenario." + field + ": " + what);
}

bool OneLine(const std::string& text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return false;
    }
  }
  return true;
}

absl::Status CheckTarget(const std::string& field, const std::string& t,
                         const DirectoryView& directory) {
  if (t == "all") {
    return absl::OkStatus();
  }
  if (t.rfind("group:", 0) == 0) {
    if (directory.FindGroup(t.substr(6)) == nullptr) {
      return InvalidScenario(field,
                             "group '" + t.substr(6) +
                                 "' is not defined in the directory; `pocctl directory groups` "
                                 "lists the groups");
    }
    return absl::OkStatus();
  }
  if (!IsIso3166Alpha3(t)) {
    return InvalidScenario(field, "'" + t + "' is not a State code, group:NAME or all");
  }
  if (!directory.HasState(t)) {
    return InvalidScenario(field, t + " is not a State in the directory (version " +
                                      std::to_string(directory.version()) + ")");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CheckedDrill> CheckDrillRequest(const v1::StartDrillRequest& request,
                                               const DirectoryView& directory,
                                               const EscalationPolicy& policy, absl::Time now) {
  const v1::DrillScenario& s = request.scenario();
  if (s.name().empty() || s.name().size() > 200 || !OneLine(s.name())) {
    return InvalidScenario("name",
                           "required: one line of at most 200 bytes, e.g. \"Q1 escalation drill\"");
  }
  if (s.steps().empty()) {
    return InvalidScenario("steps", "a drill needs at least one step");
  }
  if (static_cast<size_t>(s.steps_size()) > kMaxDrillSteps) {
    return InvalidScenario("steps", "at most " + std::to_string(kMaxDrillSteps) + " steps");
  }
  CheckedDrill out;
  *out.drill.mutable_scenario() = s;
  for (int i = 0; i < s.steps_size(); ++i) {
    v1::DrillScenarioStep* step = out.drill.mutable_scenario()->mutable_steps(i);
    const std::string f = "steps[" + std::to_string(i) + "]";
    absl::Time due = now;
    if (step->has_at() && step->has_after()) {
      return InvalidScenario(f, "give at or after, not both");
    }
    if (step->has_after()) {
      const absl::Duration after = DurationFromProto(step->after());
      if (after < absl::ZeroDuration() || after > absl::Hours(24 * 365)) {
        return InvalidScenario(f + ".after", "must be between 0s and 365d after the start");
      }
      due = now + after;
    } else if (step->has_at()) {
      due = FromProto(step->at());
      if (due < now - kDrillStartSkew) {
        return InvalidScenario(f + ".at", FormatUtc(due) + " is in the past (the relay's time is " +
                                              FormatUtc(now) + "); give a later time or `after`");
      }
      due = std::max(due, now);
    }
    if (!step->from().empty() && step->from() != kSecretariatAddress &&
        !directory.HasState(step->from())) {
      return InvalidScenario(
          f + ".from",
          "'" + step->from() + "' is neither secretariat nor a State in the directory");
    }
    if (step->to().empty()) {
      return InvalidScenario(f + ".to", "name at least one target: State codes, group:NAME or all");
    }
    std::set<std::string> seen;
    for (int j = 0; j < step->to_size(); ++j) {
      const std::string tf = f + ".to[" + std::to_string(j) + "]";
      if (!seen.insert(step->to(j)).second) {
        return InvalidScenario(tf, "'" + step->to(j) + "' is listed twice");
      }
      if (absl::Status st = CheckTarget(tf, step->to(j), directory); !st.ok()) {
        return st;
      }
    }
    if (!AwaitsAcknowledgement(step->type())) {
      return InvalidScenario(
          f + ".type",
          "a drill step is a notification, rfi or rfa (what asks for acknowledgement)");
    }
    if (step->urgency() == v1::URGENCY_UNSPECIFIED || !v1::Urgency_IsValid(step->urgency())) {
      return InvalidScenario(f + ".urgency", "required: routine, priority, urgent or flash");
    }
    if (step->subject().empty() || step->subject().size() > 180 || !OneLine(step->subject())) {
      return InvalidScenario(f + ".subject", "required: one line of at most 180 bytes");
    }
    if (step->summary().size() > 1500) {
      return InvalidScenario(f + ".summary", "at most 1500 bytes");
    }
    if (step->has_acknowledge_within()) {
      const absl::Duration within = DurationFromProto(step->acknowledge_within());
      if (within <= absl::ZeroDuration() || within > absl::Hours(24 * 30)) {
        return InvalidScenario(f + ".acknowledge_within", "must be between 1s and 30d");
      }
    } else {
      *step->mutable_acknowledge_within() =
          DurationToProto(policy.For(step->urgency()).escalate_after);
    }
    out.due.push_back(due);
  }
  return out;
}

v1::DrillOutcome DrillTargetOutcome(const v1::DrillTargetResult& r, absl::Time now) {
  if (!IsSet(r.sent_at())) {
    return v1::DRILL_OUTCOME_WAITING;
  }
  const absl::Time deadline = FromProto(r.deadline_at());
  if (IsSet(r.acknowledged_at())) {
    return FromProto(r.acknowledged_at()) <= deadline ? v1::DRILL_OUTCOME_MET
                                                      : v1::DRILL_OUTCOME_LATE;
  }
  return now < deadline ? v1::DRILL_OUTCOME_PENDING : v1::DRILL_OUTCOME_MISSED;
}

}  // namespace poc
