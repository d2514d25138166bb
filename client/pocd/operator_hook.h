// pocd's operator hook (README, "The operator hook"): on each new message, reminder, escalation
// notice and witness alarm, pocd runs a configured command with one JSON object on its stdin
// and/or POSTs that object to a local URL, so a CERT can feed its ticketing system.
//
// Never on the delivery path: Post() only queues; one worker thread runs the hook, kills a
// command that outlives `timeout`, and retries a failed event `retries` more times (1s, 2s, ...
// apart) before logging it as given up. The queue holds at most kMaxQueued events; beyond that
// the oldest is dropped, with an error line.
#ifndef POC_CLIENT_POCD_OPERATOR_HOOK_H_
#define POC_CLIENT_POCD_OPERATOR_HOOK_H_

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "poc/v1/message.pb.h"

namespace poc {

// The parts of a hook URL; only http:// to this machine (127.0.0.1, localhost, [::1]).
struct HookUrl {
  std::string host;
  std::string port;
  std::string target;  // path and query, "/" at least
};

// INVALID_ARGUMENT naming `key` for anything but http://LOOPBACK:PORT/PATH.
absl::StatusOr<HookUrl> ParseHookUrl(const std::string& url, std::string_view key);

// The JSON object of a message event: {"event", "state", "at", "drill", "message" (the Message as
// pocctl show --json prints it: proto field names)}, plus "escalation_step" for a notice.
// `event` is "message", "reminder" or "escalation".
std::string HookMessageJson(std::string_view event, const v1::Message& message,
                            const std::string& state, absl::Time at);
// "message", "reminder" or "escalation" for a stored message.
std::string HookEventFor(const v1::Message& message);

class OperatorHook {
 public:
  static constexpr size_t kMaxQueued = 1000;
  struct Options {
    std::vector<std::string> command;  // argv, run without a shell; empty: none
    std::string url;                   // empty: none
    absl::Duration timeout = absl::Seconds(10);
    int retries = 2;
  };

  explicit OperatorHook(Options options);
  ~OperatorHook();
  OperatorHook(const OperatorHook&) = delete;
  OperatorHook& operator=(const OperatorHook&) = delete;

  bool enabled() const { return !options_.command.empty() || !options_.url.empty(); }
  // Queues one event (a JSON object); returns at once. A no-op when nothing is configured.
  void Post(std::string json);
  // Runs what is queued no further (an event in progress finishes or times out) and joins.
  void Stop();

 private:
  void Run();
  absl::Status Deliver(const std::string& json);
  absl::Status RunCommand(const std::string& json);
  absl::Status PostUrl(const std::string& json);

  const Options options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;  // guarded by mu_
  bool stopping_ = false;          // guarded by mu_
  std::thread thread_;
};

}  // namespace poc

#endif  // POC_CLIENT_POCD_OPERATOR_HOOK_H_
