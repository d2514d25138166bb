// A minimal HTTP/1.1 client on one keep-alive connection, for tests of the HTTP server. Every
// operation gives up after kTestHttpTimeout.
#ifndef POC_TESTS_SERVER_HTTP_TEST_HTTP_CLIENT_H_
#define POC_TESTS_SERVER_HTTP_TEST_HTTP_CLIENT_H_

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace poc::testing {

inline constexpr std::chrono::seconds kTestHttpTimeout(10);

class TestHttpClient {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  // Connects to 127.0.0.1:`port`.
  static absl::StatusOr<std::unique_ptr<TestHttpClient>> Connect(int port);

  TestHttpClient(const TestHttpClient&) = delete;
  TestHttpClient& operator=(const TestHttpClient&) = delete;

  // Sends `method` `target` (HTTP/1.1, keep-alive) and reads the response.
  absl::StatusOr<Response> Fetch(boost::beast::http::verb method, const std::string& target);
  absl::StatusOr<Response> Get(const std::string& target) {
    return Fetch(boost::beast::http::verb::get, target);
  }
  // Writes `request` as it is (Content-Length and all) and reads the response.
  absl::StatusOr<Response> Send(Request request);
  // Writes `bytes` verbatim and reads one response (to a HEAD when `head`).
  absl::StatusOr<Response> SendRaw(const std::string& bytes, bool head = false);

  // OK when the server has closed the connection: the next read finds the end of the stream
  // with nothing unread before it.
  absl::Status ExpectClosedByServer();

 private:
  TestHttpClient();

  // Runs the io_context until the operation `start` began completes, or kTestHttpTimeout.
  template <typename Start>
  boost::beast::error_code Run(Start start);
  absl::StatusOr<Response> ReadResponse(bool head);

  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace poc::testing

#endif  // POC_TESTS_SERVER_HTTP_TEST_HTTP_CLIENT_H_
