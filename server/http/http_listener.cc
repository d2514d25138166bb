#include "server/http/http_listener.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <chrono>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/http/http_session.h"
#include "spdlog/spdlog.h"

namespace poc {
namespace {

namespace net = boost::asio;
using net::ip::tcp;

constexpr std::chrono::milliseconds kAcceptErrorPause(100);

std::string Describe(const tcp::endpoint& endpoint) {
  return absl::StrCat(endpoint.address().to_string(), ":", endpoint.port());
}

}  // namespace

absl::StatusOr<std::shared_ptr<HttpListener>> HttpListener::Open(net::io_context& io,
                                                                 const tcp::endpoint& endpoint,
                                                                 const RelayRoutes* routes) {
  tcp::acceptor acceptor(net::make_strand(io));
  boost::system::error_code ec;
  const char* step = "open";
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) {
    step = "bind";
    acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    step = "listen";
    acceptor.listen(net::socket_base::max_listen_connections, ec);
  }
  tcp::endpoint bound;
  if (!ec) {
    step = "read the port it listens";
    bound = acceptor.local_endpoint(ec);
  }
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("HTTP server cannot ", step, " on ", Describe(endpoint), ": ", ec.message()));
  }
  return std::shared_ptr<HttpListener>(
      new HttpListener(io, std::move(acceptor), bound.port(), routes));
}

HttpListener::HttpListener(net::io_context& io, tcp::acceptor acceptor, uint16_t port,
                           const RelayRoutes* routes)
    : io_(io),
      acceptor_(std::move(acceptor)),
      backoff_(acceptor_.get_executor()),
      routes_(routes),
      port_(port) {}

void HttpListener::Start() {
  net::dispatch(acceptor_.get_executor(),
                boost::beast::bind_front_handler(&HttpListener::Accept, shared_from_this()));
}

void HttpListener::Accept() {
  acceptor_.async_accept(net::make_strand(io_), boost::beast::bind_front_handler(
                                                    &HttpListener::OnAccept, shared_from_this()));
}

void HttpListener::OnAccept(boost::beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted) return;  // shutting down
  if (ec) {
    spdlog::warn("HTTP server on port {}: accept failed: {}; retrying", port_, ec.message());
    backoff_.expires_after(kAcceptErrorPause);
    backoff_.async_wait([self = shared_from_this()](boost::beast::error_code wait_ec) {
      if (!wait_ec) self->Accept();
    });
    return;
  }
  std::make_shared<HttpSession>(std::move(socket), routes_)->Start();
  Accept();
}

}  // namespace poc
