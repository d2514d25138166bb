#ifndef POC_COMMON_UTIL_MAIN_GUARD_H_
#define POC_COMMON_UTIL_MAIN_GUARD_H_

#include <exception>
#include <iostream>
#include <string_view>

#include "absl/synchronization/mutex.h"

namespace poc {

// The last line of each program's main(): runs `body` and returns its exit status. An exception
// nothing else caught (std::bad_alloc, a library's throw) ends the program with
// "<program>: unexpected error: ..." on stderr and exit status 1, not std::terminate's silent
// abort. Our own code reports failures as absl::Status; this is for what slips past.
//
// It first turns off absl's lock-order checker: Debian builds absl without NDEBUG, so every
// absl::Mutex operation (gRPC's own locks included) otherwise walks a lock graph, about 3% of
// the relay's CPU under load (README "Performance"). Release builds of absl never run it.
template <typename Body>
int GuardMain(std::string_view program, Body&& body) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  try {
    return body();
  } catch (const std::exception& e) {
    std::cerr << program << ": unexpected error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << program << ": unexpected error of an unknown kind\n";
  }
  return 1;
}

}  // namespace poc

#endif  // POC_COMMON_UTIL_MAIN_GUARD_H_
