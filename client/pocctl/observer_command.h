// pocctl observer: accrediting observers by the silence procedure.
//
//   pocctl observer propose --slug S --org O --kind K --purpose P --secretariat FILE
//   pocctl observer object ID [--reason TEXT]          (a State, through its pocd)
//   pocctl observer list [--secretariat FILE]          (a State through pocd, or the Secretariat)
//
// The Secretariat proposes; every State sees the proposal and may object, signed by its node,
// until the silence period ends; one objection stops it; otherwise it takes effect then.
#ifndef POC_CLIENT_POCCTL_OBSERVER_COMMAND_H_
#define POC_CLIENT_POCCTL_OBSERVER_COMMAND_H_

#include <CLI/CLI.hpp>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "client/pocctl/command_context.h"
#include "poc/v1/observers.pb.h"

namespace poc::pocctl {

struct ObserverOptions {
  CLI::App* propose = nullptr;
  CLI::App* object = nullptr;
  CLI::App* list = nullptr;
  std::string secretariat;  // --secretariat FILE, or POC_SECRETARIAT
  std::string slug;
  std::string organization;
  std::string kind;
  std::string purpose;
  std::string proposal_id;  // object ID (or a unique prefix of 8+ characters)
  std::string reason;
};

CLI::App* AddObserverCommand(CLI::App& app, ObserverOptions* options);

absl::Status RunObserver(const ObserverOptions& options, CommandContext& ctx);

// The table `pocctl observer list` prints, as of relay time `now`.
std::string FormatObserverTable(const v1::ListObserversResponse& list, absl::Time now);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_OBSERVER_COMMAND_H_
