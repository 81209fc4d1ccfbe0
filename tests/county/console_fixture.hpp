// The county console as the tests run it: a child process with its own
// config, broker and an admin logged in; and the simulator of a county
// beside it, with its truth.
#pragma once

#include <httplib.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "child_process.hpp"
#include "mosquitto.hpp"
#include "test_cameras.hpp"

namespace villagecam::testing {

using namespace std::chrono_literals;
using nlohmann::json;

class Console {
 public:
  Console(const std::filesystem::path& dir, const Mosquitto& broker, const std::string& extra = "",
          const std::string& mqtt_extra = "", const std::string& name = "county", const std::string& http_extra = "") {
    const auto config = dir / (name + ".yaml");
    std::ofstream(config) << "county: {name: 模拟县}\nstate_dir: " << (dir / (name + "-state")).string()
                          << "\nmqtt:\n  brokers: [" << broker.uri()
                          << "]\n  keepalive: 5s\n  reconnect_min: 1s\n  reconnect_max: 2s\n  client_id: " << name << "\n"
                          << mqtt_extra << "http: {listen: \"127.0.0.1:0\"" << http_extra << "}\n"
                          << (extra.find("admission:") == std::string::npos ? "admission: {admin_code_prefixes: [\"410225\"]}\n" : "")
                          << extra;
    ChildProcess add({VILLAGECAM_COUNTY_BIN, "add-user", "--config", config.string(), "--name", "tester", "--role", "admin"});
    add.writeLine(kPassword);
    add.closeInput();
    const auto status = add.wait(30s);
    if (!status || *status != 0) throw std::runtime_error("add-user failed:\n" + add.output());
    process_ = std::make_unique<ChildProcess>(std::vector<std::string>{VILLAGECAM_COUNTY_BIN, "run", "--config", config.string()});
    const auto line = process_->waitForSubstring("console on http://127.0.0.1:", 15s);
    if (!line) throw std::runtime_error("the console did not start:\n" + process_->output());
    port_ = std::stoi(line->substr(line->find("127.0.0.1:") + 10));
    httplib::Client http("127.0.0.1", port_);
    const auto res = http.Post("/api/login", json{{"name", "tester"}, {"password", kPassword}}.dump(), "application/json");
    if (!res || res->status != 200) throw std::runtime_error("cannot log in: " + (res ? res->body : "no answer"));
    const auto cookie = res->get_header_value("Set-Cookie");
    cookie_ = cookie.substr(0, cookie.find(';'));
  }
  static constexpr const char* kPassword = "村口 camera 7 test";
  httplib::Headers session() const { return {{"Cookie", cookie_}}; }
  json get(const std::string& path) const {
    httplib::Client http("127.0.0.1", port_);
    const auto res = http.Get(path, session());
    if (!res || res->status != 200) return nullptr;
    return json::parse(res->body);
  }
  // Asks until `ok` holds for the answer or the time is up; returns the last answer.
  json waitFor(const std::string& path, const std::function<bool(const json&)>& ok, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    json last;
    do {
      last = get(path);
      if (!last.is_null() && ok(last)) return last;
      std::this_thread::sleep_for(100ms);  // a console being polled by a test, as a page would
    } while (std::chrono::steady_clock::now() < deadline);
    return last;
  }
  ChildProcess& process() { return *process_; }
  int port() const { return port_; }

 private:
  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
  std::string cookie_;
};

inline std::unique_ptr<ChildProcess> runSim(const Mosquitto& broker, std::vector<std::string> args) {
  std::vector<std::string> argv{VILLAGECAM_COUNTY_SIM_BIN, "--broker", broker.uri()};
  argv.insert(argv.end(), args.begin(), args.end());
  return std::make_unique<ChildProcess>(argv);
}

// A real node's config beside a console: node n1 of 新庄村 (admitted at
// first sight by the console's default prefix) on `broker`, pushing live
// video and clips to the console's receiver on `push_port` with the
// password in `push_password_file`; `more` adds sections (clips:), and
// `cameras` is the YAML list's entries.
inline std::filesystem::path writeNodeConfig(const std::filesystem::path& dir, const Mosquitto& broker, int push_port,
                                             const std::filesystem::path& push_password_file, const std::string& cameras,
                                             const std::string& more = "") {
  const auto file = dir / "node.yaml";
  std::ofstream(file) << "node: {id: n1, township: 城关镇, village: 新庄村, admin_code: \"410225100201\", "
                         "trust_unsynchronised_clock: true}\nstate_dir: " << (dir / "node-state").string()
                      << "\ningest: {stall_timeout: 2s, backoff_max: 1s, connect_timeout: 4s, pipelines_dir: "
                      << pipelinesSourceDir() << "}\nmqtt:\n  brokers: [" << broker.uri()
                      << "]\n  keepalive: 5s\n  reconnect_min: 1s\n  reconnect_max: 1s\n  status_interval: 5s\n"
                      << "county_link: {url: \"rtsp://127.0.0.1:" << push_port << "\", password_file: "
                      << push_password_file.string() << ", max_bitrate_kbps: 20000}\n"
                      << more << "cameras:\n" << cameras;
  return file;
}

// The sim's latest truth line after `from`.
inline json truthOf(ChildProcess& sim, std::size_t count) {
  std::size_t seen = 0;
  for (const auto& line : sim.lines()) {
    if (line.find("\"event\":\"truth\"") == std::string::npos) continue;
    if (++seen == count) return json::parse(line);
  }
  return nullptr;
}

// The console's summary says what the truth says.
inline bool matches(const json& summary, const json& truth) {
  return summary["nodes"]["total"] == truth["nodes"] && summary["nodes"]["silent"] == truth["silent"] &&
         summary["cameras"]["configured"] == truth["cameras"] && summary["cameras"]["online"] == truth["online"] &&
         summary["cameras"]["intact"] == truth["intact"] && summary["cameras"]["unverified"] == truth["unverified"] &&
         summary["rates"]["online"] == truth["rates"]["online"] && summary["rates"]["intact"] == truth["rates"]["intact"] &&
         summary["rates"]["coverage"] == truth["rates"]["coverage"];
}

}  // namespace villagecam::testing
