// A child process for integration tests: real binaries, their output in a log file.
#ifndef POC_TESTS_INTEGRATION_PROCESS_H_
#define POC_TESTS_INTEGRATION_PROCESS_H_

#include <sys/types.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace poc::testing {

// Path of a built binary, e.g. BinaryPath("server/poc-relay"), from $POC_BUILD_DIR.
std::string BinaryPath(const std::string& relative);

// Polls `condition` every 20 ms until it holds or `timeout` passes. Waiting for an event is
// not a timing assertion: the generous timeout only bounds a test that would otherwise hang.
bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout = absl::Seconds(30));

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a command to completion, stdin from /dev/null. (Not "Run": gtest fixtures have one.)
RunResult RunCommand(const std::vector<std::string>& argv,
                     const std::map<std::string, std::string>& env = {});

class Process {
 public:
  Process() = default;
  ~Process();  // kills the process if still running
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  void Start(const std::vector<std::string>& argv, const std::string& log_path,
             const std::map<std::string, std::string>& env = {});
  bool Running();
  // Sends `sig` (e.g. SIGHUP) and returns at once.
  void Signal(int sig);
  // Sends `sig` and waits for the exit; returns the exit status as from waitpid.
  int Stop(int sig);
  // Waits for the process to exit by itself; -1 on timeout.
  int WaitExit(absl::Duration timeout);
  const std::string& log_path() const { return log_path_; }
  pid_t pid() const { return pid_; }
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  std::string log_path_;
};

}  // namespace poc::testing

#endif  // POC_TESTS_INTEGRATION_PROCESS_H_
