#include "tests/integration/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/time/clock.h"
#include "tests/test_paths.h"

namespace poc::testing {

std::string BinaryPath(const std::string& relative) { return BuildDir() + "/" + relative; }

bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout) {
  const absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

namespace {

pid_t Spawn(const std::vector<std::string>& argv, int out_fd,
            const std::map<std::string, std::string>& env) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(null_fd, 0);  // children never wait for a terminal
    ::dup2(out_fd, 1);
    ::dup2(out_fd, 2);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

RunResult RunCommand(const std::vector<std::string>& argv,
                     const std::map<std::string, std::string>& env) {
  char path[] = "/tmp/poc-run-XXXXXX";
  const int fd = ::mkstemp(path);
  const pid_t pid = Spawn(argv, fd, env);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(fd);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  r.output = ss.str();
  ::unlink(path);
  return r;
}

Process::~Process() {
  if (pid_ > 0 && Running()) Stop(SIGKILL);
}

void Process::Start(const std::vector<std::string>& argv, const std::string& log_path,
                    const std::map<std::string, std::string>& env) {
  log_path_ = log_path;
  const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  pid_ = Spawn(argv, fd, env);
  ::close(fd);
}

bool Process::Running() {
  if (pid_ <= 0) return false;
  const pid_t r = ::waitpid(pid_, &status_, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

void Process::Signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

int Process::Stop(int sig) {
  if (pid_ <= 0) return status_;
  ::kill(pid_, sig);
  ::waitpid(pid_, &status_, 0);
  pid_ = -1;
  return status_;
}

int Process::WaitExit(absl::Duration timeout) {
  if (!WaitFor([this] { return !Running(); }, timeout)) return -1;
  return status_;
}

std::string Process::Log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace poc::testing
