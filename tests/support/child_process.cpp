#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace villagecam::testing {

ChildProcess::ChildProcess(std::vector<std::string> argv, std::vector<std::string> extra_env) {
  int in_pipe[2], out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  // The extra variables replace the inherited ones of their names.
  auto nameOf = [](const std::string& e) { return e.substr(0, e.find('=')); };
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    if (std::none_of(extra_env.begin(), extra_env.end(), [&](const auto& x) { return nameOf(x) == nameOf(entry); })) {
      env.push_back(entry);
    }
  }
  for (auto& e : extra_env) env.push_back(std::move(e));
  std::vector<char*> cargv, cenv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  for (auto& e : env) cenv.push_back(e.data());
  cenv.push_back(nullptr);

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(out_pipe[1], 2);
    // The child starts with no signal blocked, whatever the test runner blocks.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(cargv[0], cargv.data(), cenv.data());
    ::_exit(127);
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  stdin_fd_ = in_pipe[1];
  reader_ = std::thread([this, fd = out_pipe[0]] { readLoop(fd); });
}

ChildProcess::~ChildProcess() {
  closeInput();
  if (!reaped_) {
    ::kill(pid_, SIGKILL);
    wait(std::chrono::seconds(10));
  }
  if (reader_.joinable()) reader_.join();
}

void ChildProcess::readLoop(int fd) {
  std::string partial;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    partial.append(buffer, static_cast<size_t>(n));
    size_t nl;
    while ((nl = partial.find('\n')) != std::string::npos) {
      {
        std::lock_guard lock(mutex_);
        lines_.push_back(partial.substr(0, nl));
      }
      changed_.notify_all();
      partial.erase(0, nl + 1);
    }
  }
  {
    std::lock_guard lock(mutex_);
    if (!partial.empty()) lines_.push_back(partial);
    output_ended_ = true;
  }
  changed_.notify_all();
  ::close(fd);
}

void ChildProcess::writeLine(const std::string& line) {
  const std::string data = line + "\n";
  if (stdin_fd_ >= 0) (void)!::write(stdin_fd_, data.data(), data.size());
}

void ChildProcess::closeInput() {
  if (stdin_fd_ >= 0) ::close(stdin_fd_);
  stdin_fd_ = -1;
}

std::optional<std::string> ChildProcess::waitForLine(const std::function<bool(const std::string&)>& match,
                                                     std::chrono::milliseconds timeout, size_t from,
                                                     size_t* index) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  size_t next = from;
  while (true) {
    for (; next < lines_.size(); ++next) {
      if (match(lines_[next])) {
        if (index) *index = next;
        return lines_[next];
      }
    }
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout && next == lines_.size()) {
      return std::nullopt;
    }
  }
}

std::optional<std::string> ChildProcess::waitForSubstring(const std::string& text, std::chrono::milliseconds timeout,
                                                          size_t from, size_t* index) {
  return waitForLine([&](const std::string& l) { return l.find(text) != std::string::npos; }, timeout, from, index);
}

std::vector<std::string> ChildProcess::lines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

std::string ChildProcess::output() const {
  std::string out;
  for (const auto& l : lines()) out += l + "\n";
  return out;
}

bool ChildProcess::waitForEndOfOutput(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return output_ended_; });
}

void ChildProcess::signal(int sig) {
  if (!reaped_) ::kill(pid_, sig);
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  if (reaped_) return status_;
  // A pidfd becomes readable when the child exits: a wait with a deadline.
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(timeout.count()));
    ::close(pidfd);
  }
  int status = 0;
  if (::waitpid(pid_, &status, pidfd >= 0 ? WNOHANG : 0) != pid_) return std::nullopt;
  reaped_ = true;
  status_ = status;
  return status_;
}

bool ChildProcess::running() { return !wait(std::chrono::milliseconds(0)).has_value(); }

}  // namespace villagecam::testing
