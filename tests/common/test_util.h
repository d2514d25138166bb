// Small helpers shared by the tests of common/: a per-test temporary folder and byte helpers
// that do not depend on the libraries under test.
#ifndef POC_TESTS_COMMON_TEST_UTIL_H_
#define POC_TESTS_COMMON_TEST_UTIL_H_

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include "absl/status/status.h"

namespace poc::testutil {

// A fresh folder (mkdtemp) under $TMPDIR or /tmp, removed with its contents when this object
// is destroyed.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/poc-common-test-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();  // a test cannot run without its folder
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // The path of `name` inside this folder (the file need not exist).
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

// Writes `contents` to `path`, replacing it; for preparing fixtures only.
inline void WriteFixture(const std::string& path, std::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
}

inline std::string ReadFixture(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Debian's Abseil is C++14: Status::message() is an absl::string_view.
inline std::string MessageOf(const absl::Status& status) { return std::string(status.message()); }

// Decodes a hex test constant. Independent of common/encoding so that vectors stay trustworthy
// when that library is the one under test. Aborts on a malformed constant.
inline std::string Unhex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    std::abort();
  };
  if (hex.size() % 2 != 0) std::abort();
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    out.push_back(static_cast<char>((nibble(hex[i]) << 4) | nibble(hex[i + 1])));
  }
  return out;
}

// Lowercase hex of `bytes`, written independently of common/encoding.
inline std::string ToHex(std::string_view bytes) {
  std::string out;
  char buf[3];
  for (unsigned char b : bytes) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    out += buf;
  }
  return out;
}

}  // namespace poc::testutil

#endif  // POC_TESTS_COMMON_TEST_UTIL_H_
