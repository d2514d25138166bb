// ISO 3166-1 alpha-3 codes: the names of States on the network.
#ifndef POC_COMMON_ISO3166_ISO3166_H_
#define POC_COMMON_ISO3166_ISO3166_H_

#include <optional>
#include <string_view>

namespace poc {

// True when `code` is an assigned ISO 3166-1 alpha-3 code (upper case, e.g. "KEN").
bool IsIso3166Alpha3(std::string_view code);

// The English short name of an assigned code, e.g. "Kenya".
std::optional<std::string_view> CountryName(std::string_view code);

}  // namespace poc

#endif  // POC_COMMON_ISO3166_ISO3166_H_
