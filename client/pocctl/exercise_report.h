// How `pocctl exercise report` prints an exercise run's report (proto/poc/v1/exercises.proto):
// a table for people, or CSV with one row per State (JSON is the response itself).
#ifndef POC_CLIENT_POCCTL_EXERCISE_REPORT_H_
#define POC_CLIENT_POCCTL_EXERCISE_REPORT_H_

#include <string>

#include "poc/v1/exercises.pb.h"

namespace poc::pocctl {

// The run's heading, a row per State (latencies, outcome, whether a person or the node
// acknowledged), the totals with the response rate, a row per group, and the trend across the
// exercise's runs.
std::string FormatExerciseReportTable(const v1::GetExerciseReportResponse& report);

// A header line, then one line per State: exercise_id, run, state, groups (";"-separated),
// sent_at, delivered_at, acknowledged_at (RFC 3339, empty when none), delivery_latency_s,
// acknowledgement_latency_s (seconds with milliseconds), acknowledged_by (operator | node), and
// outcome (responded, late, no response, unreachable, pending).
std::string FormatExerciseReportCsv(const v1::GetExerciseReportResponse& report);

// "2h", "1d12h", "0.250s": a latency as the report shows it; empty when unset.
std::string FormatLatency(const google::protobuf::Duration& d, bool set);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_EXERCISE_REPORT_H_
