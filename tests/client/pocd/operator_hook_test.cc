// The operator hook's failure paths (client/pocd/operator_hook.h): a failing command is retried
// and then given up, a command that outlives its timeout is killed, and neither stops the events
// queued after it. Delivery by command and by URL on the happy path is covered end to end by
// tests/integration/escalation_test.cc and witness_test.cc.
#include "client/pocd/operator_hook.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>

#include "tests/common/test_util.h"

namespace poc {
namespace {

using ::poc::testutil::TempDir;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Waits (up to 20 s, for slow sanitizer builds) until `condition` holds.
bool Eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

// A shell command for the hook: appends each event it reads to `log`, one line per attempt,
// and fails (exit 1) on its first `failures` attempts in all.
std::vector<std::string> CountingCommand(const TempDir& dir, int failures) {
  const std::string script = "n=$(cat " + dir.File("count") +
                             " 2>/dev/null || echo 0); n=$((n+1)); " + "echo $n > " +
                             dir.File("count") + "; read event; echo \"$n $event\" >> " +
                             dir.File("log") + "; [ $n -gt " + std::to_string(failures) + " ]";
  return {"/bin/sh", "-c", script};
}

TEST(OperatorHookTest, AFailedCommandIsRetriedUntilItSucceeds) {
  TempDir dir;
  OperatorHook::Options options;
  options.command = CountingCommand(dir, 1);
  options.retries = 2;
  OperatorHook hook(options);
  hook.Post(R"({"event":"message"})");
  ASSERT_TRUE(Eventually([&] { return ReadFile(dir.File("count")) == "2\n"; }))
      << ReadFile(dir.File("log"));
  hook.Stop();
  EXPECT_EQ(ReadFile(dir.File("log")), "1 {\"event\":\"message\"}\n2 {\"event\":\"message\"}\n")
      << "the same event again after the failure, and no third attempt after the success";
}

TEST(OperatorHookTest, AnEventIsGivenUpAfterItsRetriesAndTheNextOneStillRuns) {
  TempDir dir;
  OperatorHook::Options options;
  options.command = CountingCommand(dir, 2);  // attempts 1 and 2 fail, 3 succeeds
  options.retries = 1;                        // so the first event gets 2 attempts only
  OperatorHook hook(options);
  hook.Post("first");
  hook.Post("second");
  ASSERT_TRUE(Eventually([&] { return ReadFile(dir.File("count")) == "3\n"; }))
      << ReadFile(dir.File("log"));
  hook.Stop();
  EXPECT_EQ(ReadFile(dir.File("log")), "1 first\n2 first\n3 second\n");
}

TEST(OperatorHookTest, ACommandThatOutlivesItsTimeoutIsKilledAndTheQueueGoesOn) {
  TempDir dir;
  OperatorHook::Options options;
  // "hang" makes the command record its process id and sleep far past the timeout; anything
  // else is written down at once.
  options.command = {"/bin/sh", "-c",
                     "read event; if [ \"$event\" = hang ]; then echo $$ > " + dir.File("pid") +
                         "; exec sleep 60; fi; echo \"$event\" >> " + dir.File("log")};
  options.timeout = absl::Milliseconds(300);
  options.retries = 0;
  OperatorHook hook(options);
  hook.Post("hang");
  hook.Post("after");
  ASSERT_TRUE(Eventually([&] { return ReadFile(dir.File("log")) == "after\n"; }))
      << "the event queued behind the hanging command never ran";
  hook.Stop();
  const pid_t pid = std::stoi(ReadFile(dir.File("pid")));
  EXPECT_NE(::kill(pid, 0), 0) << "the timed-out command " << pid << " is still running";
}

}  // namespace
}  // namespace poc
