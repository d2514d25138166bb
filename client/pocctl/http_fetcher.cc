#include "client/pocctl/http_fetcher.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/dynamic_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <utility>

#include "absl/strings/str_cat.h"

namespace poc::pocctl {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::asio::ip::tcp;

// Bundles and tiles are small; a checkpoint smaller still. Anything larger is not a log.
constexpr size_t kMaxBody = 32 << 20;

}  // namespace

struct HttpFetcher::Connection {
  boost::asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
};

HttpFetcher::HttpFetcher(std::string host, std::string port, std::string prefix,
                         std::chrono::milliseconds timeout)
    : host_(std::move(host)),
      port_(std::move(port)),
      prefix_(std::move(prefix)),
      timeout_(timeout) {}

HttpFetcher::~HttpFetcher() = default;

absl::StatusOr<std::unique_ptr<HttpFetcher>> HttpFetcher::Create(
    std::string_view base_url, std::chrono::milliseconds timeout) {
  std::string_view rest = base_url;
  constexpr std::string_view kScheme = "http://";
  if (rest.substr(0, kScheme.size()) != kScheme) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", std::string(base_url),
                     "' is not an http:// URL; give the log's tiles prefix, e.g. "
                     "http://relay.example:8080/audit (https is not supported: put the "
                     "tiles behind plain http or copy them)"));
  }
  rest.remove_prefix(kScheme.size());
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string prefix(slash == std::string_view::npos ? "" : rest.substr(slash));
  while (!prefix.empty() && prefix.back() == '/') {
    prefix.pop_back();
  }
  std::string host(authority), port = "80";
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", std::string(base_url), "': bad IPv6 host"));
    }
    host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') {
      port = std::string(authority.substr(close + 2));
    }
  } else if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = std::string(authority.substr(0, colon));
    port = std::string(authority.substr(colon + 1));
  }
  if (host.empty() || port.empty() || port.find_first_not_of("0123456789") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", std::string(base_url), "' has no valid host:port"));
  }
  return std::unique_ptr<HttpFetcher>(
      new HttpFetcher(std::move(host), std::move(port), std::move(prefix), timeout));
}

std::string HttpFetcher::Url(std::string_view path) const {
  return absl::StrCat("http://", host_, ":", port_, prefix_, "/", std::string(path));
}

absl::StatusOr<std::string> HttpFetcher::Get(std::string_view path) {
  const std::string target = absl::StrCat(prefix_, "/", std::string(path));
  bool retry = false;
  auto body = GetOnce(target, &retry);
  if (!body.ok() && retry) {
    body = GetOnce(target, &retry);
  }
  return body;
}

absl::StatusOr<std::string> HttpFetcher::GetOnce(const std::string& target, bool* retry) {
  const bool reused = conn_ != nullptr;
  *retry = false;
  const std::string url = absl::StrCat("http://", host_, ":", port_, target);
  auto unreachable = [&](const std::string& what, const beast::error_code& ec) {
    conn_.reset();
    return absl::UnavailableError(absl::StrCat("cannot fetch ", url, ": ", what, ": ", ec.message(),
                                               "; check the URL and that the server is up"));
  };
  beast::error_code ec;
  if (!reused) {
    conn_ = std::make_unique<Connection>();
    tcp::resolver resolver(conn_->io);
    auto endpoints = resolver.resolve(host_, port_, ec);
    if (ec) {
      return unreachable("resolve " + host_, ec);
    }
    conn_->stream.expires_after(timeout_);
    conn_->stream.connect(endpoints, ec);
    if (ec) {
      return unreachable("connect", ec);
    }
  }
  bhttp::request<bhttp::empty_body> request(bhttp::verb::get, target, 11);
  request.set(bhttp::field::host, host_);
  request.set(bhttp::field::user_agent, "pocctl");
  request.keep_alive(true);
  conn_->stream.expires_after(timeout_);
  bhttp::write(conn_->stream, request, ec);
  if (ec) {
    *retry = reused;  // the server may have closed an idle connection
    return unreachable("send request", ec);
  }
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(kMaxBody);
  bhttp::read(conn_->stream, conn_->buffer, parser, ec);
  if (ec) {
    *retry = reused && (ec == bhttp::error::end_of_stream || ec == boost::asio::error::eof ||
                        ec == boost::asio::error::connection_reset);
    return unreachable("read response", ec);
  }
  bhttp::response<bhttp::string_body> response = parser.release();
  if (!response.keep_alive()) {
    conn_.reset();
  }
  if (response.result() == bhttp::status::not_found) {
    return absl::NotFoundError(absl::StrCat(url, ": 404 Not Found"));
  }
  if (response.result() != bhttp::status::ok) {
    return absl::UnavailableError(
        absl::StrCat(url, ": HTTP ", response.result_int(), " ", std::string(response.reason())));
  }
  return std::move(response.body());
}

}  // namespace poc::pocctl
