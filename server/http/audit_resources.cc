#include "server/http/audit_resources.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/http/tile_encoding.h"
#include "server/http/tile_paths.h"
#include "spdlog/spdlog.h"

namespace poc {
namespace {

constexpr std::string_view kCheckpoint = "checkpoint";
constexpr std::string_view kTilePrefix = "tile/";

HttpReply NotFound(std::string body) { return HttpReply::Text(404, std::move(body) + "\n"); }

// The cause stays in the relay's log: the body is public.
HttpReply ReaderFailed(std::string_view resource, const absl::Status& status) {
  spdlog::error("HTTP /audit/{}: audit log read failed: {}", std::string(resource),
                status.ToString());
  return HttpReply::Text(500, "the audit log could not be read\n");
}

HttpReply ServeCheckpoint(AuditReader& audit) {
  absl::StatusOr<std::string> note = audit.LatestCheckpointNote();
  if (absl::IsNotFound(note.status())) return NotFound("no checkpoint has been signed yet");
  if (!note.ok()) return ReaderFailed(kCheckpoint, note.status());
  return HttpReply::Text(200, *std::move(note));
}

HttpReply ServeTile(AuditReader& audit, std::string_view resource) {
  absl::StatusOr<TilePath> tile = ParseTilePath(resource);
  if (!tile.ok()) return HttpReply::Text(400, std::string(tile.status().message()) + "\n");
  absl::StatusOr<TileSpan> span = SpanOfTile(*tile);
  if (!span.ok()) return NotFound(std::string(span.status().message()));

  absl::StatusOr<std::vector<std::string>> items =
      tile->entries ? audit.Entries(span->start, span->count)
                    : audit.NodeHashes(span->tree_level, span->start, span->count);
  if (absl::IsNotFound(items.status())) {
    return NotFound(absl::StrCat(std::string(resource), " does not exist (yet)"));
  }
  if (!items.ok()) return ReaderFailed(resource, items.status());
  if (items->size() != span->count) {
    return ReaderFailed(resource, absl::InternalError(absl::StrCat("asked for ", span->count,
                                                                   " items, got ", items->size())));
  }
  absl::StatusOr<std::string> body =
      tile->entries ? EncodeEntryBundle(*items) : EncodeHashTile(*items);
  if (!body.ok()) return ReaderFailed(resource, body.status());

  HttpReply reply;
  reply.content_type = kTileContentType;
  reply.cache_control = tile->partial() ? kPartialCacheControl : kImmutableCacheControl;
  reply.body = *std::move(body);
  return reply;
}

}  // namespace

HttpReply ServeAuditResource(AuditReader& audit, std::string_view resource) {
  if (resource == kCheckpoint) return ServeCheckpoint(audit);
  if (resource.substr(0, kTilePrefix.size()) == kTilePrefix) return ServeTile(audit, resource);
  return NotFound("not found");
}

}  // namespace poc
