#include "client/pocctl/terminal_text.h"

#include <cstdint>

namespace poc::pocctl {
namespace {

constexpr std::string_view kEllipsis = "\xe2\x80\xa6";     // U+2026
constexpr std::string_view kReplacement = "\xef\xbf\xbd";  // U+FFFD

// One decoded code point and the bytes it took. Invalid UTF-8 decodes as one byte with
// `valid` false.
struct CodePoint {
  uint32_t value;
  size_t length;
  bool valid;
};

CodePoint Decode(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return {c, 1, true};
  size_t len = 0;
  uint32_t value = 0;
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
    value = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    value = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    value = c & 0x07;
  } else {
    return {c, 1, false};
  }
  if (i + len > s.size()) return {c, 1, false};
  for (size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xc0) != 0x80) return {c, 1, false};
    value = (value << 6) | (cc & 0x3f);
  }
  return {value, len, true};
}

bool InRange(uint32_t v, uint32_t lo, uint32_t hi) { return v >= lo && v <= hi; }

size_t Width(const CodePoint& cp) {
  if (!cp.valid) return 1;
  const uint32_t v = cp.value;
  if (InRange(v, 0x0300, 0x036f) || InRange(v, 0x0483, 0x0489) || InRange(v, 0x0591, 0x05bd) ||
      InRange(v, 0x0610, 0x061a) || InRange(v, 0x064b, 0x065f) || v == 0x0670 ||
      InRange(v, 0x06d6, 0x06dc) || InRange(v, 0x06df, 0x06e4) || InRange(v, 0x200b, 0x200f) ||
      InRange(v, 0x20d0, 0x20ff) || InRange(v, 0xfe00, 0xfe0f) || InRange(v, 0xfe20, 0xfe2f)) {
    return 0;
  }
  if (InRange(v, 0x1100, 0x115f) || InRange(v, 0x2e80, 0x303e) || InRange(v, 0x3041, 0x33ff) ||
      InRange(v, 0x3400, 0x4dbf) || InRange(v, 0x4e00, 0x9fff) || InRange(v, 0xa000, 0xa4cf) ||
      InRange(v, 0xac00, 0xd7a3) || InRange(v, 0xf900, 0xfaff) || InRange(v, 0xfe30, 0xfe4f) ||
      InRange(v, 0xff00, 0xff60) || InRange(v, 0xffe0, 0xffe6) || InRange(v, 0x1f300, 0x1f64f) ||
      InRange(v, 0x1f900, 0x1f9ff) || InRange(v, 0x20000, 0x3fffd)) {
    return 2;
  }
  return 1;
}

bool IsControl(const CodePoint& cp) {
  return cp.valid && (cp.value < 0x20 || InRange(cp.value, 0x7f, 0x9f));
}

}  // namespace

size_t DisplayWidth(std::string_view utf8) {
  size_t width = 0;
  for (size_t i = 0; i < utf8.size();) {
    const CodePoint cp = Decode(utf8, i);
    width += Width(cp);
    i += cp.length;
  }
  return width;
}

std::string TruncateToWidth(std::string_view utf8, size_t width) {
  if (DisplayWidth(utf8) <= width) return std::string(utf8);
  if (width == 0) return "";
  const size_t budget = width - 1;  // one column for the ellipsis
  std::string out;
  size_t used = 0;
  for (size_t i = 0; i < utf8.size();) {
    const CodePoint cp = Decode(utf8, i);
    const size_t w = Width(cp);
    if (used + w > budget) break;
    out.append(utf8.substr(i, cp.length));
    used += w;
    i += cp.length;
  }
  out.append(kEllipsis);
  return out;
}

std::string SanitizeForTerminal(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const CodePoint cp = Decode(text, i);
    if (!IsControl(cp)) {
      out.append(text.substr(i, cp.length));
    } else if (keep_newlines && (cp.value == '\n' || cp.value == '\t')) {
      out.push_back(static_cast<char>(cp.value));
    } else if (!keep_newlines && (cp.value == '\n' || cp.value == '\t' || cp.value == '\r')) {
      out.push_back(' ');
    } else {
      out.append(kReplacement);
    }
    i += cp.length;
  }
  return out;
}

}  // namespace poc::pocctl
