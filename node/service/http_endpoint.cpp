#include "service/http_endpoint.hpp"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <optional>
#include <string_view>
#include <vector>

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

std::optional<std::string> base64Decode(std::string_view in) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned value = 0;
  int bits = -8;
  for (char c : in) {
    if (c == '=') break;
    const auto pos = alphabet.find(c);
    if (pos == std::string::npos) return std::nullopt;
    value = (value << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((value >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

// Equal, in a time that does not tell how much of them is.
bool sameSecret(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i % (b.empty() ? 1 : b.size())]);
  return diff == 0 && !b.empty();
}

nlohmann::json clipJson(const ClipListing& c) {
  return {{"id", c.id},
          {"camera", c.camera},
          {"alert_type", c.alert_type},
          {"start", toRfc3339(c.start)},
          {"end", toRfc3339(c.end)},
          {"duration_s", std::round(toSeconds(c.end - c.start) * 100) / 100},
          {"bytes", c.bytes},
          {"frames", c.frames},
          {"url", "/clips/" + c.id + ".mp4"}};
}

}  // namespace

// Clips are evidence: on loopback anyone on the box may read them; beyond
// it only a viewer account (HTTP Basic), and nobody if there is none.
bool HttpEndpoint::mayReadClips(const httplib::Request& req, httplib::Response& res) const {
  if (config::isLoopbackHost(config_.host)) return true;
  if (accounts_.empty()) {
    res.status = 403;
    res.set_content("clips are served beyond loopback to viewer accounts only (viewers: in the secrets file)\n",
                    "text/plain");
    return false;
  }
  const auto header = req.get_header_value("Authorization");
  if (header.rfind("Basic ", 0) == 0) {
    if (const auto decoded = base64Decode(header.substr(6))) {
      const auto colon = decoded->find(':');
      if (colon != std::string::npos) {
        const auto it = accounts_.find(decoded->substr(0, colon));
        if (it != accounts_.end() && sameSecret(decoded->substr(colon + 1), it->second)) return true;
      }
    }
  }
  res.status = 401;
  res.set_header("WWW-Authenticate", "Basic realm=\"villagecam\", charset=\"UTF-8\"");
  res.set_content("a viewer account is needed\n", "text/plain");
  return false;
}

HttpEndpoint::HttpEndpoint(const config::HttpConfig& config, const NodeView& node,
                           std::map<std::string, std::string> accounts)
    : config_(config),
      node_(node),
      accounts_(std::move(accounts)),
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
  server_->Get("/clips", [this](const httplib::Request& req, httplib::Response& res) {
    if (!mayReadClips(req, res)) return;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& c : node_.clips()) list.push_back(clipJson(c));
    res.set_content(nlohmann::json{{"clips", list}}.dump(2) + "\n", "application/json");
  });
  server_->Get(R"(/clips/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.mp4)",
               [this](const httplib::Request& req, httplib::Response& res) {
                 if (!mayReadClips(req, res)) return;
                 const auto path = node_.clipFile(req.matches[1]);
                 auto file = path ? std::make_shared<std::ifstream>(*path, std::ios::binary) : nullptr;
                 std::error_code ec;
                 const auto size = path ? std::filesystem::file_size(*path, ec) : 0;
                 if (!file || !*file || ec) {
                   res.status = 404;
                   res.set_content("no such clip (it may have been removed for space)\n", "text/plain");
                   return;
                 }
                 // Open already: a clip removed for space while it is read stays whole for this reader.
                 res.set_header("Accept-Ranges", "bytes");
                 res.set_content_provider(
                     static_cast<std::size_t>(size), "video/mp4",
                     [file](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                       std::vector<char> chunk(std::min<std::size_t>(length, 64 * 1024));
                       file->seekg(static_cast<std::streamoff>(offset));
                       file->read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
                       const auto got = file->gcount();
                       if (got <= 0) return false;
                       return sink.write(chunk.data(), static_cast<std::size_t>(got));
                     });
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
