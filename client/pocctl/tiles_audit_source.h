// A log published in the C2SP tlog-tiles layout over plain HTTP as an AuditSource: needs no
// relay credentials, only the URL prefix (e.g. http://relay.example:8080/audit).
#ifndef POC_CLIENT_POCCTL_TILES_AUDIT_SOURCE_H_
#define POC_CLIENT_POCCTL_TILES_AUDIT_SOURCE_H_

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/pocctl/audit_source.h"
#include "client/pocctl/http_fetcher.h"

namespace poc::pocctl {

class TilesAuditSource final : public AuditSource {
 public:
  // InvalidArgument for a URL that HttpFetcher does not take.
  static absl::StatusOr<std::unique_ptr<TilesAuditSource>> Create(
      const std::string& url, std::chrono::milliseconds timeout);

  std::string Name() const override { return url_; }
  absl::StatusOr<CheckpointAnswer> LatestCheckpoint(bool fresh) override;
  uint64_t PageSize() const override { return 256; }
  int Parallelism() const override { return 4; }
  absl::Status FetchEntries(uint64_t start, uint64_t count, uint64_t tree_size,
                            EntryPage* page) override;
  absl::StatusOr<std::vector<std::string>> ConsistencyProof(uint64_t first,
                                                            uint64_t second) override;
  absl::Status LeafHashes(uint64_t start, uint64_t count, uint64_t tree_size,
                          std::vector<merkle::Hash32>* hashes) override;
  absl::StatusOr<v1::GetInclusionProofResponse> InclusionProofs(const std::string& message_id,
                                                                uint64_t tree_size) override;

 private:
  TilesAuditSource(std::string url, std::chrono::milliseconds timeout);
  // GETs `path` on a connection of the pool (one connection per concurrent caller).
  absl::StatusOr<std::string> Get(const std::string& path);

  const std::string url_;
  const std::chrono::milliseconds timeout_;
  std::mutex mu_;
  std::vector<std::unique_ptr<HttpFetcher>> idle_;  // guarded by mu_
};

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_TILES_AUDIT_SOURCE_H_
