// The drill scenario file pocctl drill start --scenario FILE reads (README, "Escalation and
// drills"; every key in deploy/drill-scenario.toml.sample):
//
//   name = "Q1 escalation drill"
//   [[step]]
//   after = "0s"                 # after the start (or: at = 2026-03-02T09:00:00Z)
//   from = "FRA"                 # the role the Secretariat plays (default "secretariat")
//   to = ["KEN", "group:EAC"]    # States, group:NAME or all
//   type = "notification"        # notification | rfi | rfa
//   urgency = "urgent"           # routine | priority | urgent | flash
//   subject = "Ransomware in hospital networks"
//   summary = "..."              # optional
//   acknowledge_within = "4h"    # expected handling (default: the urgency's escalate_after)
//
// Parsing checks the form only (types, words, durations, unknown keys); the relay checks the
// targets against its directory and the times against its clock.
#ifndef POC_COMMON_DRILLS_DRILL_SCENARIO_H_
#define POC_COMMON_DRILLS_DRILL_SCENARIO_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "poc/v1/escalation.pb.h"

namespace poc {

// INVALID_ARGUMENT naming `path` and the key ("drill.toml: step[1].urgency: 'soon' is not an
// urgency; use routine, priority, urgent or flash").
absl::StatusOr<v1::DrillScenario> ParseDrillScenario(std::string_view toml_text,
                                                     const std::string& path);

}  // namespace poc

#endif  // POC_COMMON_DRILLS_DRILL_SCENARIO_H_
