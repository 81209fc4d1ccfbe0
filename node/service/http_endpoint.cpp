#include "service/http_endpoint.hpp"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "service/guarded_server.hpp"
#include "service/metrics.hpp"
#include "contract/payloads.hpp"
#include "util/time_format.hpp"

namespace villagecam::service {
namespace {

constexpr auto kStaleAfter = std::chrono::seconds(15);  // as the watchdog's half-interval by default

nlohmann::json statusJson(const NodeReport& m) {
  nlohmann::json cameras = nlohmann::json::array();
  const WallTime now = std::chrono::system_clock::now();
  for (const auto& c : m.cameras) {
    cameras.push_back(contract::cameraStatusJson(c.health, c.uptime, c.view, m.node_id, now, c.detection));
  }
  contract::CoverageSummary coverage;
  coverage.node_id = m.node_id;
  coverage.report = m.coverage;
  coverage.now = now;
  return {{"node", m.node_id},
          {"version", m.version},
          {"started_at", toRfc3339(m.started_at)},
          {"mqtt", {{"enabled", m.mqtt_enabled}, {"connected", m.mqtt_connected}, {"outbox", m.outbox_depth}}},
          {"cameras", cameras},
          {"coverage", contract::coverageJson(coverage)}};
}

}  // namespace

HttpEndpoint::HttpEndpoint(const config::HttpConfig& config, const NodeView& node)
    : config_(config),
      node_(node),
      server_(std::make_unique<GuardedServer>(config, RequestLimits{8 * 1024, 0}, "http",
                                              static_cast<std::size_t>(config.max_connections_per_client) + 8)) {
  // Read-only: no body is taken (GuardedServer answers 413 to one).
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
    const auto& c = server_->counters();
    std::string text = renderMetrics(node_.report());
    text += "# HELP villagecam_http_refused_total HTTP connections refused by the endpoint's limits, by reason.\n"
            "# TYPE villagecam_http_refused_total counter\n";
    text += "villagecam_http_refused_total{reason=\"too_many_connections\"} " + std::to_string(c.too_many.load()) + "\n";
    text += "villagecam_http_refused_total{reason=\"timeout\"} " + std::to_string(c.timed_out.load()) + "\n";
    text += "villagecam_http_refused_total{reason=\"malformed_or_too_large\"} " + std::to_string(c.refused.load()) + "\n";
    res.set_content(text, "text/plain; version=0.0.4; charset=utf-8");
  });
  server_->Get("/status", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(statusJson(node_.report()).dump(2) + "\n", "application/json");
  });
}

HttpEndpoint::~HttpEndpoint() { stop(); }

int HttpEndpoint::start() {
  const int port = server_->bind(config_.host, config_.port);
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

}  // namespace villagecam::service
