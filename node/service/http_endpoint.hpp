// The node's local HTTP endpoint (cpp-httplib), on 127.0.0.1 by default:
//   /healthz  200 "ok" while the event loop and every camera worker are alive,
//             503 naming what is stuck otherwise
//   /metrics  Prometheus text format (service/metrics.hpp)
//   /status   JSON: node, cameras and coverage, as on MQTT
// Read-only; served on its own thread, never blocking the node; every
// client meets GuardedServer's limits (a request in time, no body, a few
// connections per address).
#pragma once

#include <memory>
#include <thread>

#include "config/config.hpp"

namespace villagecam::service {

class NodeView;
class GuardedServer;

class HttpEndpoint {
 public:
  HttpEndpoint(const config::HttpConfig& config, const NodeView& node);
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
  std::unique_ptr<GuardedServer> server_;
  std::thread thread_;
};

}  // namespace villagecam::service
