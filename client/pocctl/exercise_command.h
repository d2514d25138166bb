// pocctl exercise: the Secretariat's ping exercises (proto/poc/v1/exercises.proto).
//
//   pocctl exercise create --name N --targets all|group:G|FRA,DEU --at TIME|now [--every 90d]
//                          --deadline 4h --mode receipt|acknowledge       (Secretariat only)
//   pocctl exercise list | show ID | cancel ID [--reason R]
//   pocctl exercise report ID [--run N] [--format table|json|csv]
//
// Every subcommand talks to the relay directly with the certificate named in --secretariat FILE
// (the Secretariat's admin certificate; list, show and report also work with a State's node
// certificate or an accredited observer's, since reports are published to them).
#ifndef POC_CLIENT_POCCTL_EXERCISE_COMMAND_H_
#define POC_CLIENT_POCCTL_EXERCISE_COMMAND_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/pocctl/command_context.h"
#include "poc/v1/exercises.pb.h"

namespace poc::pocctl {

struct ExerciseOptions {
  CLI::App* create = nullptr;
  CLI::App* list = nullptr;
  CLI::App* show = nullptr;
  CLI::App* cancel = nullptr;
  CLI::App* report = nullptr;
  std::string secretariat;  // --secretariat FILE, or POC_SECRETARIAT
  std::string name;
  std::string targets;  // "all", "group:WEOG", "FRA,DEU", or a mix, comma-separated
  std::string at = "now";
  std::string every;
  std::string deadline;
  std::string mode;
  std::string id;  // the exercise id (or its first 8+ characters)
  std::string reason;
  uint64_t run = 0;
  std::string format = "table";
};

CLI::App* AddExerciseCommand(CLI::App& app, ExerciseOptions* options);

absl::Status RunExercise(const ExerciseOptions& options, CommandContext& ctx);

// The CreateExerciseRequest the create flags ask for, with `now` as the local clock (for
// --at +10m and a --deadline given as a time). INVALID_ARGUMENT naming the flag.
absl::StatusOr<v1::CreateExerciseRequest> ExerciseRequestFromFlags(const ExerciseOptions& options,
                                                                   absl::Time now);

// A time as --at takes it: "now" (nullopt: the relay's clock), "+DURATION" from `now`, or UTC as
// RFC 3339 ("2026-01-05T09:00:00Z") or "2026-01-05 09:00".
absl::StatusOr<std::optional<absl::Time>> ParseExerciseTime(const std::string& text,
                                                            absl::Time now);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_EXERCISE_COMMAND_H_
