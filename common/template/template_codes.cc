#include "common/template/template_codes.h"

#include <cctype>
#include <vector>

#include "absl/strings/str_cat.h"

namespace poc {
namespace {

// One accepted word. `canonical` words are listed in error messages and used for formatting;
// the others are aliases.
template <typename Enum>
struct Word {
  std::string_view word;
  Enum value;
  bool canonical;
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "a, b, c or d": the canonical words, for error messages.
template <typename Enum, size_t N>
std::string AcceptedWords(const Word<Enum> (&words)[N]) {
  std::vector<std::string_view> list;
  for (const auto& w : words) {
    if (w.canonical) list.push_back(w.word);
  }
  std::string out;
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += (i + 1 == list.size()) ? " or " : ", ";
    out += std::string(list[i]);
  }
  return out;
}

template <typename Enum, size_t N>
absl::StatusOr<Enum> Parse(const Word<Enum> (&words)[N], std::string_view what,
                           std::string_view text) {
  const std::string lower = Lower(text);
  for (const auto& w : words) {
    if (w.word == lower) return w.value;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "'", std::string(text), "' is not ", std::string(what), "; use ", AcceptedWords(words)));
}

template <typename Enum, size_t N>
std::string Format(const Word<Enum> (&words)[N], Enum value) {
  if (static_cast<int>(value) == 0) return "unspecified";
  for (const auto& w : words) {
    if (w.canonical && w.value == value) return std::string(w.word);
  }
  return absl::StrCat("unknown(", static_cast<int>(value), ")");
}

constexpr Word<v1::MessageType> kTypes[] = {
    {"notification", v1::MESSAGE_TYPE_NOTIFICATION, true},
    {"rfi", v1::MESSAGE_TYPE_REQUEST_FOR_INFORMATION, true},
    {"request-for-information", v1::MESSAGE_TYPE_REQUEST_FOR_INFORMATION, false},
    {"rfa", v1::MESSAGE_TYPE_REQUEST_FOR_ASSISTANCE, true},
    {"request-for-assistance", v1::MESSAGE_TYPE_REQUEST_FOR_ASSISTANCE, false},
    {"response", v1::MESSAGE_TYPE_RESPONSE, true},
    {"ack", v1::MESSAGE_TYPE_ACKNOWLEDGEMENT, true},
    {"acknowledgement", v1::MESSAGE_TYPE_ACKNOWLEDGEMENT, false},
    {"general", v1::MESSAGE_TYPE_GENERAL, true},
};

constexpr Word<v1::Urgency> kUrgencies[] = {
    {"routine", v1::URGENCY_ROUTINE, true},
    {"priority", v1::URGENCY_PRIORITY, true},
    {"urgent", v1::URGENCY_URGENT, true},
    {"flash", v1::URGENCY_FLASH, true},
};

constexpr Word<v1::Level> kLevels[] = {
    {"technical", v1::LEVEL_TECHNICAL, true},
    {"diplomatic", v1::LEVEL_DIPLOMATIC, true},
};

constexpr Word<v1::Tlp> kTlps[] = {
    {"clear", v1::TLP_CLEAR, true}, {"green", v1::TLP_GREEN, true},
    {"amber", v1::TLP_AMBER, true}, {"amber+strict", v1::TLP_AMBER_STRICT, true},
    {"red", v1::TLP_RED, true},
};

}  // namespace

absl::StatusOr<v1::MessageType> ParseMessageType(std::string_view word) {
  return Parse(kTypes, "a message type", word);
}

std::string MessageTypeWord(v1::MessageType type) {
  if (type == v1::MESSAGE_TYPE_EXERCISE_PING) return "ping";
  return Format(kTypes, type);
}

std::string MessageTypeName(v1::MessageType type) {
  switch (type) {
    case v1::MESSAGE_TYPE_NOTIFICATION:
      return "notification";
    case v1::MESSAGE_TYPE_REQUEST_FOR_INFORMATION:
      return "request for information";
    case v1::MESSAGE_TYPE_REQUEST_FOR_ASSISTANCE:
      return "request for assistance";
    case v1::MESSAGE_TYPE_RESPONSE:
      return "response";
    case v1::MESSAGE_TYPE_ACKNOWLEDGEMENT:
      return "acknowledgement";
    case v1::MESSAGE_TYPE_EXERCISE_PING:
      return "exercise ping";
    case v1::MESSAGE_TYPE_GENERAL:
      return "general";
    default:
      return MessageTypeWord(type);
  }
}

absl::StatusOr<v1::Urgency> ParseUrgency(std::string_view word) {
  return Parse(kUrgencies, "an urgency", word);
}

std::string UrgencyWord(v1::Urgency urgency) { return Format(kUrgencies, urgency); }

absl::StatusOr<v1::Level> ParseLevel(std::string_view word) {
  return Parse(kLevels, "a level", word);
}

std::string LevelWord(v1::Level level) { return Format(kLevels, level); }

absl::StatusOr<v1::Tlp> ParseTlp(std::string_view word) {
  std::string_view bare = word;
  if (bare.size() > 4 && Lower(bare.substr(0, 4)) == "tlp:") bare.remove_prefix(4);
  auto tlp = Parse(kTlps, "a TLP 2.0 mark", bare);
  if (!tlp.ok()) return Parse(kTlps, "a TLP 2.0 mark", word);  // the error names what was typed
  return tlp;
}

std::string TlpWord(v1::Tlp tlp) { return Format(kTlps, tlp); }

std::string TlpLabel(v1::Tlp tlp) {
  std::string word = TlpWord(tlp);
  if (!v1::Tlp_IsValid(tlp) || tlp == v1::TLP_UNSPECIFIED) return word;
  for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "TLP:" + word;
}

absl::Duration DefaultAckDeadline(v1::Urgency urgency) {
  switch (urgency) {
    case v1::URGENCY_FLASH:
      return absl::Hours(1);
    case v1::URGENCY_URGENT:
      return absl::Hours(4);
    case v1::URGENCY_PRIORITY:
      return absl::Hours(24);
    default:
      return absl::Hours(72);
  }
}

}  // namespace poc
