#include "common/directory/un_regional_groups.h"

namespace poc {

const std::vector<RegionalGroup>& UnRegionalGroups() {
  // clang-format off
  static const std::vector<RegionalGroup> groups = {
    {"AFRICAN", "African Group", {
      "DZA", "AGO", "BEN", "BWA", "BFA", "BDI", "CPV", "CMR", "CAF", "TCD", "COM", "COG",
      "COD", "CIV", "DJI", "EGY", "GNQ", "ERI", "SWZ", "ETH", "GAB", "GMB", "GHA", "GIN",
      "GNB", "KEN", "LSO", "LBR", "LBY", "MDG", "MWI", "MLI", "MRT", "MUS", "MAR", "MOZ",
      "NAM", "NER", "NGA", "RWA", "STP", "SEN", "SYC", "SLE", "SOM", "ZAF", "SSD", "SDN",
      "TGO", "TUN", "UGA", "TZA", "ZMB", "ZWE",
    }},
    {"ASIA-PACIFIC", "Asia-Pacific Group", {
      "AFG", "BHR", "BGD", "BTN", "BRN", "KHM", "CHN", "CYP", "PRK", "FJI", "IND", "IDN",
      "IRN", "IRQ", "JPN", "JOR", "KAZ", "KIR", "KWT", "KGZ", "LAO", "LBN", "MYS", "MDV",
      "MHL", "FSM", "MNG", "MMR", "NRU", "NPL", "OMN", "PAK", "PLW", "PNG", "PHL", "QAT",
      "KOR", "WSM", "SAU", "SGP", "SLB", "LKA", "SYR", "TJK", "THA", "TLS", "TON", "TKM",
      "TUV", "ARE", "UZB", "VUT", "VNM", "YEM",
    }},
    {"EEG", "Eastern European Group", {
      "ALB", "ARM", "AZE", "BLR", "BIH", "BGR", "HRV", "CZE", "EST", "GEO", "HUN", "LVA",
      "LTU", "MNE", "MKD", "POL", "MDA", "ROU", "RUS", "SRB", "SVK", "SVN", "UKR",
    }},
    {"GRULAC", "Latin American and Caribbean Group", {
      "ATG", "ARG", "BHS", "BRB", "BLZ", "BOL", "BRA", "CHL", "COL", "CRI", "CUB", "DMA",
      "DOM", "ECU", "SLV", "GRD", "GTM", "GUY", "HTI", "HND", "JAM", "MEX", "NIC", "PAN",
      "PRY", "PER", "KNA", "LCA", "VCT", "SUR", "TTO", "URY", "VEN",
    }},
    {"WEOG", "Western European and Others Group", {
      "AND", "AUS", "AUT", "BEL", "CAN", "DNK", "FIN", "FRA", "DEU", "GRC", "ISL", "IRL",
      "ISR", "ITA", "LIE", "LUX", "MLT", "MCO", "NLD", "NZL", "NOR", "PRT", "SMR", "ESP",
      "SWE", "CHE", "TUR", "GBR", "USA",
    }},
  };
  // clang-format on
  return groups;
}

}  // namespace poc
