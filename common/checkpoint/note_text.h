// Character rules of signed notes: valid UTF-8, no ASCII control characters but newline, and key
// names without Unicode spaces. Internal to common/checkpoint.
#ifndef POC_COMMON_CHECKPOINT_NOTE_TEXT_H_
#define POC_COMMON_CHECKPOINT_NOTE_TEXT_H_

#include <string_view>

#include "absl/status/status.h"

namespace poc {

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF).
bool IsValidUtf8(std::string_view text);

// True when valid UTF-8 `text` holds a Unicode space (as Go's unicode.IsSpace: ASCII white
// space, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) or an
// ASCII control character.
bool ContainsSpaceOrControl(std::string_view text);

// OK when `text` is valid UTF-8 without ASCII control characters other than newline, as the
// signed-note spec requires of a whole note. `what` names the text in the error.
absl::Status ValidateNoteText(std::string_view text, std::string_view what);

}  // namespace poc

#endif  // POC_COMMON_CHECKPOINT_NOTE_TEXT_H_
