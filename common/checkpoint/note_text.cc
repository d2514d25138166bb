#include "common/checkpoint/note_text.h"

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace poc {
namespace {

// Decodes the code point at text[*pos] and advances *pos. Returns false on malformed UTF-8.
bool NextCodePoint(std::string_view text, size_t* pos, uint32_t* cp) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const size_t i = *pos;
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    *cp = b0;
    *pos = i + 1;
    return true;
  }
  size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return false;
  }
  if (i + len > text.size()) return false;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return false;
  uint32_t value = b0 & (0xFF >> (len + 1));
  for (size_t k = 1; k < len; ++k) {
    const unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) return false;
    value = (value << 6) | (b & 0x3F);
  }
  *cp = value;
  *pos = i + len;
  return true;
}

bool IsUnicodeSpace(uint32_t cp) {
  switch (cp) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  size_t pos = 0;
  uint32_t cp = 0;
  while (pos < text.size()) {
    if (!NextCodePoint(text, &pos, &cp)) return false;
  }
  return true;
}

bool ContainsSpaceOrControl(std::string_view text) {
  size_t pos = 0;
  uint32_t cp = 0;
  while (pos < text.size()) {
    if (!NextCodePoint(text, &pos, &cp)) return true;
    if (cp < 0x20 || IsUnicodeSpace(cp)) return true;
  }
  return false;
}

absl::Status ValidateNoteText(std::string_view text, std::string_view what) {
  size_t pos = 0;
  uint32_t cp = 0;
  while (pos < text.size()) {
    const size_t at = pos;
    if (!NextCodePoint(text, &pos, &cp)) {
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(what), " is not valid UTF-8 (byte offset ", at, ")"));
    }
    if (cp < 0x20 && cp != '\n') {
      return absl::InvalidArgumentError(absl::StrCat(
          std::string(what), " holds control character 0x", absl::Hex(cp, absl::kZeroPad2),
          " at byte offset ", at, "; only newlines are allowed"));
    }
  }
  return absl::OkStatus();
}

}  // namespace poc
