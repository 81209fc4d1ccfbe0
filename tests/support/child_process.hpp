// A child process for tests: started with pipes, its output collected line by
// line on a reader thread, waited for by content with a deadline, and always
// killed and reaped on destruction, so a failing test leaves nothing behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace villagecam::testing {

class ChildProcess {
 public:
  // argv[0] is the program path. stderr is merged into the collected output.
  explicit ChildProcess(std::vector<std::string> argv, std::vector<std::string> extra_env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void writeLine(const std::string& line);
  void closeInput();

  // The first collected line (from index `from` on) that matches, or nullopt
  // after the timeout. Returns its index through `index` if given.
  std::optional<std::string> waitForLine(const std::function<bool(const std::string&)>& match,
                                         std::chrono::milliseconds timeout, size_t from = 0,
                                         size_t* index = nullptr);
  std::optional<std::string> waitForSubstring(const std::string& text, std::chrono::milliseconds timeout,
                                              size_t from = 0, size_t* index = nullptr);
  std::vector<std::string> lines() const;
  std::string output() const;  // all lines joined, for failure messages

  // Waits until the child's output has ended (it exited and every line is in).
  bool waitForEndOfOutput(std::chrono::milliseconds timeout);

  void signal(int sig);
  // Waits for exit; returns the wait status, or nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  bool running();

 private:
  void readLoop(int fd);

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
  bool output_ended_ = false;
};

}  // namespace villagecam::testing
