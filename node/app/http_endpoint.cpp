#include "app/http_endpoint.hpp"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "app/metrics.hpp"
#include "app/node.hpp"
#include "mqtt/payloads.hpp"
#include "util/time_format.hpp"

namespace villagecam::app {
namespace {

constexpr auto kStaleAfter = std::chrono::seconds(15);  // as the watchdog's half-interval by default

nlohmann::json statusJson(const NodeMetrics& m) {
  nlohmann::json cameras = nlohmann::json::array();
  const WallTime now = std::chrono::system_clock::now();
  for (const auto& c : m.cameras) {
    mqtt::ViewReport view;
    view.state = viewStateName(c.view);
    for (auto i : c.view.raised) view.issues.push_back(analysis::toString(i));
    view.baseline_at = c.view.baseline_taken_at;
    std::optional<mqtt::DetectionReport> detection;
    if (c.detection) {
      detection = mqtt::DetectionReport{c.detection->frames, c.detection->events, c.detection->suppressed,
                                        c.detection->global_changes};
    }
    cameras.push_back(mqtt::cameraStatusJson(c.health, c.uptime, view, m.node_id, now, detection));
  }
  mqtt::CoverageSummary coverage;
  coverage.node_id = m.node_id;
  coverage.report = m.coverage;
  coverage.now = now;
  return {{"node", m.node_id},
          {"version", m.version},
          {"started_at", toRfc3339(m.started_at)},
          {"mqtt", {{"enabled", m.mqtt_enabled}, {"connected", m.mqtt_connected}, {"outbox", m.outbox_depth}}},
          {"cameras", cameras},
          {"coverage", mqtt::coverageJson(coverage)}};
}

}  // namespace

HttpEndpoint::HttpEndpoint(const config::HttpConfig& config, const Node& node)
    : config_(config), node_(node), server_(std::make_unique<httplib::Server>()) {
  server_->Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    const auto stale = staleHeartbeats(node_.heartbeats(), std::chrono::steady_clock::now(), kStaleAfter);
    if (stale.empty()) {
      res.set_content("ok\n", "text/plain");
      return;
    }
    std::string names;
    for (const auto& n : stale) names += (names.empty() ? "" : ", ") + n;
    res.status = 503;
    res.set_content("not answering: " + names + "\n", "text/plain");
  });
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(renderMetrics(node_.metrics()), "text/plain; version=0.0.4; charset=utf-8");
  });
  server_->Get("/status", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(statusJson(node_.metrics()).dump(2) + "\n", "application/json");
  });
}

HttpEndpoint::~HttpEndpoint() { stop(); }

int HttpEndpoint::start() {
  int port = config_.port;
  if (port == 0) {
    port = server_->bind_to_any_port(config_.host);
  } else if (!server_->bind_to_port(config_.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    throw std::runtime_error("http.listen " + config_.host + ":" + std::to_string(config_.port) +
                             ": cannot listen there (in use, or not an address of this box)");
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return port;
}

void HttpEndpoint::stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

}  // namespace villagecam::app
