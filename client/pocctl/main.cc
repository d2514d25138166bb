// pocctl: the operator's console for a PoC Network node. See pocctl.h.
#include <cstdlib>
#include <iostream>

#include "client/pocctl/grpc_control_client.h"
#include "client/pocctl/pocctl.h"
#include "common/util/clock.h"
#include "common/util/main_guard.h"

int main(int argc, char** argv) {
  return poc::GuardMain("pocctl", [&] {
    const poc::SystemClock clock;
    poc::pocctl::Environment env;
    env.out = &std::cout;
    env.err = &std::cerr;
    if (const char* node = std::getenv("POC_NODE"); node != nullptr) env.env_node = node;
    env.clock = &clock;
    env.connect = poc::pocctl::ConnectToPocd;
    return poc::pocctl::RunPocctl(argc, argv, env);
  });
}
