// A small synchronous HTTP/1.1 client for reading a log published in the tlog-tiles layout:
// plain http only, one keep-alive connection, every operation bounded by a timeout.
#ifndef POC_CLIENT_POCCTL_HTTP_FETCHER_H_
#define POC_CLIENT_POCCTL_HTTP_FETCHER_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace poc::pocctl {

// Not thread-safe: one per thread.
class HttpFetcher {
 public:
  // `base_url` is "http://host[:port][/prefix]", e.g. "http://127.0.0.1:8080/audit". Fails
  // (InvalidArgument) for any other scheme or a malformed URL. Connects lazily.
  static absl::StatusOr<std::unique_ptr<HttpFetcher>> Create(std::string_view base_url,
                                                             std::chrono::milliseconds timeout);
  ~HttpFetcher();
  HttpFetcher(const HttpFetcher&) = delete;
  HttpFetcher& operator=(const HttpFetcher&) = delete;

  // GETs `base_url`/`path` and returns the body of a 200 answer. NotFound for 404, Unavailable
  // when the server cannot be reached or answers otherwise; messages name the URL. A broken
  // keep-alive connection is reopened once.
  absl::StatusOr<std::string> Get(std::string_view path);

  std::string Url(std::string_view path) const;

 private:
  struct Connection;
  HttpFetcher(std::string host, std::string port, std::string prefix,
              std::chrono::milliseconds timeout);
  absl::StatusOr<std::string> GetOnce(const std::string& target, bool* retry);

  const std::string host_;
  const std::string port_;
  const std::string prefix_;  // "" or "/audit", never ending in '/'
  const std::chrono::milliseconds timeout_;
  std::unique_ptr<Connection> conn_;  // null until connected, and after a failure
};

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_HTTP_FETCHER_H_
