// A TCP relay on 127.0.0.1 that stands for a village's uplink: it forwards
// connections to a target port on 127.0.0.1 until cut() drops every
// connection (no goodbye: the broker sends the wills) and refuses new ones;
// restore() lets traffic through again; stall() holds every byte with the
// connections left open. The simulator's nodes vanish through one; the tests
// cut and stall the real node's uplink with one.
#pragma once

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace villagecam::county::sim {

class UplinkRelay {
 public:
  explicit UplinkRelay(int target_port);
  ~UplinkRelay();
  UplinkRelay(const UplinkRelay&) = delete;
  UplinkRelay& operator=(const UplinkRelay&) = delete;

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

}  // namespace villagecam::county::sim
