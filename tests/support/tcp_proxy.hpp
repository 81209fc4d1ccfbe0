// A TCP relay on 127.0.0.1 that stands for a village's uplink: it forwards
// connections to a target port until cut() drops every connection and
// refuses new ones; restore() lets traffic through again; stall() holds
// every byte with the connections left open.
#pragma once

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace villagecam::testing {

class TcpProxy {
 public:
  explicit TcpProxy(int target_port);
  ~TcpProxy();

  int port() const { return port_; }
  void cut();
  void restore();
  // The link goes quiet without closing: connections stay open and nothing
  // passes either way (a box that lost power, a cable pulled far away).
  void stall() { stalled_ = true; }

 private:
  void acceptLoop();
  void relay(int client, int upstream);

  int target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};
  std::atomic<bool> up_{true};
  std::atomic<bool> stalled_{false};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<int> open_fds_;
  std::vector<std::thread> relays_;
  std::thread acceptor_;
};

}  // namespace villagecam::testing
