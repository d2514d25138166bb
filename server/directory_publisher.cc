#include "server/directory_publisher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>

#include "common/crypto/sha256.h"
#include "common/directory/key_rotation.h"
#include "common/status_macros.h"
#include "common/util/time_format.h"
#include "server/directory_file.h"

namespace poc {
namespace {

// The hash the audit log records: SHA-256 of the Directory without issued_at.
std::string ContentHash(v1::Directory d) {
  d.clear_issued_at();
  return Sha256(d.SerializeAsString());
}

absl::Status Named(const std::string& file, const absl::Status& s) {
  return absl::Status(s.code(), file + ": " + std::string(s.message()));
}

// Waits for a store call's `done`.
template <typename T>
class Waiter {
 public:
  std::function<void(T)> Callback() {
    return [this](T value) { promise_.set_value(std::move(value)); };
  }
  T Get() { return promise_.get_future().get(); }

 private:
  std::promise<T> promise_;
};

}  // namespace

DirectoryPublisher::DirectoryPublisher(Options options, RelayStore* store,
                                       const RelaySigner* signer, DirectoryHolder* holder,
                                       const Clock* clock)
    : options_(std::move(options)),
      store_(store),
      signer_(signer),
      holder_(holder),
      clock_(clock) {}

std::vector<v1::KeyAnnouncement> DirectoryPublisher::ParsedLocked() const {
  std::vector<v1::KeyAnnouncement> out;
  out.reserve(announcements_.size());
  for (const Stored& s : announcements_) {
    out.push_back(s.parsed);
  }
  return out;
}

absl::StatusOr<std::pair<std::shared_ptr<const PublishedDirectory>, DirectoryRecord>>
DirectoryPublisher::BuildLocked(const v1::Directory& file,
                                const std::vector<v1::KeyAnnouncement>& announcements) {
  DirectoryRecord record;
  record.file_version = file.version();
  record.file_hash = ContentHash(file);
  v1::Directory served = ApplyKeyAnnouncements(file, announcements, options_.overlap);
  ASSIGN_OR_RETURN(std::optional<DirectoryRecord> last, store_->LastDirectory());
  // Unchanged content keeps its version; a change gets a version above every one served.
  served.set_version(last ? last->version : file.version());
  record.version = served.version();
  record.hash = ContentHash(served);
  if (last && record.hash != last->hash) {
    record.version = std::max(file.version(), last->version + 1);
    served.set_version(record.version);
    record.hash = ContentHash(served);
  }
  *served.mutable_issued_at() = ToProto(clock_->Now());
  ASSIGN_OR_RETURN(DirectoryView view, DirectoryView::Build(std::move(served)));
  v1::Signed snapshot = signer_->Directory(view.proto());
  return std::make_pair(std::make_shared<const PublishedDirectory>(
                            PublishedDirectory{std::move(view), std::move(snapshot)}),
                        std::move(record));
}

absl::StatusOr<bool> DirectoryPublisher::Load() {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(v1::Directory file, LoadDirectoryFile(options_.file));
  // (LoadDirectoryFile checked the file alone, naming the Secretariat's mistakes in its terms.)
  ASSIGN_OR_RETURN(std::vector<KeyAnnouncementRecord> records, store_->KeyAnnouncements());
  std::vector<Stored> stored;
  std::vector<v1::KeyAnnouncement> parsed;
  for (const KeyAnnouncementRecord& r : records) {
    v1::Signed s;
    v1::KeyAnnouncement a;
    if (!s.ParseFromString(r.announcement) || !a.ParseFromString(s.body())) {
      return absl::DataLossError("the stored key announcement of " + r.key_id +
                                 " does not parse; the relay's database is damaged");
    }
    parsed.push_back(a);
    stored.push_back(Stored{r.announcement, r.audit_index, std::move(a)});
  }
  auto built = BuildLocked(file, parsed);
  if (!built.ok()) {
    return Named(options_.file, built.status());
  }
  auto& [published, record] = *built;
  const uint64_t before = holder_->Get() ? holder_->Get()->view.version() : 0;
  Waiter<absl::StatusOr<bool>> recorded;
  store_->RecordDirectory(record, clock_->Now(), recorded.Callback());
  absl::StatusOr<bool> appended = recorded.Get();
  if (!appended.ok()) {
    return Named(options_.file, appended.status());
  }
  if (*appended) {
    spdlog::info("audit: directory version {} recorded at index {}", record.version,
                 store_->AuditSize() - 1);
  }
  if (record.version != record.file_version) {
    spdlog::info("directory file version {} with {} key announcement(s) published as version {}",
                 record.file_version, stored.size(), record.version);
  }
  file_ = std::move(file);
  announcements_ = std::move(stored);
  by_key_.clear();
  for (size_t i = 0; i < announcements_.size(); ++i) {
    by_key_[announcements_[i].parsed.key_id()] = i;
  }
  loaded_ = true;
  holder_->Set(published);
  return published->view.version() != before;
}

absl::StatusOr<DirectoryPublisher::Announced> DirectoryPublisher::Announce(
    const v1::Signed& announcement, const std::string& caller_state) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!loaded_) {
    return absl::UnavailableError("the relay has not loaded its directory yet; try again");
  }
  const std::string bytes = announcement.SerializeAsString();
  v1::KeyAnnouncement body;
  if (body.ParseFromString(announcement.body())) {
    auto known = by_key_.find(body.key_id());
    // Another State's replay falls through to the checks, which refuse it for its certificate.
    if (known != by_key_.end() && announcements_[known->second].parsed.state() == caller_state) {
      const Stored& s = announcements_[known->second];
      if (s.announcement == bytes) {
        return Announced{holder_->Get()->signed_snapshot, true, s.audit_index};
      }
      return absl::AlreadyExistsError(
          "key " + body.key_id() + " was already announced by " + s.parsed.state() + " at " +
          FormatUtc(FromProto(s.parsed.announced_at())) +
          " with another announcement; it is in the directory already (see `pocctl directory "
          "show " +
          s.parsed.state() + "`)");
    }
  }
  const auto current = holder_->Get();
  const absl::Time now = clock_->Now();
  ASSIGN_OR_RETURN(
      v1::KeyAnnouncement a,
      VerifyKeyAnnouncement(announcement, caller_state, current->view, now, options_.clock_skew));
  std::vector<v1::KeyAnnouncement> next = ParsedLocked();
  next.push_back(a);
  ASSIGN_OR_RETURN(auto built, BuildLocked(file_, next));
  auto& [published, record] = built;
  if (published->view.FindKey(a.key_id()) == nullptr) {
    return absl::InternalError("the announced key " + a.key_id() +
                               " is missing from the directory built with it");
  }
  KeyAnnouncementRecord r;
  r.state = a.state();
  r.key_id = a.key_id();
  r.previous_key_id = a.previous_key_id();
  r.announcement = bytes;
  r.hash = Sha256(announcement.body());
  Waiter<absl::StatusOr<KeyAnnouncementRecord>> stored;
  store_->RecordKeyAnnouncement(r, record, now, stored.Callback());
  absl::StatusOr<KeyAnnouncementRecord> saved = stored.Get();
  if (!saved.ok()) {
    return saved.status();
  }
  by_key_[a.key_id()] = announcements_.size();
  announcements_.push_back(Stored{bytes, saved->audit_index, a});
  holder_->Set(published);
  spdlog::info(
      "audit: {} announced signing key {} (replacing {}, usable until {}) at index {}; directory "
      "version {}",
      a.state(), a.key_id(), a.previous_key_id(),
      FormatUtc(FromProto(a.announced_at()) + options_.overlap), saved->audit_index,
      record.version);
  return Announced{published->signed_snapshot, false, saved->audit_index};
}

}  // namespace poc
