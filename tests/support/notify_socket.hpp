// A stand-in for systemd's notification socket: a Unix datagram socket the
// node under test writes READY=1, STATUS=..., WATCHDOG=1 to (via
// NOTIFY_SOCKET), with waits that have deadlines.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace villagecam::testing {

class NotifySocket {
 public:
  explicit NotifySocket(std::filesystem::path path);
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  std::string env() const { return "NOTIFY_SOCKET=" + path_.string(); }
  // Receives until a datagram contains `text` (true) or the timeout passes.
  bool waitFor(const std::string& text, std::chrono::milliseconds timeout) { return waitForCount(text, 1, timeout); }
  // Receives until `n` datagrams have contained `text`.
  bool waitForCount(const std::string& text, int n, std::chrono::milliseconds timeout);
  // Every datagram received so far.
  const std::vector<std::string>& received() const { return received_; }
  int count(const std::string& text) const;

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<std::string> received_;
};

}  // namespace villagecam::testing
