// The console's HTTP side (cpp-httplib): the JSON API under /api/ and
// /healthz, on loopback unless configured. It only routes: what it answers
// comes from a ConsoleSource, so it knows nothing of MQTT or the picture.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "config/config.hpp"

namespace httplib {
class Server;
}

namespace villagecam::county {

// A request the source cannot answer as asked: 400 with what is wrong.
class BadRequest : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Params = std::map<std::string, std::string>;

// What the console shows; called from the server's threads, so thread-safe.
// The history's answers may throw BadRequest (a parameter named) or fail
// (503: the store is not answering).
class ConsoleSource {
 public:
  virtual ~ConsoleSource() = default;
  virtual nlohmann::json summary() = 0;
  virtual nlohmann::json villages() = 0;
  virtual nlohmann::json problems() = 0;
  virtual nlohmann::json openAlerts() = 0;
  virtual nlohmann::json health() = 0;  // {"ok": bool, ...}: the broker connected
  virtual nlohmann::json alerts(const Params& params) = 0;  // the alert history, filtered
  virtual std::string alertsCsv(const Params& params) = 0;  // the same as CSV
  virtual nlohmann::json days(const Params& params) = 0;    // time-weighted rates per day
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
