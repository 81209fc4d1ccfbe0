// The console's HTTP side (cpp-httplib): the pages, the JSON API under /api/,
// the live stream (/api/stream, Server-Sent Events) and /healthz, on
// loopback unless configured. Everything under /api/ but /api/login needs a
// session (a cookie, HttpOnly, SameSite=Strict); adding users and admitting
// nodes need the admin role. It only routes: answers come from a
// ConsoleSource, so it knows nothing of MQTT, the picture or the store.
//
// Limits (docs/county.md, security): every client meets GuardedServer's
// (a whole request within http.request_timeout, at most 16 KiB of head and
// body, a few connections per address). A request that changes anything
// (POST) must be JSON of at most 4 KiB and come from the console's own
// origin (Origin, Sec-Fetch-Site), so no other site, nor another port of
// the same host, can make a browser act. Live streams: 4 per session (a
// fifth supersedes the oldest) and 32 in all, each ended when its session ends. No input reaches an answer
// or a log line unescaped.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "config/config.hpp"
#include "web/live_stream.hpp"

namespace httplib {
struct Request;
}
namespace villagecam::service {
class GuardedServer;
}

namespace villagecam::county {

// A request the source cannot answer as asked: 400 with what is wrong.
class BadRequest : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Params = std::map<std::string, std::string>;

struct Operator {
  std::string name;
  std::string role;  // admin or viewer
};

struct LoginResult {
  std::string token;  // empty: refused
  std::string error;  // why, in words for the page
  int status = 200;   // 401 wrong name or password, 429 too many tries
};

// What the console shows; called from the server's threads, so thread-safe.
// The history's answers may throw BadRequest (a parameter named).
class ConsoleSource {
 public:
  virtual ~ConsoleSource() = default;
  virtual nlohmann::json summary() = 0;
  virtual nlohmann::json villages() = 0;
  virtual nlohmann::json village(const std::string& node) = 0;  // null: no such node
  virtual nlohmann::json problems() = 0;
  // villages and cameras by device code, id or name (query at most 64 bytes)
  virtual nlohmann::json search(const std::string& query) = 0;
  virtual nlohmann::json words() = 0;  // the words for the contract's codes, both languages
  virtual nlohmann::json openAlerts() = 0;
  virtual nlohmann::json health() = 0;  // {"ok": bool, ...}: the broker connected
  virtual nlohmann::json alerts(const Params& params) = 0;  // the alert history, filtered
  virtual std::string alertsCsv(const Params& params) = 0;  // the same as CSV
  virtual nlohmann::json days(const Params& params) = 0;    // time-weighted rates per day
  virtual nlohmann::json silences(const Params& params) = 0;  // spells nodes were silent
  virtual std::optional<std::string> snapshot(const std::string& id) = 0;  // JPEG
  virtual std::optional<std::string> latestSnapshot(const std::string& node, const std::string& camera) = 0;

  virtual LoginResult login(const std::string& name, const std::string& password, const std::string& client) = 0;
  virtual std::optional<Operator> operatorOf(const std::string& token) = 0;
  virtual void logout(const std::string& token) = 0;
  virtual nlohmann::json users() = 0;
  virtual nlohmann::json addUser(const nlohmann::json& body) = 0;  // throws BadRequest

  // Nodes: the admitted ones, those waiting, and an admin's admission of one
  // (body: {} to take the place it claims, or {"region", "township",
  // "village", "admin_code"} to set it); throws BadRequest.
  virtual nlohmann::json admittedNodes() = 0;
  virtual nlohmann::json pendingNodes() = 0;
  virtual nlohmann::json admitNode(const std::string& node, const nlohmann::json& body, const std::string& by) = 0;

  virtual LiveStream& live() = 0;

  // Live video (docs/county.md, live video). A page shows a camera live, or
  // still does (each few seconds: its viewer lease), or asks again after
  // the view ended: the answer says where the view stands and, once video
  // arrives, its playlist. Throws BadRequest for a node not admitted or a
  // camera it has not reported.
  virtual nlohmann::json watchLive(const Operator& op, const std::string& node, const std::string& camera,
                                   const std::string& viewer, bool again) = 0;
  virtual void leaveLive(const std::string& node, const std::string& camera, const std::string& viewer) = 0;
  // An alert's evidence clip: where its fetch from the node stands (asked
  // for when not kept yet, or again after a failure); the kept MP4.
  virtual nlohmann::json fetchClip(const std::string& node, const std::string& alert, bool again) = 0;
  virtual std::optional<std::filesystem::path> clipFile(const std::string& node, const std::string& alert) = 0;
  // A playlist or segment of a push watched now; nullopt: none.
  virtual std::optional<std::filesystem::path> liveFile(const std::string& node, const std::string& camera,
                                                        const std::string& generation, const std::string& name) = 0;
};

class ConsoleServer {
 public:
  // www: the pages (county/www/public); modules: the npm packages they use
  // (node_modules: the chart library, the HLS player).
  ConsoleServer(config::HttpConfig config, ConsoleSource& source, std::filesystem::path www,
                std::filesystem::path modules);
  ~ConsoleServer();
  ConsoleServer(const ConsoleServer&) = delete;
  ConsoleServer& operator=(const ConsoleServer&) = delete;

  // Routes are set up at construction. Binds (throws naming http.listen if it cannot) and serves on a thread;
  // returns the port (the one chosen when configured with 0).
  int start();
  void stop();

  static constexpr const char* kCookie = "vc_session";
  static constexpr int kSessionHours = 12;
  static constexpr std::size_t kMaxJsonBody = 4096;
  static constexpr int kStreamsPerSession = 4;
  static constexpr int kStreams = 32;
  static constexpr std::size_t kThreads = 64;  // each live page holds one while it listens: 32 left for requests

  // The client of a request (X-Forwarded-For only from a trusted proxy).
  std::string clientOf(const httplib::Request& req) const;

  // The routed server, for serving a request from a stream without a socket
  // (the fuzzer: tests/fuzz/fuzz_http.cpp).
  service::GuardedServer& http() { return *server_; }

 private:
  void route();  // every page and API route, once, at construction
  std::optional<Operator> operatorFor(const httplib::Request& req) const;
  // A live stream's place: its flag turns true when a newer stream of the
  // same session takes its place (a session's fifth stream supersedes its
  // oldest: pages left behind hold theirs until their connection is seen
  // closed, and must not lock the operator out meanwhile). Null when all
  // sessions together hold the cap.
  struct StreamPlace {
    std::shared_ptr<std::atomic<bool>> superseded;
    std::shared_ptr<void> release;  // gives the place back when the last copy goes
  };
  std::optional<StreamPlace> takeStream(const std::string& token);

  config::HttpConfig config_;
  ConsoleSource& source_;
  std::filesystem::path www_;
  std::filesystem::path modules_;
  std::unique_ptr<service::GuardedServer> server_;
  std::thread thread_;
  std::mutex streams_mutex_;
  std::map<std::string, std::deque<std::shared_ptr<std::atomic<bool>>>> streams_;  // per session token, oldest first
  int streams_total_ = 0;
};

// The directory of the pages and of their npm packages: the source tree's in
// a build, the installed ones otherwise (like the node's pipelines).
std::filesystem::path consolePagesDir();
std::filesystem::path consoleModulesDir();

}  // namespace villagecam::county
