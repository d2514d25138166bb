// Signing-key rotation by the State itself (README, "Rotating a signing key"): the State's node
// announces its next key in a poc.v1.KeyAnnouncement signed by its current ACTIVE key; the relay
// verifies it and serves the Secretariat's directory file with every accepted announcement
// applied. These are the pure parts, shared by pocd (making) and poc-relay (checking, applying).
#ifndef POC_COMMON_DIRECTORY_KEY_ROTATION_H_
#define POC_COMMON_DIRECTORY_KEY_ROTATION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/crypto/ed25519.h"
#include "common/directory/directory_view.h"
#include "poc/v1/directory.pb.h"
#include "poc/v1/envelope.pb.h"

namespace poc {

// The announcement of `next` as `state`'s key from `announced_at`, with `next`'s proof of
// possession, signed by `current` (domain kKeyAnnouncementDomain).
v1::Signed MakeKeyAnnouncement(const std::string& state, const Ed25519PrivateKey& current,
                               const Ed25519PrivateKey& next, absl::Time announced_at);

// Checks an announcement `caller_state` (from its certificate) sends, against the directory in
// force at `now`. Returns the parsed announcement, or, changing nothing:
//  - PERMISSION_DENIED when it names another State than the caller's;
//  - UNAUTHENTICATED when it is not signed by a key of that State that is ACTIVE and usable now,
//    or the signature does not verify;
//  - INVALID_ARGUMENT for a body that does not parse, a bad public key or key id, a missing or
//    wrong proof of possession, or announced_at outside `clock_skew` of `now`;
//  - ALREADY_EXISTS when the new key is already in the directory (of any State, any status).
// Every message says what is wrong and what to do.
absl::StatusOr<v1::KeyAnnouncement> VerifyKeyAnnouncement(const v1::Signed& announcement,
                                                          const std::string& caller_state,
                                                          const DirectoryView& directory,
                                                          absl::Time now,
                                                          absl::Duration clock_skew);

// `file` (the Secretariat's directory) with `announcements` applied in order: each adds the new
// key as ACTIVE from announced_at (unless the file lists that key already: the file's entry then
// stands) and retires the previous key (ACTIVE or NEXT become RETIRED; its valid_until becomes
// announced_at + `overlap` unless the file set an earlier one; a REVOKED key stays as it is).
// An announcement for a State the file no longer lists is skipped. Keeps the file's version.
v1::Directory ApplyKeyAnnouncements(v1::Directory file,
                                    const std::vector<v1::KeyAnnouncement>& announcements,
                                    absl::Duration overlap);

}  // namespace poc

#endif  // POC_COMMON_DIRECTORY_KEY_ROTATION_H_
