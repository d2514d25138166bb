#include "common/template/iso639.h"

#include <algorithm>
#include <iterator>

namespace poc {
namespace {

struct Language {
  std::string_view code;
  std::string_view name;
};

// Sorted by code, so lookups are a binary search.
constexpr Language kLanguages[] = {
#include "common/template/iso639_table.inc"
};

const Language* Find(std::string_view code) {
  const auto* it =
      std::lower_bound(std::begin(kLanguages), std::end(kLanguages), code,
                       [](const Language& l, std::string_view k) { return l.code < k; });
  if (it == std::end(kLanguages) || it->code != code) return nullptr;
  return it;
}

}  // namespace

bool IsIso639Alpha2(std::string_view code) { return Find(code) != nullptr; }

std::optional<std::string_view> LanguageName(std::string_view code) {
  const Language* l = Find(code);
  if (l == nullptr) return std::nullopt;
  return l->name;
}

}  // namespace poc
