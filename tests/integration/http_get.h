// A minimal blocking HTTP/1.1 GET against a loopback port, for tests of the relay's HTTP side.
#ifndef POC_TESTS_INTEGRATION_HTTP_GET_H_
#define POC_TESTS_INTEGRATION_HTTP_GET_H_

#include <string>

namespace poc::testing {

struct HttpResult {
  int status = 0;  // 0: the connection failed (see body)
  std::string body;
};

// GETs http://127.0.0.1:<port><target> with a 10 s deadline.
HttpResult HttpGet(int port, const std::string& target);

}  // namespace poc::testing

#endif  // POC_TESTS_INTEGRATION_HTTP_GET_H_
