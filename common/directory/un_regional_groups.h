// The five UN regional groups, preloaded into every directory as groups of kind "regional".
#ifndef POC_COMMON_DIRECTORY_UN_REGIONAL_GROUPS_H_
#define POC_COMMON_DIRECTORY_UN_REGIONAL_GROUPS_H_

#include <string_view>
#include <vector>

namespace poc {

struct RegionalGroup {
  std::string_view name;                  // the address after "group:", e.g. "WEOG"
  std::string_view title;                 // English title
  std::vector<std::string_view> members;  // ISO 3166-1 alpha-3, all UN Member States
};

// The 193 UN Member States, each in exactly one group, as the UN's Department for General
// Assembly and Conference Management lists them for electoral purposes (Türkiye in WEOG,
// Kiribati in Asia-Pacific, the United States counted with WEOG).
const std::vector<RegionalGroup>& UnRegionalGroups();

}  // namespace poc

#endif  // POC_COMMON_DIRECTORY_UN_REGIONAL_GROUPS_H_
