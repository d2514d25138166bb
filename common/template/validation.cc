#include "common/template/validation.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/iso3166/iso3166.h"
#include "common/template/iso639.h"
#include "common/util/time_format.h"
#include "common/util/uuid_v7.h"

namespace poc {
namespace {

constexpr size_t kMaxSubjectBytes = 200;
constexpr size_t kMaxSummaryBytes = 2000;
constexpr size_t kMaxCategoryBytes = 64;
constexpr size_t kMaxSectors = 32;
constexpr size_t kMaxSectorBytes = 64;
constexpr size_t kMaxIndicatorsBytes = size_t{64} * 1024;
constexpr size_t kMaxRequestedActionBytes = 2000;
// A STIX 2.1 bundle is the largest part of a message; nesting deeper than this is no STIX
// anyone writes, only a way to make the JSON parser build a large tree from a small input.
constexpr size_t kMaxStixBundleBytes = size_t{192} * 1024;
constexpr size_t kMaxStixNesting = 64;
constexpr size_t kMaxGroupNameBytes = 32;

absl::Status Invalid(std::string_view path, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(path), ": ", std::string(what)));
}

// A code as the sender wrote it, for an error message (which the relay also logs): at most 40
// bytes, control and non-ASCII bytes escaped, so that a hostile value cannot forge log lines.
std::string Quote(std::string_view text) {
  constexpr size_t kShown = 40;
  const absl::string_view shown(text.data(), std::min(text.size(), kShown));
  return absl::StrCat("'", absl::CHexEscape(shown), text.size() > kShown ? "...'" : "'");
}

// Why `text` is not one line of printable UTF-8, or an empty string when it is. Control
// characters include newline, tab, DEL and the C1 range (U+0080..U+009F): they would let a
// sender rewrite a reader's terminal or forge extra lines in a table.
std::string LineProblem(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      return absl::StrCat("contains a control character (byte ", static_cast<int>(c), " at offset ",
                          i, "); write it on one line without tabs");
    }
    size_t len = 1;
    if (c >= 0x80) {
      if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
      } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
      } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
      } else {
        return absl::StrCat("is not valid UTF-8 (byte ", static_cast<int>(c), " at offset ", i,
                            ")");
      }
      if (i + len > text.size()) return absl::StrCat("is not valid UTF-8 (truncated at end)");
      for (size_t k = 1; k < len; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) {
          return absl::StrCat("is not valid UTF-8 (byte ", static_cast<int>(c), " at offset ", i,
                              ")");
        }
      }
      if (c == 0xc2 && static_cast<unsigned char>(text[i + 1]) < 0xa0) {
        return absl::StrCat("contains a control character (U+00",
                            absl::Hex(static_cast<unsigned char>(text[i + 1]), absl::kZeroPad2),
                            " at offset ", i, ")");
      }
    }
    i += len;
  }
  return "";
}

absl::Status CheckMaxBytes(std::string_view path, std::string_view text, size_t max) {
  if (text.size() <= max) return absl::OkStatus();
  return Invalid(path, absl::StrCat("is ", text.size(), " bytes; the limit is ", max,
                                    " bytes: shorten it or attach the rest as a file elsewhere"));
}

bool IsGroupNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool IsGroupAddress(std::string_view address) {
  constexpr std::string_view kPrefix = "group:";
  if (address.substr(0, kPrefix.size()) != kPrefix) return false;
  const std::string_view name = address.substr(kPrefix.size());
  if (name.empty() || name.size() > kMaxGroupNameBytes) return false;
  for (char c : name) {
    if (!IsGroupNameChar(c)) return false;
  }
  return true;
}

bool IsValidTimestamp(const google::protobuf::Timestamp& ts) {
  // The range google.protobuf.Timestamp allows: 0001-01-01 to 9999-12-31.
  return ts.nanos() >= 0 && ts.nanos() <= 999999999 && ts.seconds() >= -62135596800 &&
         ts.seconds() <= 253402300799;
}

// How deeply arrays and objects nest in `json`, counted without parsing it (strings skipped).
size_t JsonNesting(std::string_view json) {
  size_t depth = 0;
  size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : json) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

absl::Status CheckStixBundle(const std::string& bytes) {
  constexpr std::string_view kPath = "template.stix_bundle";
  if (auto s = CheckMaxBytes(kPath, bytes, kMaxStixBundleBytes); !s.ok()) return s;
  if (const size_t nesting = JsonNesting(bytes); nesting > kMaxStixNesting) {
    return Invalid(kPath, absl::StrCat("nests arrays and objects ", nesting, " deep; the limit is ",
                                       kMaxStixNesting));
  }
  const nlohmann::json doc = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return Invalid(kPath, "is not JSON; attach a STIX 2.1 bundle (a JSON object of type bundle)");
  }
  if (!doc.is_object()) {
    return Invalid(kPath, "is not a JSON object; a STIX 2.1 bundle is an object of type bundle");
  }
  const auto type = doc.find("type");
  if (type == doc.end() || !type->is_string() || type->get<std::string>() != "bundle") {
    return Invalid(kPath,
                   "has no \"type\": \"bundle\"; attach a STIX 2.1 bundle, not a "
                   "single object");
  }
  const auto id = doc.find("id");
  if (id == doc.end() || !id->is_string() || id->get<std::string>().rfind("bundle--", 0) != 0) {
    return Invalid(kPath, "needs an \"id\" of the form \"bundle--<uuid>\" (STIX 2.1)");
  }
  return absl::OkStatus();
}

bool IsKnownKind(v1::MessageType kind) {
  return v1::MessageType_IsValid(kind) && kind != v1::MESSAGE_TYPE_UNSPECIFIED;
}

}  // namespace

bool IsRecipientAddress(std::string_view address) {
  return address == "all" || IsGroupAddress(address) || IsIso3166Alpha3(address);
}

absl::Status ValidateRecipients(const google::protobuf::RepeatedPtrField<std::string>& recipients,
                                std::string_view sender, const ValidationLimits& limits) {
  if (recipients.empty()) {
    return Invalid("recipients",
                   "must name at least one recipient: a State code (KEN), group:<name> or all");
  }
  if (static_cast<size_t>(recipients.size()) > limits.max_recipients) {
    return Invalid("recipients", absl::StrCat(recipients.size(), " recipients exceed the limit of ",
                                              limits.max_recipients, "; address a group instead"));
  }
  std::set<std::string_view> seen;
  for (int i = 0; i < recipients.size(); ++i) {
    const std::string& r = recipients.Get(i);
    const std::string path = absl::StrCat("recipients[", i, "]");
    if (!IsRecipientAddress(r)) {
      return Invalid(path, absl::StrCat(Quote(r), " is not a State code, group:<name> or all"));
    }
    if (!seen.insert(r).second) {
      return Invalid(path, absl::StrCat(Quote(r), " is listed twice; name each recipient once"));
    }
    if (!sender.empty() && r == sender) {
      return Invalid(path, absl::StrCat(Quote(r),
                                        " is the sender itself; a State does not "
                                        "write to itself"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateTemplate(const v1::Template& t, v1::MessageType kind, absl::Time created_at,
                              const ValidationLimits& limits) {
  if (!v1::Urgency_IsValid(t.urgency()) || t.urgency() == v1::URGENCY_UNSPECIFIED) {
    return Invalid("template.urgency",
                   absl::StrCat("must be routine, priority, urgent or flash (got ",
                                static_cast<int>(t.urgency()), ")"));
  }
  if (!v1::Level_IsValid(t.level()) || t.level() == v1::LEVEL_UNSPECIFIED) {
    return Invalid("template.level", absl::StrCat("must be technical or diplomatic (got ",
                                                  static_cast<int>(t.level()), ")"));
  }
  if (!v1::Tlp_IsValid(t.tlp()) || t.tlp() == v1::TLP_UNSPECIFIED) {
    return Invalid("template.tlp",
                   absl::StrCat("must be a TLP 2.0 mark: clear, green, amber, amber+strict or red "
                                "(got ",
                                static_cast<int>(t.tlp()), ")"));
  }

  if (t.subject().empty()) {
    if (kind != v1::MESSAGE_TYPE_ACKNOWLEDGEMENT) {
      return Invalid("template.subject", "must not be empty; give a one-line title");
    }
  } else {
    if (t.subject().size() > kMaxSubjectBytes) {
      return Invalid("template.subject", absl::StrCat("is ", t.subject().size(),
                                                      " bytes; the limit is ", kMaxSubjectBytes,
                                                      ": keep the title short and put details in "
                                                      "the summary or description"));
    }
    if (std::string problem = LineProblem(t.subject()); !problem.empty()) {
      return Invalid("template.subject", problem);
    }
  }
  if (auto s = CheckMaxBytes("template.summary", t.summary(), kMaxSummaryBytes); !s.ok()) return s;
  if (auto s = CheckMaxBytes("template.description", t.description(), limits.max_description_bytes);
      !s.ok()) {
    return s;
  }

  const bool has_text = !t.subject().empty() || !t.summary().empty() || !t.description().empty() ||
                        !t.requested_action().empty();
  if (t.language().empty()) {
    if (has_text) {
      return Invalid("template.language",
                     "must name the language of the text as an ISO 639-1 code, e.g. en or fr");
    }
  } else if (!IsIso639Alpha2(t.language())) {
    return Invalid("template.language",
                   absl::StrCat(Quote(t.language()),
                                " is not an ISO 639-1 code; use two lowercase letters, e.g. en, "
                                "fr, es, ru, ar or zh"));
  }

  if (!t.incident_category().empty()) {
    if (t.incident_category().size() > kMaxCategoryBytes) {
      return Invalid("template.incident_category", absl::StrCat("is ", t.incident_category().size(),
                                                                " bytes; a category code "
                                                                "is at most ",
                                                                kMaxCategoryBytes));
    }
    if (std::string problem = LineProblem(t.incident_category()); !problem.empty()) {
      return Invalid("template.incident_category", problem);
    }
  }

  if (static_cast<size_t>(t.affected_sectors_size()) > kMaxSectors) {
    return Invalid(
        "template.affected_sectors",
        absl::StrCat("lists ", t.affected_sectors_size(), " sectors; the limit is ", kMaxSectors));
  }
  for (int i = 0; i < t.affected_sectors_size(); ++i) {
    const std::string& sector = t.affected_sectors(i);
    const std::string path = absl::StrCat("template.affected_sectors[", i, "]");
    if (sector.empty()) return Invalid(path, "must not be empty");
    if (sector.size() > kMaxSectorBytes) {
      return Invalid(path,
                     absl::StrCat("is ", sector.size(), " bytes; the limit is ", kMaxSectorBytes));
    }
    if (std::string problem = LineProblem(sector); !problem.empty()) return Invalid(path, problem);
  }

  if (IsSet(t.observed_at()) && !IsValidTimestamp(t.observed_at())) {
    return Invalid("template.observed_at", "is not a valid time");
  }
  if (auto s = CheckMaxBytes("template.indicators", t.indicators(), kMaxIndicatorsBytes); !s.ok()) {
    return s;
  }
  if (!t.stix_bundle().empty()) {
    if (auto s = CheckStixBundle(t.stix_bundle()); !s.ok()) return s;
  }
  if (auto s = CheckMaxBytes("template.requested_action", t.requested_action(),
                             kMaxRequestedActionBytes);
      !s.ok()) {
    return s;
  }
  if (IsSet(t.respond_by())) {
    if (!IsValidTimestamp(t.respond_by())) {
      return Invalid("template.respond_by", "is not a valid time");
    }
    const absl::Time respond_by = FromProto(t.respond_by());
    if (respond_by <= created_at) {
      return Invalid("template.respond_by",
                     absl::StrCat(FormatUtc(respond_by), " is not after the message's creation (",
                                  FormatUtc(created_at), "); give a time in the future"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateMessage(const v1::Message& m, const ValidationLimits& limits) {
  if (!IsUuidV7(m.id())) {
    return Invalid("id", absl::StrCat(Quote(m.id()),
                                      " is not a UUIDv7 in canonical lowercase "
                                      "form"));
  }
  // What the relay signs itself: exercise pings, escalation notices and drill messages.
  const bool relay_ping =
      m.sender() == kSecretariatAddress &&
      (m.kind() == v1::MESSAGE_TYPE_EXERCISE_PING || m.has_escalation() || m.has_drill_info());
  if (!relay_ping && !IsIso3166Alpha3(m.sender())) {
    return Invalid("sender",
                   absl::StrCat(Quote(m.sender()), " is not an ISO 3166-1 alpha-3 State code"));
  }
  const bool to_secretariat = m.kind() == v1::MESSAGE_TYPE_ACKNOWLEDGEMENT &&
                              m.recipients_size() == 1 && m.recipients(0) == kSecretariatAddress;
  if (!to_secretariat) {
    if (auto s = ValidateRecipients(m.recipients(), m.sender(), limits); !s.ok()) {
      return s;
    }
  }
  if (!m.has_created_at() || !IsSet(m.created_at())) {
    return Invalid("created_at", "must be set to the time the message was written (UTC)");
  }
  if (!IsValidTimestamp(m.created_at())) return Invalid("created_at", "is not a valid time");
  if (!IsKnownKind(m.kind())) {
    return Invalid("kind", absl::StrCat("must be a known message type (got ",
                                        static_cast<int>(m.kind()), ")"));
  }
  const bool needs_reply_to =
      m.kind() == v1::MESSAGE_TYPE_RESPONSE || m.kind() == v1::MESSAGE_TYPE_ACKNOWLEDGEMENT;
  if (m.in_reply_to().empty()) {
    if (needs_reply_to) {
      return Invalid("in_reply_to",
                     "must name the message this answers or acknowledges (a response or an "
                     "acknowledgement always refers to one)");
    }
  } else if (!IsUuidV7(m.in_reply_to())) {
    return Invalid("in_reply_to", absl::StrCat(Quote(m.in_reply_to()), " is not a UUIDv7"));
  }
  return ValidateTemplate(m.template_(), m.kind(), FromProto(m.created_at()), limits);
}

}  // namespace poc
