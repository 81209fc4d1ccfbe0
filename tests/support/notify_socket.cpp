#include "notify_socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace villagecam::testing {

NotifySocket::NotifySocket(std::filesystem::path path) : path_(std::move(path)) {
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path_.string().size() >= sizeof(addr.sun_path)) throw std::runtime_error("socket path too long: " + path_.string());
  std::strcpy(addr.sun_path, path_.c_str());
  std::filesystem::remove(path_);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    throw std::runtime_error("bind " + path_.string() + ": " + std::strerror(errno));
  }
}

NotifySocket::~NotifySocket() {
  if (fd_ >= 0) ::close(fd_);
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

bool NotifySocket::waitForCount(const std::string& text, int n, std::chrono::milliseconds timeout) {
  if (count(text) >= n) return true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    const ssize_t got = ::recv(fd_, buf, sizeof(buf), 0);
    if (got <= 0) continue;
    received_.emplace_back(buf, static_cast<size_t>(got));
    if (count(text) >= n) return true;
  }
}

int NotifySocket::count(const std::string& text) const {
  int n = 0;
  for (const auto& r : received_) n += r.find(text) != std::string::npos;
  return n;
}

}  // namespace villagecam::testing
