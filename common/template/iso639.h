// ISO 639-1 language codes: the tag on a template's free text.
#ifndef POC_COMMON_TEMPLATE_ISO639_H_
#define POC_COMMON_TEMPLATE_ISO639_H_

#include <optional>
#include <string_view>

namespace poc {

// True when `code` is an assigned ISO 639-1 code in its canonical form: two lowercase letters
// ("en", "fr"). "EN" and "eng" are not.
bool IsIso639Alpha2(std::string_view code);

// The English name of an assigned code, e.g. "French".
std::optional<std::string_view> LanguageName(std::string_view code);

}  // namespace poc

#endif  // POC_COMMON_TEMPLATE_ISO639_H_
