// pocctl drill: the Secretariat's escalation drills (proto/poc/v1/escalation.proto).
//
//   pocctl drill start --scenario FILE          (Secretariat only)
//   pocctl drill list
//   pocctl drill report ID [--format table|json]
//
// Every subcommand talks to the relay directly with the certificate named in --secretariat FILE
// (list and report also work with a State's node certificate).
#ifndef POC_CLIENT_POCCTL_DRILL_COMMAND_H_
#define POC_CLIENT_POCCTL_DRILL_COMMAND_H_

#include <CLI/CLI.hpp>
#include <string>

#include "absl/status/status.h"
#include "client/pocctl/command_context.h"
#include "poc/v1/escalation.pb.h"

namespace poc::pocctl {

struct DrillOptions {
  CLI::App* start = nullptr;
  CLI::App* list = nullptr;
  CLI::App* report = nullptr;
  std::string secretariat;  // --secretariat FILE, or POC_SECRETARIAT
  std::string scenario;     // --scenario FILE
  std::string id;
  std::string format = "table";
};

CLI::App* AddDrillCommand(CLI::App& app, DrillOptions* options);

absl::Status RunDrill(const DrillOptions& options, CommandContext& ctx);

// The report as a table for people: the drill, each step, then one row per step and target
// with offsets from the drill's start, and the totals.
std::string FormatDrillReport(const v1::GetDrillReportResponse& report);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_DRILL_COMMAND_H_
