// pocctl, the operator's console for a PoC Network node: parses the command line, runs one
// command against pocd and reports the outcome.
//
// Exit codes: 0 success; 1 the command failed (one line "pocctl: <what>; <what to do>" on
// stderr); 2 the command line is wrong (CLI11's message on stderr).
// With --json, stdout holds only JSON.
#ifndef POC_CLIENT_POCCTL_POCCTL_H_
#define POC_CLIENT_POCCTL_POCCTL_H_

#include <ostream>
#include <string>

#include "client/pocctl/command_context.h"
#include "common/util/clock.h"

namespace poc::pocctl {

// Everything pocctl takes from the process, so tests can run it in-process.
struct Environment {
  std::ostream* out = nullptr;  // stdout
  std::ostream* err = nullptr;  // stderr
  std::string env_node;         // POC_NODE, empty when unset
  const Clock* clock = nullptr;
  Connector connect;  // ConnectToPocd in the binary
};

int RunPocctl(int argc, const char* const* argv, const Environment& env);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_POCCTL_H_
