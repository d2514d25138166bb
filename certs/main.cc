// poc-pki: makes the federation's certificates and each State's signing key.
#include <iostream>

#include "certs/pki_cli.h"
#include "common/util/main_guard.h"

int main(int argc, char** argv) {
  return poc::GuardMain("poc-pki",
                        [&] { return poc::pki::RunPkiCli(argc, argv, std::cout, std::cerr); });
}
