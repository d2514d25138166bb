// The accept loop of RelayHttpServer. Internal to poc_relay_http.
#ifndef POC_SERVER_HTTP_HTTP_LISTENER_H_
#define POC_SERVER_HTTP_HTTP_LISTENER_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "server/http/relay_routes.h"

namespace poc {

// Accepts connections for as long as an accept is pending in the io_context and starts an
// HttpSession on its own strand for each. An accept error (e.g. out of file descriptors) is
// logged and retried after a short pause. `routes` is not owned and must outlive the io_context.
class HttpListener : public std::enable_shared_from_this<HttpListener> {
 public:
  // Opens, binds and listens on `endpoint` (port 0: the system picks one). Unavailable, naming
  // the endpoint and the system's reason, when that fails.
  static absl::StatusOr<std::shared_ptr<HttpListener>> Open(
      boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
      const RelayRoutes* routes);

  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // Starts the accept loop. Call once.
  void Start();

  // The bound port.
  uint16_t port() const { return port_; }

 private:
  HttpListener(boost::asio::io_context& io, boost::asio::ip::tcp::acceptor acceptor, uint16_t port,
               const RelayRoutes* routes);

  void Accept();
  void OnAccept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;
  const RelayRoutes* const routes_;
  const uint16_t port_;
};

}  // namespace poc

#endif  // POC_SERVER_HTTP_HTTP_LISTENER_H_
