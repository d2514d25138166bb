// One connection of RelayHttpServer. Internal to poc_relay_http.
#ifndef POC_SERVER_HTTP_HTTP_SESSION_H_
#define POC_SERVER_HTTP_HTTP_SESSION_H_

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "server/http/http_reply.h"
#include "server/http/relay_routes.h"

namespace poc {

// Limits every connection lives under.
inline constexpr size_t kMaxRequestHeaderBytes = 8 * 1024;  // larger: 431, then close
inline constexpr int kIdleTimeoutSeconds = 30;              // per read or write; on expiry: close

// Serves HTTP/1.x requests one after the other on one connection (keep-alive), without
// coroutines: each step is an async operation on the connection's strand whose handler holds a
// shared_ptr to the session, so the session lives exactly as long as an operation is pending.
// Only GET and HEAD are served (others: 405 with "Allow: GET, HEAD"); a request with a body is
// answered 413, a malformed one 400, both followed by a close. Routes run on the io thread.
//
// `routes` is not owned and must outlive every session (the server destroys its io_context,
// and with it the sessions, before its routes).
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, const RelayRoutes* routes);
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  // Starts reading the first request.
  void Start();

 private:
  using Request = boost::beast::http::request<boost::beast::http::empty_body>;

  void ReadRequest();
  void OnRead(boost::beast::error_code ec, size_t bytes);
  void Respond(const Request& request);
  // Writes `reply` (headers only when `head_only`), then reads the next request unless
  // `keep_alive` is false.
  void SendReply(HttpReply reply, unsigned version, bool keep_alive, bool head_only,
                 bool allow_header);
  template <typename Message>
  void Send(Message&& message);
  void OnWrite(bool close, boost::beast::error_code ec, size_t bytes);
  // Half-closes, then reads and drops what the peer still sends until it closes too (or the
  // timeout), so that closing never resets a connection whose response is still unread.
  void Close();
  void Drain();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::empty_body>> parser_;
  std::shared_ptr<void> response_;  // the message being written, kept alive until OnWrite
  std::array<char, 4096> drain_buffer_;
  size_t drained_ = 0;
  const RelayRoutes* const routes_;
};

}  // namespace poc

#endif  // POC_SERVER_HTTP_HTTP_SESSION_H_
