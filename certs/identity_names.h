// The names that go into certificates and file names, checked before anything is written.
// Identity URIs follow DESIGN.md ("Identities") and common/tls/peer_identity.h.
#ifndef POC_CERTS_IDENTITY_NAMES_H_
#define POC_CERTS_IDENTITY_NAMES_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace poc::pki {

inline constexpr char kSecretariatUri[] = "urn:poc:secretariat";

std::string StateUri(std::string_view iso3);     // urn:poc:state:<ISO3>
std::string ObserverUri(std::string_view slug);  // urn:poc:observer:<slug>

// An assigned ISO 3166-1 alpha-3 code in upper case. Lower case input such as "fra" is
// refused with a message suggesting "FRA".
absl::Status ValidateStateCode(std::string_view code);

// 1..64 characters of lowercase letters, digits and '-', as the relay accepts.
absl::Status ValidateObserverSlug(std::string_view slug);

// A node's name within its State (goes into the CN): 1..64 of letters, digits, '.', '_', '-'.
absl::Status ValidateNodeName(std::string_view name);

// A DNS name for the relay's certificate: dot-separated labels of letters, digits and '-'
// (1..63 each, at most 253 in all); the first label may be the wildcard '*'.
absl::Status ValidateDnsName(std::string_view name);

// An IPv4 or IPv6 address in text form, for the relay's certificate.
absl::Status ValidateIpAddress(std::string_view address);

// The stem of a key file name (`<name>.key`): 1..64 of letters, digits, '.', '_', '-', not
// starting with '.'. `flag` names the option in errors.
absl::Status ValidateFileStem(std::string_view name, std::string_view flag);

}  // namespace poc::pki

#endif  // POC_CERTS_IDENTITY_NAMES_H_
