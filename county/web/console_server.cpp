#include "web/console_server.hpp"

#include <httplib.h>

#include "util/logging.hpp"

namespace villagecam::county {
namespace {

void sendJson(httplib::Response& res, const nlohmann::json& j) {
  res.set_header("Cache-Control", "no-store");
  res.set_content(j.dump(), "application/json; charset=utf-8");
}

Params paramsOf(const httplib::Request& req) {
  Params out;
  for (const auto& [k, v] : req.params) out[k] = v;
  return out;
}

}  // namespace

ConsoleServer::ConsoleServer(config::HttpConfig config, ConsoleSource& source)
    : config_(std::move(config)), source_(source), server_(std::make_unique<httplib::Server>()) {}

ConsoleServer::~ConsoleServer() { stop(); }

int ConsoleServer::start() {
  auto& s = *server_;
  s.new_task_queue = [] { return new httplib::ThreadPool(8); };
  s.Get("/api/summary", [this](const httplib::Request&, httplib::Response& res) { sendJson(res, source_.summary()); });
  s.Get("/api/villages", [this](const httplib::Request&, httplib::Response& res) { sendJson(res, source_.villages()); });
  s.Get("/api/problems", [this](const httplib::Request&, httplib::Response& res) { sendJson(res, source_.problems()); });
  s.Get("/api/alerts/open",
        [this](const httplib::Request&, httplib::Response& res) { sendJson(res, source_.openAlerts()); });
  s.Get("/api/alerts", [this](const httplib::Request& req, httplib::Response& res) {
    sendJson(res, source_.alerts(paramsOf(req)));
  });
  s.Get("/api/alerts.csv", [this](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_header("Content-Disposition", "attachment; filename=\"villagecam-alerts.csv\"");
    res.set_content(source_.alertsCsv(paramsOf(req)), "text/csv; charset=utf-8");
  });
  s.Get("/api/days", [this](const httplib::Request& req, httplib::Response& res) {
    sendJson(res, source_.days(paramsOf(req)));
  });
  s.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    const auto h = source_.health();
    res.status = h.value("ok", false) ? 200 : 503;
    sendJson(res, h);
  });
  s.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(ep);
    } catch (const BadRequest& e) {
      res.status = 400;
      sendJson(res, {{"error", e.what()}});
      return;
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    logger("county.http")->error("{} {}: {}", req.method, req.path, what);
    res.status = 500;
    sendJson(res, {{"error", "internal error; see the console's log"}});
  });
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.body.empty()) sendJson(res, {{"error", "no such page: " + req.path}});
  });
  int port = config_.port;
  if (port == 0) {
    port = s.bind_to_any_port(config_.host);
  } else if (!s.bind_to_port(config_.host, port)) {
    port = -1;
  }
  if (port < 0) {
    throw std::runtime_error("http.listen " + config_.host + ":" + std::to_string(config_.port) +
                             ": cannot listen there (in use, or not an address of this machine)");
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return port;
}

void ConsoleServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace villagecam::county
