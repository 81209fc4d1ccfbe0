#include "web/console_server.hpp"

#include <httplib.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "service/guarded_server.hpp"
#include "util/log_text.hpp"
#include "util/logging.hpp"

namespace villagecam::county {
namespace {

// Bytes that are not UTF-8 (a path or parameter from a client) become U+FFFD:
// an answer never fails to be written.
void sendJson(httplib::Response& res, const nlohmann::json& j, int status = 200) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json; charset=utf-8");
}

bool changesState(const httplib::Request& req) { return req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS"; }

// A request a browser made for a page of another origin (another site, or
// another port of this host), or a body that is not JSON: refused with why.
std::optional<std::pair<int, std::string>> crossSiteProblem(const httplib::Request& req) {
  const auto type = req.get_header_value("Content-Type");
  if (type.rfind("application/json", 0) != 0) return std::pair{415, std::string("expected Content-Type: application/json")};
  if (const auto site = req.get_header_value("Sec-Fetch-Site"); !site.empty() && site != "same-origin") {
    return std::pair{403, "refused: the request came from another site (Sec-Fetch-Site: " + forLog(site, 20) + ")"};
  }
  if (req.has_header("Origin")) {
    const auto origin = req.get_header_value("Origin");
    const auto host = req.get_header_value("Host");
    if (host.empty() || (origin != "http://" + host && origin != "https://" + host)) {
      return std::pair{403, "refused: the request came from another origin (" + forLog(origin, 80) + ")"};
    }
  }
  return std::nullopt;
}

Params paramsOf(const httplib::Request& req) {
  Params out;
  for (const auto& [k, v] : req.params) out[k] = v;
  return out;
}

std::string cookie(const httplib::Request& req, const std::string& name) {
  const auto header = req.get_header_value("Cookie");
  std::size_t at = 0;
  while (at < header.size()) {
    const auto end = header.find(';', at);
    auto part = header.substr(at, end == std::string::npos ? std::string::npos : end - at);
    const auto first = part.find_first_not_of(' ');
    part = first == std::string::npos ? "" : part.substr(first);
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return {};
}

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void securityHeaders(httplib::Response& res) {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
                 "media-src 'self' blob:");
}

}  // namespace

std::filesystem::path consolePagesDir() {
  const std::filesystem::path source = VILLAGECAM_CONSOLE_SOURCE_DIR;
  if (std::filesystem::exists(source / "public" / "index.html")) return source / "public";
  return std::filesystem::path(VILLAGECAM_CONSOLE_INSTALL_DIR) / "public";
}

std::filesystem::path consoleModulesDir() {
  const std::filesystem::path source = std::filesystem::path(VILLAGECAM_CONSOLE_SOURCE_DIR) / "node_modules";
  if (std::filesystem::exists(source / "echarts")) return source;
  return std::filesystem::path(VILLAGECAM_CONSOLE_INSTALL_DIR) / "node_modules";
}

ConsoleServer::ConsoleServer(config::HttpConfig config, ConsoleSource& source, std::filesystem::path www,
                             std::filesystem::path modules)
    : config_(std::move(config)),
      source_(source),
      www_(std::move(www)),
      modules_(std::move(modules)),
      server_(std::make_unique<service::GuardedServer>(config_, RequestLimits{12 * 1024, kMaxJsonBody}, "county.http",
                                                       kThreads)) {
  route();
}

ConsoleServer::~ConsoleServer() { stop(); }

std::optional<Operator> ConsoleServer::operatorFor(const httplib::Request& req) const {
  const auto token = cookie(req, kCookie);
  if (token.empty()) return std::nullopt;
  return source_.operatorOf(token);
}

std::string ConsoleServer::clientOf(const httplib::Request& req) const { return server_->clientOf(req); }

std::optional<ConsoleServer::StreamPlace> ConsoleServer::takeStream(const std::string& token) {
  std::lock_guard lock(streams_mutex_);
  auto& mine = streams_[token];
  if (static_cast<int>(mine.size()) >= kStreamsPerSession) {
    *mine.front() = true;  // it ends at its next wake (below) and its place is this one's
    mine.pop_front();
    --streams_total_;
    source_.live().wake();
  }
  if (streams_total_ >= kStreams) {
    if (mine.empty()) streams_.erase(token);
    return std::nullopt;
  }
  auto flag = std::make_shared<std::atomic<bool>>(false);
  mine.push_back(flag);
  ++streams_total_;
  return StreamPlace{flag, std::shared_ptr<void>(nullptr, [this, token, flag](void*) {
                       std::lock_guard lock(streams_mutex_);
                       const auto it = streams_.find(token);
                       if (it == streams_.end()) return;
                       auto& list = it->second;
                       const auto at = std::find(list.begin(), list.end(), flag);
                       if (at == list.end()) return;  // superseded: its place was given on already
                       list.erase(at);
                       --streams_total_;
                       if (list.empty()) streams_.erase(it);
                     })};
}

void ConsoleServer::route() {
  auto& s = *server_;

  // A request that changes anything is JSON from this console's own pages;
  // every /api/ request but the login needs a session.
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    securityHeaders(res);
    if (changesState(req)) {
      if (const auto problem = crossSiteProblem(req)) {
        sendJson(res, {{"error", problem->second}}, problem->first);
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    if (req.path.rfind("/api/", 0) != 0 || req.path == "/api/login") return httplib::Server::HandlerResponse::Unhandled;
    if (!operatorFor(req)) {
      sendJson(res, {{"error", "log in first"}}, 401);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  s.Post("/api/login", [this](const httplib::Request& req, httplib::Response& res) {
    nlohmann::json body;
    try {
      body = nlohmann::json::parse(req.body);
    } catch (const std::exception&) {
      throw BadRequest("expected JSON: {\"name\": ..., \"password\": ...}");
    }
    if (!body.is_object() || !body.value("name", nlohmann::json()).is_string() ||
        !body.value("password", nlohmann::json()).is_string()) {
      throw BadRequest("expected JSON: {\"name\": ..., \"password\": ...}");
    }
    // The throttle counts by address group (an IPv6 /64 is one client).
    const auto result = source_.login(body["name"], body["password"], addressGroup(clientOf(req)));
    if (result.token.empty()) {
      sendJson(res, {{"error", result.error}}, result.status);
      return;
    }
    const bool tls = req.get_header_value("X-Forwarded-Proto") == "https";
    res.set_header("Set-Cookie", std::string(kCookie) + "=" + result.token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                     std::to_string(kSessionHours * 3600) + (tls ? "; Secure" : ""));
    const auto op = source_.operatorOf(result.token);
    sendJson(res, {{"name", op ? op->name : ""}, {"role", op ? op->role : ""}});
  });
  s.Post("/api/logout", [this](const httplib::Request& req, httplib::Response& res) {
    source_.logout(cookie(req, kCookie));
    source_.live().wake();  // its live streams end now
    res.set_header("Set-Cookie", std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    sendJson(res, {{"ok", true}});
  });
  s.Get("/api/me", [this](const httplib::Request& req, httplib::Response& res) {
    const auto op = operatorFor(req);
    sendJson(res, {{"name", op ? op->name : ""}, {"role", op ? op->role : ""}});
  });
  s.Get("/api/users", [this](const httplib::Request& req, httplib::Response& res) {
    if (const auto op = operatorFor(req); !op || op->role != "admin") return sendJson(res, {{"error", "admins only"}}, 403);
    sendJson(res, source_.users());
  });
  s.Post("/api/users", [this](const httplib::Request& req, httplib::Response& res) {
    if (const auto op = operatorFor(req); !op || op->role != "admin") return sendJson(res, {{"error", "admins only"}}, 403);
    nlohmann::json body;
    try {
      body = nlohmann::json::parse(req.body);
    } catch (const std::exception&) {
      throw BadRequest("expected JSON: {\"name\": ..., \"role\": ..., \"password\": ...}");
    }
    sendJson(res, source_.addUser(body), 201);
  });

  s.Get("/api/summary", [this](const httplib::Request&, httplib::Response& res) { sendJson(res, source_.summary()); });
  s.Get("/api/villages", [this](const httplib::Request&, httplib::Response& res) { sendJson(res, source_.villages()); });
  s.Get(R"(/api/villages/([A-Za-z0-9_-]{1,64}))", [this](const httplib::Request& req, httplib::Response& res) {
    const auto j = source_.village(req.matches[1]);
    if (j.is_null()) return sendJson(res, {{"error", "no such village"}}, 404);
    sendJson(res, j);
  });
  s.Get("/api/problems", [this](const httplib::Request&, httplib::Response& res) { sendJson(res, source_.problems()); });
  s.Get("/api/search", [this](const httplib::Request& req, httplib::Response& res) {
    auto q = req.get_param_value("q");
    const auto first = q.find_first_not_of(" \t");
    q = first == std::string::npos ? "" : q.substr(first, q.find_last_not_of(" \t") - first + 1);
    if (q.size() > 64) throw BadRequest("q: at most 64 bytes");
    sendJson(res, source_.search(q));
  });
  s.Get("/api/words", [this](const httplib::Request&, httplib::Response& res) { sendJson(res, source_.words()); });
  s.Get("/api/nodes", [this](const httplib::Request&, httplib::Response& res) { sendJson(res, source_.admittedNodes()); });
  s.Get("/api/nodes/pending", [this](const httplib::Request&, httplib::Response& res) {
    sendJson(res, source_.pendingNodes());
  });
  s.Post(R"(/api/nodes/([A-Za-z0-9_.-]{1,64})/admit)", [this](const httplib::Request& req, httplib::Response& res) {
    const auto op = operatorFor(req);
    if (!op || op->role != "admin") return sendJson(res, {{"error", "admins only"}}, 403);
    nlohmann::json body;
    try {
      body = req.body.empty() ? nlohmann::json::object() : nlohmann::json::parse(req.body);
    } catch (const std::exception&) {
      throw BadRequest("expected JSON: {} or {\"township\": ..., \"village\": ..., \"admin_code\": ...}");
    }
    sendJson(res, source_.admitNode(req.matches[1], body, op->name));
  });
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
  s.Get("/api/silences", [this](const httplib::Request& req, httplib::Response& res) {
    sendJson(res, source_.silences(paramsOf(req)));
  });
  s.Get(R"(/api/snapshots/([A-Za-z0-9_.-]{1,80})\.jpg)", [this](const httplib::Request& req, httplib::Response& res) {
    const auto jpeg = source_.snapshot(req.matches[1]);
    if (!jpeg) return sendJson(res, {{"error", "no such snapshot"}}, 404);
    res.set_header("Cache-Control", "private, max-age=3600");
    res.set_content(*jpeg, "image/jpeg");
  });
  s.Get(R"(/api/cameras/([A-Za-z0-9_-]{1,64})/([A-Za-z0-9_-]{1,64})/snapshot\.jpg)",
        [this](const httplib::Request& req, httplib::Response& res) {
          const auto jpeg = source_.latestSnapshot(req.matches[1], req.matches[2]);
          if (!jpeg) return sendJson(res, {{"error", "no snapshot of this camera yet"}}, 404);
          res.set_header("Cache-Control", "no-store");
          res.set_content(*jpeg, "image/jpeg");
        });

  // Live events: alerts as they come, the summary when it changes; a few
  // streams per session, and each ends when its session does.
  s.Get("/api/stream", [this](const httplib::Request& req, httplib::Response& res) {
    const auto token = cookie(req, kCookie);
    auto place = takeStream(token);
    if (!place) {
      res.set_header("Retry-After", "10");
      return sendJson(res, {{"error", "too many live streams open on this console; try again shortly"}}, 429);
    }
    std::uint64_t last = source_.live().lastId();
    if (const auto id = req.get_header_value("Last-Event-ID"); !id.empty()) {
      try {
        last = std::min<std::uint64_t>(std::stoull(id), last);
      } catch (const std::exception&) {
      }
    }
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Accel-Buffering", "no");  // nginx: pass each event on at once
    res.set_chunked_content_provider("text/event-stream", [this, last, token, place = *place](std::size_t,
                                                                                             httplib::DataSink& sink) mutable {
      const std::string hello = "retry: 2000\n\n";
      if (last == source_.live().lastId() && !sink.write(hello.data(), hello.size())) return false;
      while (!source_.live().stopped()) {
        const auto events = source_.live().after(last, std::chrono::seconds(15), place.superseded.get());
        if (source_.live().stopped()) break;
        if (*place.superseded) {  // a newer page of this session took its place: this one stops asking
          const std::string bye = "event: superseded\ndata: {}\n\n";
          sink.write(bye.data(), bye.size());
          break;
        }
        bool signed_in = false;
        try {
          signed_in = source_.operatorOf(token).has_value();
        } catch (const std::exception& e) {  // the store is away: end the stream, the page reconnects
          logger("county.http")->warn("live stream ended: cannot check its session: {}", forLog(e.what(), 200));
          return false;
        }
        if (!signed_in) {  // logged out, or expired
          const std::string bye = "event: logout\ndata: {}\n\n";
          sink.write(bye.data(), bye.size());
          break;
        }
        std::string out;
        for (const auto& e : events) {
          out += formatEvent(e);
          last = e.id;
        }
        if (out.empty()) out = ": keepalive\n\n";  // proxies drop idle connections
        if (!sink.write(out.data(), out.size())) return false;
      }
      sink.done();
      return true;
    });
  });

  s.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    const auto h = source_.health();
    sendJson(res, {{"ok", h.value("ok", false)}, {"broker", h.value("broker", "")}}, h.value("ok", false) ? 200 : 503);
  });
  s.Get("/api/health", [this](const httplib::Request&, httplib::Response& res) { sendJson(res, source_.health()); });

  // Live video: a page's viewer lease on a camera (renewed every few
  // seconds), its end, and the push's HLS, for signed-in operators only.
  static const std::string kLivePath = R"(/api/live/([a-z0-9][a-z0-9_-]{0,63})/([a-z0-9][a-z0-9_-]{0,63}))";
  auto viewerOf = [](const httplib::Request& req) {
    nlohmann::json body;
    try {
      body = nlohmann::json::parse(req.body);
    } catch (const std::exception&) {
    }
    static const std::regex kViewer("[A-Za-z0-9_-]{8,64}");
    const auto viewer = body.is_object() ? body.value("viewer", nlohmann::json()) : nlohmann::json();
    if (!viewer.is_string() || !std::regex_match(viewer.get<std::string>(), kViewer)) {
      throw BadRequest("expected JSON: {\"viewer\": \"<8 to 64 of A-Z, a-z, 0-9, '_', '-'>\", \"again\": false}");
    }
    return std::pair{viewer.get<std::string>(), body.value("again", nlohmann::json(false)) == true};
  };
  // A viewer is the page's id within its session: no page can end another session's view.
  auto scoped = [](const std::string& token, const std::string& viewer) {
    return std::to_string(std::hash<std::string>{}(token)) + ":" + viewer;
  };
  s.Post(kLivePath, [this, viewerOf, scoped](const httplib::Request& req, httplib::Response& res) {
    const auto op = operatorFor(req);
    if (!op) return sendJson(res, {{"error", "log in first"}}, 401);
    const auto [viewer, again] = viewerOf(req);
    sendJson(res, source_.watchLive(*op, req.matches[1], req.matches[2], scoped(cookie(req, kCookie), viewer), again));
  });
  s.Post(kLivePath + "/leave", [this, viewerOf, scoped](const httplib::Request& req, httplib::Response& res) {
    const auto [viewer, again] = viewerOf(req);
    source_.leaveLive(req.matches[1], req.matches[2], scoped(cookie(req, kCookie), viewer));
    sendJson(res, {{"ok", true}});
  });
  s.Get(R"(/live/([a-z0-9][a-z0-9_-]{0,63})/([a-z0-9][a-z0-9_-]{0,63})/([0-9]{1,18})/([a-z0-9.]{1,20}))",
        [this](const httplib::Request& req, httplib::Response& res) {
          if (!operatorFor(req)) return sendJson(res, {{"error", "log in first"}}, 401);
          const auto file = source_.liveFile(req.matches[1], req.matches[2], req.matches[3], req.matches[4]);
          if (!file) return sendJson(res, {{"error", "no such live video now"}}, 404);
          const bool playlist = file->extension() == ".m3u8";
          res.set_header("Cache-Control", playlist ? "no-store" : "private, max-age=60");
          res.set_content(readFile(*file), playlist ? "application/vnd.apple.mpegurl" : "video/mp2t");
        });

  // Evidence clips: a page asks (the console fetches it from the node), then plays it.
  s.Post(R"(/api/clips/([a-z0-9][a-z0-9_-]{0,63})/([a-z0-9][a-z0-9_-]{0,63}))",
         [this](const httplib::Request& req, httplib::Response& res) {
           nlohmann::json body;
           try {
             body = req.body.empty() ? nlohmann::json::object() : nlohmann::json::parse(req.body);
           } catch (const std::exception&) {
             throw BadRequest("expected JSON: {\"again\": false}");
           }
           const bool again = body.is_object() && body.value("again", nlohmann::json(false)) == true;
           sendJson(res, source_.fetchClip(req.matches[1], req.matches[2], again));
         });
  s.Get(R"(/clips/([a-z0-9][a-z0-9_-]{0,63})/([a-z0-9][a-z0-9_-]{0,63})\.mp4)",
        [this](const httplib::Request& req, httplib::Response& res) {
          if (!operatorFor(req)) return sendJson(res, {{"error", "log in first"}}, 401);
          const auto file = source_.clipFile(req.matches[1], req.matches[2]);
          if (!file) return sendJson(res, {{"error", "no such clip kept"}}, 404);
          res.set_header("Cache-Control", "private, max-age=3600");
          res.set_content(readFile(*file), "video/mp4");  // ranges are served from it (a player seeks)
        });

  // The pages, and the libraries they use, installed from npm.
  for (const auto& [url, file] : std::vector<std::pair<std::string, std::filesystem::path>>{
           {"/vendor/echarts.min.js", "echarts/dist/echarts.min.js"},
           {"/vendor/hls.min.js", "hls.js/dist/hls.light.min.js"}}) {
    const auto path = modules_ / file;
    if (modules_.empty() || !std::filesystem::exists(path)) continue;
    s.Get(url, [path](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "public, max-age=86400");
      res.set_content(readFile(path), "application/javascript; charset=utf-8");
    });
  }
  if (!www_.empty() && !s.set_mount_point("/", www_.string())) {
    throw std::runtime_error("the console's pages are not at " + www_.string());
  }

  s.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(ep);
    } catch (const BadRequest& e) {
      sendJson(res, {{"error", e.what()}}, 400);
      return;
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    logger("county.http")->error("{} {}: {}", forLog(req.method, 10), forLog(req.path, 120), forLog(what, 300));
    sendJson(res, {{"error", "internal error; see the console's log"}}, 500);
  });
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.body.empty()) sendJson(res, {{"error", "no such page: " + forLog(req.path, 120)}}, res.status);
  });
}

int ConsoleServer::start() {
  const int port = server_->bind(config_.host, config_.port);
  if (port < 0) {
    throw std::runtime_error("http.listen " + config_.host + ":" + std::to_string(config_.port) +
                             ": cannot listen there (in use, or not an address of this machine)");
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return port;
}

void ConsoleServer::stop() {
  source_.live().stop();  // live pages end their streams
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace villagecam::county
