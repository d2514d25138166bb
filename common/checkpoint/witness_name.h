// The one naming rule for States as witnesses of the relay's audit log: State <ISO3> cosigns
// checkpoints (C2SP tlog-cosignature/v1) with its ACTIVE directory signing key under the note
// key name "poc-witness/<ISO3>", e.g. "poc-witness/FRA". Relay and nodes both rely on it.
#ifndef POC_COMMON_CHECKPOINT_WITNESS_NAME_H_
#define POC_COMMON_CHECKPOINT_WITNESS_NAME_H_

#include <string>
#include <string_view>

namespace poc {

inline constexpr char kWitnessNamePrefix[] = "poc-witness/";

inline std::string WitnessName(std::string_view state) {
  return std::string(kWitnessNamePrefix) + std::string(state);
}

// The State a witness key name stands for, or "" when the name does not follow the rule.
inline std::string WitnessState(std::string_view name) {
  const std::string_view prefix(kWitnessNamePrefix);
  if (name.substr(0, prefix.size()) != prefix || name.size() == prefix.size()) return "";
  return std::string(name.substr(prefix.size()));
}

}  // namespace poc

#endif  // POC_COMMON_CHECKPOINT_WITNESS_NAME_H_
