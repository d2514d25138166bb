// The rules of a drill scenario (proto/poc/v1/escalation.proto, StartDrillRequest) and of a
// drill's report, pure functions of their inputs so that they are tested without a relay.
#ifndef POC_SERVER_DRILL_RULES_H_
#define POC_SERVER_DRILL_RULES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/directory/directory_view.h"
#include "common/drills/drill_words.h"
#include "poc/v1/escalation.pb.h"
#include "server/escalation_policy.h"

namespace poc {

inline constexpr size_t kMaxDrillSteps = 100;
// A step `at` this little in the past (clocks differ) fires at once instead of being refused.
inline constexpr absl::Duration kDrillStartSkew = absl::Minutes(1);

struct CheckedDrill {
  v1::Drill drill;              // id and started_at left to the caller
  std::vector<absl::Time> due;  // per step
};

// Checks `request` against `directory` at relay time `now`. INVALID_ARGUMENT naming the field
// ("scenario.steps[1].to[0]: JPN is not a State in the directory") for: no name or no step, more
// than kMaxDrillSteps, a step with both `at` and `after` (neither: at once), a negative `after`,
// an `at` more than kDrillStartSkew in the past, a `from` that is neither "secretariat" nor a
// State of the directory, no target or a target that is not all, group:NAME of the directory or
// a State of it, a type other than notification / request for information / assistance, no
// urgency, no subject, a non-positive acknowledge_within (unset: `policy`'s escalate_after for
// the urgency, filled in).
absl::StatusOr<CheckedDrill> CheckDrillRequest(const v1::StartDrillRequest& request,
                                               const DirectoryView& directory,
                                               const EscalationPolicy& policy, absl::Time now);

// A target's outcome at `now`, from when it was sent, acknowledged and its deadline.
v1::DrillOutcome DrillTargetOutcome(const v1::DrillTargetResult& r, absl::Time now);

}  // namespace poc

#endif  // POC_SERVER_DRILL_RULES_H_
