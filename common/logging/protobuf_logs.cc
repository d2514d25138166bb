#include "common/logging/protobuf_logs.h"

#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

#include <string>

#include "common/logging/log_throttle.h"

namespace poc {
namespace {

void HandleProtobufLog(google::protobuf::LogLevel level, const char* /*filename*/, int /*line*/,
                       const std::string& message) {
  static SystemClock clock;
  static LogThrottle throttle(5, absl::Minutes(1), &clock);
  switch (level) {
    case google::protobuf::LOGLEVEL_INFO:
      spdlog::debug("protobuf: {}", message);
      return;
    case google::protobuf::LOGLEVEL_FATAL:
      spdlog::critical("protobuf: {}", message);  // protobuf aborts after this
      return;
    default: {
      const LogThrottle::Verdict verdict = throttle.Admit(message);
      if (verdict.log) {
        spdlog::warn("protobuf: {}{}", message, LogThrottle::Suffix(verdict));
      }
    }
  }
}

}  // namespace

void RouteProtobufLogsToSpdlog() { google::protobuf::SetLogHandler(&HandleProtobufLog); }

}  // namespace poc
