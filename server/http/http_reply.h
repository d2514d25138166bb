// What a route answers to a GET, independent of the HTTP library: the server adds the framing.
#ifndef POC_SERVER_HTTP_HTTP_REPLY_H_
#define POC_SERVER_HTTP_HTTP_REPLY_H_

#include <string>
#include <utility>

namespace poc {

inline constexpr char kTextContentType[] = "text/plain; charset=utf-8";
inline constexpr char kNoStore[] = "no-store";

struct HttpReply {
  unsigned status = 200;
  std::string content_type = kTextContentType;
  std::string cache_control = kNoStore;
  std::string body;

  // A short plain-text reply that no cache keeps (errors, health).
  static HttpReply Text(unsigned status, std::string body) {
    HttpReply reply;
    reply.status = status;
    reply.body = std::move(body);
    return reply;
  }
};

}  // namespace poc

#endif  // POC_SERVER_HTTP_HTTP_REPLY_H_
