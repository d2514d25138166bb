#include "certs/identity_names.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/iso3166/iso3166.h"

namespace poc::pki {
namespace {

bool IsAsciiAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// 1..64 characters, each alphanumeric or one of `extra`.
bool IsSimpleName(std::string_view s, std::string_view extra) {
  if (s.empty() || s.size() > 64) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [extra](char c) {
    return IsAsciiAlnum(c) || extra.find(c) != std::string_view::npos;
  });
}

}  // namespace

std::string StateUri(std::string_view iso3) {
  return absl::StrCat("urn:poc:state:", std::string(iso3));
}

std::string ObserverUri(std::string_view slug) {
  return absl::StrCat("urn:poc:observer:", std::string(slug));
}

absl::Status ValidateStateCode(std::string_view code) {
  if (IsIso3166Alpha3(code)) {
    return absl::OkStatus();
  }
  std::string upper(code);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper != code && IsIso3166Alpha3(upper)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", std::string(code),
        "' is not an ISO 3166-1 alpha-3 code: codes are upper case; use --state ", upper));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "'", std::string(code),
      "' is not an ISO 3166-1 alpha-3 code (for example FRA, KEN, BRA); give --state the "
      "State's three-letter code"));
}

absl::Status ValidateObserverSlug(std::string_view slug) {
  const bool ok =
      !slug.empty() && slug.size() <= 64 && std::all_of(slug.begin(), slug.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      });
  if (ok) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("observer slug '", std::string(slug),
                   "' is malformed; use 1 to 64 lowercase letters, digits and '-' (for example "
                   "cert-eu)"));
}

absl::Status ValidateNodeName(std::string_view name) {
  if (IsSimpleName(name, "._-")) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("node name '", std::string(name),
                   "' is malformed; use 1 to 64 letters, digits, '.', '_' and '-' (for example "
                   "primary or backup-2)"));
}

absl::Status ValidateDnsName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 253;
  std::vector<std::string_view> labels;
  for (size_t start = 0;;) {
    const size_t dot = name.find('.', start);
    labels.push_back(name.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  for (size_t i = 0; ok && i < labels.size(); ++i) {
    const std::string_view label = labels[i];
    if (i == 0 && label == "*" && labels.size() > 1) {
      continue;
    }
    ok =
        !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-' &&
        std::all_of(label.begin(), label.end(), [](char c) { return IsAsciiAlnum(c) || c == '-'; });
  }
  if (ok) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--dns '", std::string(name),
                   "' is not a DNS name; give a host name such as relay.example.org (use --ip "
                   "for addresses)"));
}

absl::Status ValidateIpAddress(std::string_view address) {
  const std::string text(address);
  unsigned char buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--ip '", text,
                   "' is not an IPv4 or IPv6 address; give one such as 127.0.0.1 (use --dns for "
                   "host names)"));
}

absl::Status ValidateFileStem(std::string_view name, std::string_view flag) {
  if (IsSimpleName(name, "._-") && name.front() != '.') {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(flag), " '", std::string(name),
                   "' cannot be a file name; use 1 to 64 letters, digits, '.', '_' and '-', "
                   "not starting with '.'"));
}

}  // namespace poc::pki
