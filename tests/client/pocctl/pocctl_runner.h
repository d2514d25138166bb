// Runs pocctl in-process against a FakePocd, capturing stdout, stderr and the exit code.
#ifndef POC_TESTS_CLIENT_POCCTL_POCCTL_RUNNER_H_
#define POC_TESTS_CLIENT_POCCTL_POCCTL_RUNNER_H_

#include <sstream>
#include <string>
#include <vector>

#include "client/pocctl/pocctl.h"
#include "common/util/clock.h"
#include "tests/client/pocctl/fake_control_client.h"

namespace poc::pocctl {

struct RunResult {
  int exit_code;
  std::string out;
  std::string err;
};

inline const absl::Time kTestNow =
    absl::FromCivil(absl::CivilSecond(2026, 11, 19, 10, 13, 20), absl::UTCTimeZone());

inline RunResult RunWith(FakePocd& pocd, std::vector<std::string> args,
                         std::string env_node = "/srv/fra") {
  args.insert(args.begin(), "pocctl");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out;
  std::ostringstream err;
  FakeClock clock(kTestNow);
  Environment env;
  env.out = &out;
  env.err = &err;
  env.env_node = std::move(env_node);
  env.clock = &clock;
  env.connect = pocd.connector();
  const int code = RunPocctl(static_cast<int>(argv.size()), argv.data(), env);
  return {code, out.str(), err.str()};
}

}  // namespace poc::pocctl

#endif  // POC_TESTS_CLIENT_POCCTL_POCCTL_RUNNER_H_
