#include "tests/server/http/test_http_client.h"

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <utility>

#include "absl/strings/str_cat.h"

namespace poc::testing {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

absl::Status Failed(const char* what, const beast::error_code& ec) {
  return absl::UnavailableError(absl::StrCat(what, ": ", ec.message()));
}

}  // namespace

TestHttpClient::TestHttpClient() : stream_(io_) {}

template <typename Start>
beast::error_code TestHttpClient::Run(Start start) {
  bool done = false;
  beast::error_code result;
  stream_.expires_after(kTestHttpTimeout);
  start([&done, &result](beast::error_code ec, auto&&...) {
    result = ec;
    done = true;
  });
  io_.restart();
  // The stream's timer closes the socket at the deadline, which completes the operation.
  while (!done && io_.run_one() > 0) {
  }
  if (!done) return boost::asio::error::timed_out;
  return result;
}

absl::StatusOr<std::unique_ptr<TestHttpClient>> TestHttpClient::Connect(int port) {
  std::unique_ptr<TestHttpClient> client(new TestHttpClient());
  const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::address_v4::loopback(),
                                                static_cast<unsigned short>(port));
  beast::error_code ec = client->Run(
      [&](auto handler) { client->stream_.async_connect(endpoint, std::move(handler)); });
  if (ec) return Failed("connect", ec);
  return client;
}

absl::StatusOr<TestHttpClient::Response> TestHttpClient::Fetch(bhttp::verb method,
                                                               const std::string& target) {
  Request request(method, target, 11);
  request.set(bhttp::field::host, "127.0.0.1");
  request.keep_alive(true);
  return Send(std::move(request));
}

absl::StatusOr<TestHttpClient::Response> TestHttpClient::Send(Request request) {
  const bool head = request.method() == bhttp::verb::head;
  beast::error_code ec =
      Run([&](auto handler) { bhttp::async_write(stream_, request, std::move(handler)); });
  if (ec) return Failed("write request", ec);
  return ReadResponse(head);
}

absl::StatusOr<TestHttpClient::Response> TestHttpClient::SendRaw(const std::string& bytes,
                                                                 bool head) {
  beast::error_code ec = Run([&](auto handler) {
    boost::asio::async_write(stream_, boost::asio::buffer(bytes), std::move(handler));
  });
  if (ec) return Failed("write request", ec);
  return ReadResponse(head);
}

absl::StatusOr<TestHttpClient::Response> TestHttpClient::ReadResponse(bool head) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(1 << 20);
  parser.skip(head);  // a response to HEAD announces a body it does not carry
  beast::error_code ec =
      Run([&](auto handler) { bhttp::async_read(stream_, buffer_, parser, std::move(handler)); });
  if (ec) return Failed("read response", ec);
  return parser.release();
}

absl::Status TestHttpClient::ExpectClosedByServer() {
  if (buffer_.size() != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(buffer_.size(), " unread bytes before the end of the stream"));
  }
  std::array<char, 64> scratch;
  size_t read = 0;
  beast::error_code ec = Run([&](auto handler) {
    stream_.async_read_some(
        boost::asio::buffer(scratch),
        [&read, handler = std::move(handler)](beast::error_code e, size_t n) mutable {
          read = n;
          handler(e);
        });
  });
  if (ec == boost::asio::error::eof && read == 0) return absl::OkStatus();
  if (!ec) return absl::FailedPreconditionError("the server sent more bytes instead of closing");
  return Failed("expected the end of the stream", ec);
}

}  // namespace poc::testing
