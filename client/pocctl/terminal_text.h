// Text as a terminal shows it: width in columns, truncation, and removal of control characters.
//
// Widths are counted per code point, not per byte, so Cyrillic and Arabic subjects line up:
// most code points take one column, combining marks (accents, Arabic harakat) and zero-width
// characters none, and East Asian wide characters (CJK, Hangul, fullwidth forms) two. Bytes
// that are not valid UTF-8 count one column each. This is an approximation of wcwidth that
// needs no locale.
#ifndef POC_CLIENT_POCCTL_TERMINAL_TEXT_H_
#define POC_CLIENT_POCCTL_TERMINAL_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace poc::pocctl {

// The number of terminal columns `utf8` takes.
size_t DisplayWidth(std::string_view utf8);

// `utf8` cut to at most `width` columns, ending in "…" when something was cut. Never splits a
// code point.
std::string TruncateToWidth(std::string_view utf8, size_t width);

// Text from other States is shown to operators; a control character in it could move the
// cursor or recolour the terminal. Returns `text` with every control character (C0, DEL, C1)
// replaced: by a space in a single line, or, with `keep_newlines`, newlines kept, tabs kept
// and the rest replaced by U+FFFD.
std::string SanitizeForTerminal(std::string_view text, bool keep_newlines);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_TERMINAL_TEXT_H_
