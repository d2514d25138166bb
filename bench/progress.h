// The one status line the bench keeps up to date on stderr while a scenario runs.
#ifndef POC_BENCH_PROGRESS_H_
#define POC_BENCH_PROGRESS_H_

#include <chrono>
#include <mutex>
#include <string>

namespace poc::bench {

// Thread-safe. On a terminal the line is redrawn in place at most 10 times a second;
// otherwise (a log, CI) a line is printed every 5 seconds.
class Progress {
 public:
  explicit Progress(bool quiet);
  void Update(const std::string& line);
  // Ends the current line (the next Update starts a new one).
  void Done(const std::string& line);

 private:
  const bool quiet_;
  const bool tty_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point last_;  // guarded by mu_
  bool open_ = false;                           // guarded by mu_: a line waits for its end
};

}  // namespace poc::bench

#endif  // POC_BENCH_PROGRESS_H_
