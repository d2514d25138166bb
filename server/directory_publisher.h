// The directory the relay serves: the Secretariat's file (server/directory_file.h) with every
// key announcement the States made applied (common/directory/key_rotation.h), signed, recorded
// in the audit log and put in force. Every change of it goes through here, one at a time.
//
// Versioning: the file has the Secretariat's `version`; the published directory has its own,
// which rises by at least one on every change of what the relay serves. Without announcements
// the two are equal; after an announcement the published version runs ahead, and a new file
// is published as max(file version, last published + 1). The regression check (an older file,
// or other content under the same file version, is refused) applies to the file's version.
#ifndef POC_SERVER_DIRECTORY_PUBLISHER_H_
#define POC_SERVER_DIRECTORY_PUBLISHER_H_

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/util/clock.h"
#include "poc/v1/directory.pb.h"
#include "poc/v1/envelope.pb.h"
#include "server/directory_holder.h"
#include "server/relay_signer.h"
#include "server/relay_store.h"

namespace poc {

// Thread-safe. Load and Announce block until the store's commit: call them from a thread that
// may wait (main, the SIGHUP handler, a worker pool), never from a gRPC reactor callback.
// `*store`, `*signer`, `*holder` and `*clock` must outlive it.
class DirectoryPublisher {
 public:
  struct Options {
    std::string file;           // the directory file (errors name it)
    absl::Duration overlap;     // how long a rotated-out key stays usable
    absl::Duration clock_skew;  // how far announced_at may be from the relay's clock
  };
  DirectoryPublisher(Options options, RelayStore* store, const RelaySigner* signer,
                     DirectoryHolder* holder, const Clock* clock);
  DirectoryPublisher(const DirectoryPublisher&) = delete;
  DirectoryPublisher& operator=(const DirectoryPublisher&) = delete;

  // Reads the file and the stored announcements and publishes the result (at start and on
  // SIGHUP). On any error the directory in force stays and the error names the file.
  // Returns true when the published version changed.
  absl::StatusOr<bool> Load();

  struct Announced {
    v1::Signed directory;  // the signed snapshot in force afterwards
    bool duplicate = false;
    uint64_t audit_index = 0;  // of the KEY_ANNOUNCED leaf
  };
  // Verifies `announcement` from `caller_state` (its certificate's), stores it and publishes the
  // directory listing the new key. The same announcement again answers as the first time
  // (duplicate); see VerifyKeyAnnouncement for the refusals. A refusal changes nothing.
  absl::StatusOr<Announced> Announce(const v1::Signed& announcement,
                                     const std::string& caller_state);

 private:
  struct Stored {
    std::string announcement;  // serialized Signed
    uint64_t audit_index;
    v1::KeyAnnouncement parsed;
  };
  // `file` with `announcements` applied, versioned against the last recorded directory and
  // signed. Requires mu_.
  absl::StatusOr<std::pair<std::shared_ptr<const PublishedDirectory>, DirectoryRecord>> BuildLocked(
      const v1::Directory& file, const std::vector<v1::KeyAnnouncement>& announcements);
  std::vector<v1::KeyAnnouncement> ParsedLocked() const;

  const Options options_;
  RelayStore* const store_;
  const RelaySigner* const signer_;
  DirectoryHolder* const holder_;
  const Clock* const clock_;

  std::mutex mu_;  // serializes changes; guards the members below
  bool loaded_ = false;
  v1::Directory file_;                    // the file in force
  std::vector<Stored> announcements_;     // accepted, in order
  std::map<std::string, size_t> by_key_;  // new key id -> index in announcements_
};

}  // namespace poc

#endif  // POC_SERVER_DIRECTORY_PUBLISHER_H_
