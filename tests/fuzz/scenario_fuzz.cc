// Drill scenario files (pocctl drill start --scenario FILE; common/drills/drill_scenario.h): any
// text either parses into a scenario with at least one step, each naming a target, an urgency and
// a subject, or is refused with an error naming the file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/drills/drill_scenario.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = "scenario.toml";
  absl::StatusOr<poc::v1::DrillScenario> s =
      poc::ParseDrillScenario(poc::fuzz::AsText(data, size), path);
  if (!s.ok()) {
    POC_FUZZ_CHECK(absl::IsInvalidArgument(s.status()));
    POC_FUZZ_CHECK(s.status().message().rfind(path, 0) == 0);
    return 0;
  }
  POC_FUZZ_CHECK(!s->name().empty() || s->steps_size() > 0);
  POC_FUZZ_CHECK(s->steps_size() > 0);
  for (const poc::v1::DrillScenarioStep& step : s->steps()) {
    POC_FUZZ_CHECK(step.to_size() > 0);
    POC_FUZZ_CHECK(step.urgency() != poc::v1::URGENCY_UNSPECIFIED);
  }
  return 0;
}
