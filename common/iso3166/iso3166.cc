#include "common/iso3166/iso3166.h"

#include <algorithm>
#include <iterator>

namespace poc {
namespace {

struct Country {
  std::string_view code;
  std::string_view name;
};

// Sorted by code, so lookups are a binary search.
constexpr Country kCountries[] = {
#include "common/iso3166/iso3166_table.inc"
};

const Country* Find(std::string_view code) {
  const auto* it = std::lower_bound(std::begin(kCountries), std::end(kCountries), code,
                                    [](const Country& c, std::string_view k) { return c.code < k; });
  if (it == std::end(kCountries) || it->code != code) return nullptr;
  return it;
}

}  // namespace

bool IsIso3166Alpha3(std::string_view code) { return Find(code) != nullptr; }

std::optional<std::string_view> CountryName(std::string_view code) {
  const Country* c = Find(code);
  if (c == nullptr) return std::nullopt;
  return c->name;
}

}  // namespace poc
