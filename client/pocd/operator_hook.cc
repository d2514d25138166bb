#include "client/pocd/operator_hook.h"

#include <google/protobuf/util/json_util.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <nlohmann/json.hpp>

#include "absl/time/clock.h"
#include "common/drills/drill_words.h"
#include "common/util/time_format.h"

extern char** environ;

namespace poc {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;

constexpr absl::Duration kRetryStep = absl::Seconds(1);

}  // namespace

absl::StatusOr<HookUrl> ParseHookUrl(const std::string& url, std::string_view key) {
  const std::string bad = std::string(key) + ": '" + url + "' ";
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) {
    return absl::InvalidArgumentError(bad + "must start with http:// (a listener on this machine)");
  }
  const std::string rest = url.substr(kScheme.size());
  const size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  HookUrl out;
  out.target = slash == std::string::npos ? "/" : rest.substr(slash);
  size_t colon = authority.rfind(':');
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string::npos) {
      return absl::InvalidArgumentError(bad + "has an unclosed [");
    }
    out.host = authority.substr(1, close - 1);
    colon =
        authority.size() > close + 1 && authority[close + 1] == ':' ? close + 1 : std::string::npos;
  } else {
    out.host = authority.substr(0, colon);
  }
  if (colon == std::string::npos || colon + 1 >= authority.size()) {
    return absl::InvalidArgumentError(bad + "needs a port, e.g. http://127.0.0.1:8080/hook");
  }
  out.port = authority.substr(colon + 1);
  if (out.port.find_first_not_of("0123456789") != std::string::npos || out.port.size() > 5) {
    return absl::InvalidArgumentError(bad + "has a port that is not a number");
  }
  if (out.host != "127.0.0.1" && out.host != "localhost" && out.host != "::1") {
    return absl::InvalidArgumentError(
        bad +
        "is not on this machine; the hook posts only to 127.0.0.1, localhost or [::1] "
        "(messages must not leave the node unprotected)");
  }
  return out;
}

std::string HookEventFor(const v1::Message& message) {
  if (message.has_escalation()) {
    return message.escalation().step() == v1::ESCALATION_STEP_REMINDER ? "reminder" : "escalation";
  }
  return "message";
}

std::string HookMessageJson(std::string_view event, const v1::Message& message,
                            const std::string& state, absl::Time at) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string message_json;
  if (!google::protobuf::util::MessageToJsonString(message, &message_json, options).ok()) {
    message_json = "{}";
  }
  nlohmann::json json{{"event", std::string(event)},
                      {"state", state},
                      {"at", FormatRfc3339(at)},
                      {"drill", message.drill()},
                      {"message", nlohmann::json::parse(message_json, nullptr, false)}};
  if (message.has_escalation()) {
    json["escalation_step"] = EscalationStepWord(message.escalation().step());
  }
  return json.dump();
}

OperatorHook::OperatorHook(Options options) : options_(std::move(options)) {
  if (enabled()) {
    thread_ = std::thread([this] { Run(); });
  }
}

OperatorHook::~OperatorHook() { Stop(); }

void OperatorHook::Post(std::string json) {
  if (!enabled()) {
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (queue_.size() >= kMaxQueued) {
    spdlog::error("operator hook: {} events wait already; the oldest is dropped", kMaxQueued);
    queue_.pop_front();
  }
  queue_.push_back(std::move(json));
  cv_.notify_one();
}

void OperatorHook::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void OperatorHook::Run() {
  while (true) {
    std::string json;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) {
        return;
      }
      json = std::move(queue_.front());
      queue_.pop_front();
    }
    for (int attempt = 0;; ++attempt) {
      const absl::Status s = Deliver(json);
      if (s.ok()) {
        break;
      }
      if (attempt >= options_.retries) {
        spdlog::error("operator hook: giving up on an event after {} attempt(s): {}", attempt + 1,
                      s.ToString());
        break;
      }
      spdlog::warn("operator hook failed (attempt {} of {}): {}; retrying", attempt + 1,
                   options_.retries + 1, s.ToString());
      std::unique_lock<std::mutex> lock(mu_);
      if (cv_.wait_for(lock, absl::ToChronoNanoseconds(kRetryStep * (attempt + 1)),
                       [this] { return stopping_; })) {
        return;
      }
    }
  }
}

absl::Status OperatorHook::Deliver(const std::string& json) {
  if (!options_.command.empty()) {
    if (absl::Status s = RunCommand(json); !s.ok()) {
      return s;
    }
  }
  if (!options_.url.empty()) {
    return PostUrl(json);
  }
  return absl::OkStatus();
}

absl::Status OperatorHook::RunCommand(const std::string& json) {
  // A socket pair rather than a pipe: send(MSG_NOSIGNAL) cannot kill pocd with SIGPIPE.
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
    return absl::InternalError("cannot make a socket pair");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  std::vector<char*> argv;
  argv.reserve(options_.command.size() + 1);
  for (const std::string& a : options_.command) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[0]);
  if (rc != 0) {
    ::close(fds[1]);
    return absl::FailedPreconditionError("cannot run " + options_.command[0] + ": " +
                                         std::strerror(rc));
  }
  const std::string text = json + "\n";
  size_t off = 0;
  while (off < text.size()) {
    const ssize_t n = ::send(fds[1], text.data() + off, text.size() - off, MSG_NOSIGNAL);
    if (n <= 0) {
      break;  // the command stopped reading; its exit status tells
    }
    off += static_cast<size_t>(n);
  }
  ::shutdown(fds[1], SHUT_WR);
  ::close(fds[1]);
  const absl::Time deadline = absl::Now() + options_.timeout;
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      break;
    }
    if (done < 0 && errno != EINTR) {
      return absl::InternalError("cannot wait for " + options_.command[0]);
    }
    if (absl::Now() >= deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return absl::DeadlineExceededError(options_.command[0] + " ran longer than " +
                                         absl::FormatDuration(options_.timeout) +
                                         " and was killed");
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::UnknownError(options_.command[0] + " failed (" +
                              (WIFEXITED(status)
                                   ? "exit status " + std::to_string(WEXITSTATUS(status))
                                   : "killed by signal " + std::to_string(WTERMSIG(status))) +
                              ")");
  }
  return absl::OkStatus();
}

absl::Status OperatorHook::PostUrl(const std::string& json) {
  absl::StatusOr<HookUrl> url = ParseHookUrl(options_.url, "hook.url");
  if (!url.ok()) {
    return url.status();
  }
  try {
    boost::asio::io_context io;
    boost::asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(absl::ToChronoNanoseconds(options_.timeout));
    stream.connect(resolver.resolve(url->host, url->port));
    http::request<http::string_body> request{http::verb::post, url->target, 11};
    request.set(http::field::host, url->host + ":" + url->port);
    request.set(http::field::user_agent, "pocd-hook");
    request.set(http::field::content_type, "application/json");
    request.body() = json;
    request.prepare_payload();
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    beast::error_code ec;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    if (response.result_int() < 200 || response.result_int() >= 300) {
      return absl::UnavailableError(options_.url + " answered HTTP " +
                                    std::to_string(response.result_int()));
    }
  } catch (const std::exception& e) {
    return absl::UnavailableError("POST " + options_.url + ": " + e.what());
  }
  return absl::OkStatus();
}

}  // namespace poc
