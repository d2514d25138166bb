// A child process the bench starts (the relay, mosquitto, poc-pki) and the resources it uses.
#ifndef POC_BENCH_CHILD_PROCESS_H_
#define POC_BENCH_CHILD_PROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace poc::bench {

// Runs `argv` to completion with stdin from /dev/null and output appended to `log_path`.
absl::Status RunToCompletion(const std::vector<std::string>& argv, const std::string& log_path);

// What /proc says about a process: resident memory now and CPU time used so far.
struct ProcessUsage {
  double rss_mb = 0;
  double cpu_s = 0;  // user + system
};
std::optional<ProcessUsage> ReadUsage(pid_t pid);

// A long-running child. The destructor stops it (SIGTERM, then SIGKILL after 5 s). The child
// also gets SIGKILL when the bench dies (PR_SET_PDEATHSIG), so nothing outlives a crashed run.
class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  absl::Status Start(const std::vector<std::string>& argv, const std::string& log_path);
  bool Running();
  void Stop();
  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }
  // The last lines of the log, for error messages.
  std::string LogTail() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (for servers that cannot bind port 0).
absl::StatusOr<int> PickFreePort();

// True once something accepts TCP connections on 127.0.0.1:`port`.
bool PortAccepts(int port);

}  // namespace poc::bench

#endif  // POC_BENCH_CHILD_PROCESS_H_
