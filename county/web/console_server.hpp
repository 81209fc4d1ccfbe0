// The console's HTTP side (cpp-httplib): the JSON API under /api/ and
// /healthz, on loopback unless configured. It only routes: what it answers
// comes from a ConsoleSource, so it knows nothing of MQTT or the picture.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <thread>

#include "config/config.hpp"

namespace httplib {
class Server;
}

namespace villagecam::county {

// What the console shows; called from the server's threads, so thread-safe.
class ConsoleSource {
 public:
  virtual ~ConsoleSource() = default;
  virtual nlohmann::json summary() = 0;
  virtual nlohmann::json villages() = 0;
  virtual nlohmann::json problems() = 0;
  virtual nlohmann::json openAlerts() = 0;
  virtual nlohmann::json health() = 0;  // {"ok": bool, ...}: the broker connected
};

class ConsoleServer {
 public:
  ConsoleServer(config::HttpConfig config, ConsoleSource& source);
  ~ConsoleServer();
  ConsoleServer(const ConsoleServer&) = delete;
  ConsoleServer& operator=(const ConsoleServer&) = delete;

  // Binds (throws naming http.listen if it cannot) and serves on a thread;
  // returns the port (the one chosen when configured with 0).
  int start();
  void stop();

 private:
  config::HttpConfig config_;
  ConsoleSource& source_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace villagecam::county
