#include "server/http/http_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <string_view>
#include <type_traits>
#include <utility>

namespace poc {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

constexpr std::chrono::seconds kIdleTimeout(kIdleTimeoutSeconds);
// Closing stops after dropping this much of what the peer still sends.
constexpr size_t kMaxDrainBytes = size_t{64} * 1024;

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

template <typename Body>
void SetHeaders(bhttp::response<Body>& response, const HttpReply& reply, bool keep_alive,
                bool allow_header) {
  response.set(bhttp::field::server, "poc-relay");
  response.set(bhttp::field::content_type, reply.content_type);
  response.set(bhttp::field::cache_control, reply.cache_control);
  if (allow_header) response.set(bhttp::field::allow, "GET, HEAD");
  response.keep_alive(keep_alive);
}

}  // namespace

HttpSession::HttpSession(boost::asio::ip::tcp::socket&& socket, const RelayRoutes* routes)
    : stream_(std::move(socket)), routes_(routes) {}

void HttpSession::Start() {
  // The socket was accepted on this connection's strand; run every step there.
  boost::asio::dispatch(stream_.get_executor(),
                        beast::bind_front_handler(&HttpSession::ReadRequest, shared_from_this()));
}

void HttpSession::ReadRequest() {
  parser_.emplace();
  parser_->header_limit(kMaxRequestHeaderBytes);
  parser_->body_limit(0);
  stream_.expires_after(kIdleTimeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    beast::bind_front_handler(&HttpSession::OnRead, shared_from_this()));
}

void HttpSession::OnRead(beast::error_code ec, size_t /*bytes*/) {
  if (!ec) return Respond(parser_->get());
  if (ec == bhttp::error::end_of_stream) return Close();
  if (ec == bhttp::error::header_limit) {
    return SendReply(HttpReply::Text(431, "request header larger than 8 KiB\n"), 11, false, false,
                     false);
  }
  if (ec == bhttp::error::body_limit || ec == bhttp::error::unexpected_body) {
    return SendReply(HttpReply::Text(413, "request bodies are not accepted\n"), 11, false, false,
                     false);
  }
  if (ec != bhttp::error::partial_message && IsHttpParseError(ec)) {
    return SendReply(HttpReply::Text(400, "malformed HTTP request\n"), 11, false, false, false);
  }
  // A timeout (the stream is closed already), a reset or a peer gone mid-request: nobody to
  // answer. Returning drops the last reference and closes the socket.
}

void HttpSession::Respond(const Request& request) {
  const bool head_only = request.method() == bhttp::verb::head;
  if (request.method() != bhttp::verb::get && !head_only) {
    return SendReply(HttpReply::Text(405, "only GET and HEAD are allowed\n"), request.version(),
                     request.keep_alive(), false, true);
  }
  const auto target = request.target();
  // Routes run here, on the io thread: AuditReader calls are short SQLite reads.
  HttpReply reply = routes_->Get(std::string_view(target.data(), target.size()));
  SendReply(std::move(reply), request.version(), request.keep_alive(), head_only, false);
}

void HttpSession::SendReply(HttpReply reply, unsigned version, bool keep_alive, bool head_only,
                            bool allow_header) {
  const auto status = static_cast<bhttp::status>(reply.status);
  if (head_only) {
    bhttp::response<bhttp::empty_body> response(status, version);
    SetHeaders(response, reply, keep_alive, allow_header);
    response.content_length(reply.body.size());
    return Send(std::move(response));
  }
  bhttp::response<bhttp::string_body> response(status, version);
  SetHeaders(response, reply, keep_alive, allow_header);
  response.body() = std::move(reply.body);
  response.prepare_payload();
  Send(std::move(response));
}

template <typename Message>
void HttpSession::Send(Message&& message) {
  auto owned = std::make_shared<std::decay_t<Message>>(std::forward<Message>(message));
  const bool close = owned->need_eof();
  response_ = owned;
  stream_.expires_after(kIdleTimeout);
  bhttp::async_write(stream_, *owned,
                     beast::bind_front_handler(&HttpSession::OnWrite, shared_from_this(), close));
}

void HttpSession::OnWrite(bool close, beast::error_code ec, size_t /*bytes*/) {
  response_.reset();
  if (ec) return;  // the peer is gone or too slow: drop the connection
  if (close) return Close();
  ReadRequest();
}

void HttpSession::Close() {
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  stream_.expires_after(kIdleTimeout);
  Drain();
}

void HttpSession::Drain() {
  stream_.async_read_some(boost::asio::buffer(drain_buffer_),
                          [self = shared_from_this()](beast::error_code ec, size_t bytes) {
                            self->drained_ += bytes;
                            if (!ec && self->drained_ < kMaxDrainBytes) self->Drain();
                          });
}

}  // namespace poc
