#include "client/pocctl/tiles_audit_source.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "client/pocctl/tlog_tiles.h"
#include "common/status_macros.h"

namespace poc::pocctl {

TilesAuditSource::TilesAuditSource(std::string url, std::chrono::milliseconds timeout)
    : url_(std::move(url)), timeout_(timeout) {}

absl::StatusOr<std::unique_ptr<TilesAuditSource>> TilesAuditSource::Create(
    const std::string& url, std::chrono::milliseconds timeout) {
  ASSIGN_OR_RETURN(std::unique_ptr<HttpFetcher> first, HttpFetcher::Create(url, timeout));
  std::unique_ptr<TilesAuditSource> source(new TilesAuditSource(url, timeout));
  source->idle_.push_back(std::move(first));
  return source;
}

absl::StatusOr<std::string> TilesAuditSource::Get(const std::string& path) {
  std::unique_ptr<HttpFetcher> fetcher;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      fetcher = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (fetcher == nullptr) {
    ASSIGN_OR_RETURN(fetcher, HttpFetcher::Create(url_, timeout_));
  }
  absl::StatusOr<std::string> body = fetcher->Get(path);
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(fetcher));
  return body;
}

absl::StatusOr<CheckpointAnswer> TilesAuditSource::LatestCheckpoint(bool /*fresh*/) {
  absl::StatusOr<std::string> note = Get("checkpoint");
  if (absl::IsNotFound(note.status())) {
    return absl::NotFoundError(
        absl::StrCat(std::string(note.status().message()),
                     "; is the URL the log's prefix (the folder holding checkpoint and tile/)?"));
  }
  if (!note.ok()) {
    return note.status();
  }
  return CheckpointAnswer{*std::move(note), ""};
}

absl::Status TilesAuditSource::FetchEntries(uint64_t start, uint64_t count, uint64_t tree_size,
                                            EntryPage* page) {
  const uint64_t bundle = start / kTilesWidth;
  const uint64_t first = bundle * kTilesWidth;
  const uint64_t width = std::min<uint64_t>(kTilesWidth, tree_size - first);
  const std::string path = EntryBundlePath(bundle, tree_size);
  ASSIGN_OR_RETURN(page->body, Get(path));
  if (absl::Status s = ParseEntryBundle(page->body, width, &page->entries); !s.ok()) {
    return absl::DataLossError(
        absl::StrCat("malformed entry bundle ", url_, "/", path, ": ", std::string(s.message())));
  }
  // Keep only the entries asked for.
  page->entries.erase(page->entries.begin(), page->entries.begin() + (start - first));
  page->entries.resize(count);
  page->start = start;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> TilesAuditSource::ConsistencyProof(uint64_t, uint64_t) {
  return absl::UnimplementedError("tiles serve no consistency proofs");
}

absl::Status TilesAuditSource::LeafHashes(uint64_t start, uint64_t count, uint64_t tree_size,
                                          std::vector<merkle::Hash32>* hashes) {
  const uint64_t tile = start / kTilesWidth;
  const uint64_t first = tile * kTilesWidth;
  const uint64_t width = std::min<uint64_t>(kTilesWidth, tree_size - first);
  const std::string path = LeafTilePath(tile, tree_size);
  ASSIGN_OR_RETURN(const std::string body, Get(path));
  if (absl::Status s = ParseHashTile(body, width, hashes); !s.ok()) {
    return absl::DataLossError(
        absl::StrCat("malformed tile ", url_, "/", path, ": ", std::string(s.message())));
  }
  hashes->erase(hashes->begin(), hashes->begin() + (start - first));
  hashes->resize(count);
  return absl::OkStatus();
}

absl::StatusOr<v1::GetInclusionProofResponse> TilesAuditSource::InclusionProofs(const std::string&,
                                                                                uint64_t) {
  return absl::UnimplementedError(
      "proving a message needs the relay's Audit service: run pocctl audit prove with --node "
      "(the tiles have no index by message id)");
}

}  // namespace poc::pocctl
