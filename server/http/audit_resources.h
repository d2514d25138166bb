// The audit log in the C2SP tlog-tiles layout (https://c2sp.org/tlog-tiles): "checkpoint",
// "tile/<L>/<N>[.p/<W>]" and "tile/entries/<N>[.p/<W>]" under the relay's /audit/ prefix.
#ifndef POC_SERVER_HTTP_AUDIT_RESOURCES_H_
#define POC_SERVER_HTTP_AUDIT_RESOURCES_H_

#include <string_view>

#include "server/audit/audit_reader.h"
#include "server/http/http_reply.h"

namespace poc {

// Cache-Control of full tiles and bundles, which never change, and of partial ones, which a
// client should soon replace with wider ones.
inline constexpr char kImmutableCacheControl[] = "public, max-age=31536000, immutable";
inline constexpr char kPartialCacheControl[] = "public, max-age=60";
inline constexpr char kTileContentType[] = "application/octet-stream";

// The reply to a GET of `resource`, the path after the /audit/ prefix (no query string):
// - "checkpoint": the latest signed checkpoint note (text, no-store); 404 before the first.
// - a tile or bundle path: its body (application/octet-stream) when every hash or entry it
//   holds exists; 404 while any is missing or when it can never exist; 400 for a malformed
//   path, naming the fault.
// - anything else: 404.
// A reader failure other than NotFound is a 500 whose body does not reveal the cause (it is
// logged). Calls `audit` synchronously; thread-safe because AuditReader is.
HttpReply ServeAuditResource(AuditReader& audit, std::string_view resource);

}  // namespace poc

#endif  // POC_SERVER_HTTP_AUDIT_RESOURCES_H_
