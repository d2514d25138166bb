#include "common/drills/drill_words.h"

namespace poc {

const char* EscalationStepWord(v1::EscalationStep step) {
  switch (step) {
    case v1::ESCALATION_STEP_REMINDER:
      return "reminder";
    case v1::ESCALATION_STEP_DIPLOMATIC:
      return "diplomatic";
    case v1::ESCALATION_STEP_SECRETARIAT:
      return "secretariat";
    default:
      return "unspecified";
  }
}

const char* DrillOutcomeWord(v1::DrillOutcome outcome) {
  switch (outcome) {
    case v1::DRILL_OUTCOME_WAITING:
      return "waiting";
    case v1::DRILL_OUTCOME_PENDING:
      return "pending";
    case v1::DRILL_OUTCOME_MET:
      return "met";
    case v1::DRILL_OUTCOME_LATE:
      return "late";
    case v1::DRILL_OUTCOME_MISSED:
      return "missed";
    default:
      return "unspecified";
  }
}

}  // namespace poc
