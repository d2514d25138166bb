#include "bench/progress.h"

#include <unistd.h>

#include <cstdio>

namespace poc::bench {

Progress::Progress(bool quiet) : quiet_(quiet), tty_(::isatty(2) == 1) {}

void Progress::Update(const std::string& line) {
  if (quiet_) return;
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  const auto every = tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000);
  if (now - last_ < every) return;
  last_ = now;
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    open_ = true;
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

void Progress::Done(const std::string& line) {
  if (quiet_) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (tty_) std::fprintf(stderr, "\r\033[K");
  std::fprintf(stderr, "%s\n", line.c_str());
  open_ = false;
  last_ = {};
}

}  // namespace poc::bench
