// Keeps the relay's own TLS identity current without a restart.
//
// The operator's files (tls.key, tls.cert, tls.ca) are checked before gRPC ever sees them:
// each good set is copied into a private folder that gRPC re-reads every second, with the key
// and the certificate in one file replaced by one rename, so a handshake never meets a
// half-renewed pair. A bad set (key not the certificate's, certificate not from the CA or out
// of its validity, unreadable file) is refused, and the last good set stays in force.
#ifndef POC_SERVER_TLS_RELOADER_H_
#define POC_SERVER_TLS_RELOADER_H_

#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "common/tls/credentials.h"
#include "common/util/clock.h"

namespace poc {

class TlsReloader {
 public:
  // Checks `source` and publishes it to `live_dir` (created mode 0700). Errors name the file.
  static absl::StatusOr<std::unique_ptr<TlsReloader>> Start(const TlsFiles& source,
                                                            const std::string& live_dir,
                                                            const Clock* clock);

  // The files to give MakeWatchedServerCredentials.
  const TlsFiles& watched() const { return watched_; }

  // Re-reads the source files and publishes them when they changed and pass the checks.
  // Returns true when a new set was published, false when nothing changed, and an error
  // naming the file when the new set is refused (the previous one stays served).
  absl::StatusOr<bool> Reload();

  // The serial of the certificate being served.
  std::string served_serial() const;

 private:
  TlsReloader(TlsFiles source, TlsFiles watched, const Clock* clock)
      : source_(std::move(source)), watched_(std::move(watched)), clock_(clock) {}
  // Writes `material` to the watched files unless it is what they hold; true when it wrote.
  absl::StatusOr<bool> Publish(const ServerTlsMaterial& material);

  const TlsFiles source_;
  const TlsFiles watched_;
  const Clock* const clock_;
  mutable std::mutex mu_;
  std::string published_;  // guarded by mu_: key, certificate and CA as last published
  std::string serial_;     // guarded by mu_
};

}  // namespace poc

#endif  // POC_SERVER_TLS_RELOADER_H_
