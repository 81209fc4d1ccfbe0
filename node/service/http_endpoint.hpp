// The node's local HTTP endpoint (cpp-httplib), on 127.0.0.1 by default:
//   /healthz  200 "ok" while the event loop and every camera worker are alive,
//             503 naming what is stuck otherwise
//   /metrics  Prometheus text format (service/metrics.hpp)
//   /status   JSON: node, cameras and coverage, as on MQTT
//   /clips    JSON: the evidence clips kept (docs/clips.md)
//   /clips/<id>.mp4  one clip, with HTTP range requests (a player seeks)
// Clips are served to anyone on loopback; beyond it, only to a viewer
// account (restream's viewers:, HTTP Basic), else 401/403.
// Read-only; served on its own thread, never blocking the node; every
// client meets GuardedServer's limits (a request in time, no body, a few
// connections per address).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <thread>

#include "config/config.hpp"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace villagecam::service {

class NodeView;
class GuardedServer;

class HttpEndpoint {
 public:
  // `accounts`: name to password (the secrets file's viewers:).
  HttpEndpoint(const config::HttpConfig& config, const NodeView& node, std::map<std::string, std::string> accounts = {});
  ~HttpEndpoint();
  HttpEndpoint(const HttpEndpoint&) = delete;
  HttpEndpoint& operator=(const HttpEndpoint&) = delete;

  // Binds and starts serving; returns the port. Throws std::runtime_error
  // naming the address if it cannot bind.
  int start();
  void stop();

 private:
  config::HttpConfig config_;
  const NodeView& node_;
  const std::map<std::string, std::string> accounts_;
  bool mayReadClips(const httplib::Request& req, httplib::Response& res) const;

  std::unique_ptr<GuardedServer> server_;
  std::thread thread_;
};

}  // namespace villagecam::service
