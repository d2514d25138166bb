#include "server/http/relay_http_server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <exception>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "server/http/http_listener.h"
#include "spdlog/spdlog.h"

namespace poc {
namespace {

namespace net = boost::asio;
using net::ip::tcp;

absl::StatusOr<tcp::endpoint> ParseListenAddress(const std::string& listen) {
  auto bad = [&listen](const std::string& why) {
    return absl::InvalidArgumentError(
        absl::StrCat("HTTP listen address \"", listen, "\": ", why,
                     "; expected <ip>:<port>, e.g. 127.0.0.1:9090 or [::1]:9090"));
  };
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return bad("no port");
  std::string host = listen.substr(0, colon);
  const std::string port_text = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return bad("an IPv6 address needs brackets");
  }
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(port_text) > 65535) {
    return bad(absl::StrCat("port \"", port_text, "\" is not a number 0..65535"));
  }
  if (host.empty()) host = "0.0.0.0";
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code ec;
  const net::ip::address address = net::ip::make_address(host, ec);
  if (ec) return bad(absl::StrCat("\"", host, "\" is not an IP address"));
  return tcp::endpoint(address, static_cast<unsigned short>(std::stoul(port_text)));
}

// An io thread: handlers do not throw, but should one, log it and keep serving.
void RunIo(net::io_context* io) {
  for (;;) {
    try {
      io->run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("HTTP server: a handler threw: {}", e.what());
    }
  }
}

}  // namespace

struct RelayHttpServer::Io {
  explicit Io(int threads) : context(threads), work(context.get_executor()) {}

  net::io_context context;
  net::executor_work_guard<net::io_context::executor_type> work;  // run() until Stop
  std::shared_ptr<HttpListener> listener;
  std::vector<std::thread> threads;
};

absl::StatusOr<std::unique_ptr<RelayHttpServer>> RelayHttpServer::Start(
    const std::string& listen, AuditReader* audit, const RelayMetrics* metrics,
    std::function<bool()> healthy, int threads) {
  if (audit == nullptr || metrics == nullptr || !healthy) {
    return absl::InvalidArgumentError(
        "RelayHttpServer::Start needs an audit reader, metrics and a health check");
  }
  if (threads < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("HTTP server threads must be at least 1, not ", threads));
  }
  ASSIGN_OR_RETURN(const tcp::endpoint endpoint, ParseListenAddress(listen));
  auto routes = std::make_unique<RelayRoutes>(audit, metrics, std::move(healthy));
  auto io = std::make_unique<Io>(threads);
  ASSIGN_OR_RETURN(io->listener, HttpListener::Open(io->context, endpoint, routes.get()));
  const int port = io->listener->port();
  std::unique_ptr<RelayHttpServer> server(new RelayHttpServer(std::move(routes), port));
  io->listener->Start();
  for (int i = 0; i < threads; ++i) io->threads.emplace_back(RunIo, &io->context);
  server->io_ = std::move(io);
  return server;
}

RelayHttpServer::RelayHttpServer(std::unique_ptr<RelayRoutes> routes, int port)
    : routes_(std::move(routes)), port_(port) {}

RelayHttpServer::~RelayHttpServer() { Stop(); }

void RelayHttpServer::Stop() {
  std::lock_guard<std::mutex> lock(stop_mu_);
  if (io_ == nullptr) return;
  io_->work.reset();
  io_->context.stop();
  for (std::thread& thread : io_->threads) thread.join();
  io_->listener.reset();
  // Destroying the io_context destroys its pending handlers, and with them the listener, the
  // sessions and their sockets.
  io_.reset();
}

}  // namespace poc
