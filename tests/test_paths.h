// Where tests find the built binaries and the repository's test data: $POC_BUILD_DIR and
// $POC_SOURCE_DIR when set, else the folders CMake compiled into every test (poc_add_test).
#ifndef POC_TESTS_TEST_PATHS_H_
#define POC_TESTS_TEST_PATHS_H_

#include <cstdlib>
#include <string>

namespace poc::testing {

inline std::string BuildDir() {
  const char* dir = std::getenv("POC_BUILD_DIR");
  return (dir != nullptr && *dir != '\0') ? dir : POC_BUILD_DIR_DEFAULT;
}

inline std::string SourceDir() {
  const char* dir = std::getenv("POC_SOURCE_DIR");
  return (dir != nullptr && *dir != '\0') ? dir : POC_SOURCE_DIR_DEFAULT;
}

}  // namespace poc::testing

#endif  // POC_TESTS_TEST_PATHS_H_
