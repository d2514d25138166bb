// The words operators, reports, hooks and logs use for escalation steps and drill outcomes
// (proto/poc/v1/escalation.proto), shared by the relay, pocd and pocctl.
#ifndef POC_COMMON_DRILLS_DRILL_WORDS_H_
#define POC_COMMON_DRILLS_DRILL_WORDS_H_

#include "poc/v1/escalation.pb.h"

namespace poc {

// "reminder", "diplomatic", "secretariat"; "unspecified" otherwise.
const char* EscalationStepWord(v1::EscalationStep step);
// "waiting", "pending", "met", "late", "missed"; "unspecified" otherwise.
const char* DrillOutcomeWord(v1::DrillOutcome outcome);

}  // namespace poc

#endif  // POC_COMMON_DRILLS_DRILL_WORDS_H_
