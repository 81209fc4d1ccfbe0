// The county console at the scale of a county (issue 14): 500 simulated
// nodes of 30 cameras into one mosquitto on this machine, with alerts
// flowing, against a floor measured in the same run: a bare subscriber that
// only parses the same messages with the contract's readers.
//
//   county_bench [--nodes 500] [--cameras 30] [--seconds 60] [--alerts-per-second 20]
//                [--alert-seconds 10] [--interval 10]
//
// Prints: every alert stored (stored / published), every message taken
// (console and floor against the simulator's count), the live picture
// rebuilt after a restart (seconds), the delay from the simulator
// publishing an alert to a page's live stream delivering it (p50, p99, max),
// CPU of the console and of the floor (cores, and their ratio), and the
// console's memory per 1,000 cameras. Exits 1 if a target is missed.
#include <httplib.h>
#include <signal.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mqtt/async_client.h>
#include <nlohmann/json.hpp>
#include <thread>

#include "child_process.hpp"
#include "bench_stats.hpp"
#include "contract/readers.hpp"
#include "mosquitto.hpp"
#include "process_stats.hpp"
#include "util/time_format.hpp"

namespace {

using villagecam::bench::median;
using villagecam::bench::percentile;

using namespace villagecam;
using namespace villagecam::testing;
using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

struct Options {
  int nodes = 500;
  int cameras = 30;
  int seconds = 60;
  double alerts_per_second = 20;
  double alert_seconds = 10;
  double interval = 10;
};

// The floor: subscribe to everything and parse each payload as the console's
// readers do, nothing more. Runs as its own process so its CPU is its own.
int runFloor(const std::string& broker) {
  std::atomic<std::uint64_t> received{0}, parsed{0};
  ::mqtt::async_client client(broker, "county-bench-floor", ::mqtt::create_options(MQTTVERSION_3_1_1), nullptr);
  client.set_message_callback([&](::mqtt::const_message_ptr m) {
    ++received;
    const auto& topic = m->get_topic();
    const auto& payload = m->get_payload_str();
    try {
      if (topic.ends_with("/alerts")) {
        contract::readAlertMessage(contract::parsePayload(payload, "alert"));
      } else if (topic.ends_with("/coverage")) {
        contract::readCoverage(contract::parsePayload(payload, "coverage"));
      } else if (topic.ends_with("/status") && topic.find("/cameras/") != std::string::npos) {
        contract::readCameraStatus(contract::parsePayload(payload, "camera-status"));
      } else if (topic.ends_with("/status")) {
        contract::readNodeStatus(contract::parsePayload(payload, "node-status"));
      }
      ++parsed;
    } catch (const std::exception&) {
    }
  });
  auto opts = ::mqtt::connect_options_builder().clean_session(true).max_inflight(1000).finalize();
  client.connect(opts)->wait();
  client.subscribe("villagecam/#", 1)->wait();
  std::cout << "FLOOR READY" << std::endl;
  std::string line;
  std::getline(std::cin, line);  // until the bench closes our input
  std::cout << "FLOOR " << received.load() << " " << parsed.load() << std::endl;
  client.disconnect()->wait();
  return 0;
}


class Console {
 public:
  Console(const fs::path& config) {
    process_ = std::make_unique<ChildProcess>(std::vector<std::string>{VILLAGECAM_COUNTY_BIN, "run", "--config", config.string()});
    const auto line = process_->waitForSubstring("console on http://127.0.0.1:", 30s);
    if (!line) throw std::runtime_error("the console did not start:\n" + process_->output());
    port = std::stoi(line->substr(line->find("127.0.0.1:") + 10));
    httplib::Client http("127.0.0.1", port);
    const auto res = http.Post("/api/login", json{{"name", "bench"}, {"password", "county bench 1"}}.dump(), "application/json");
    if (!res || res->status != 200) throw std::runtime_error("cannot log in");
    const auto c = res->get_header_value("Set-Cookie");
    cookie = c.substr(0, c.find(';'));
  }
  json get(const std::string& path) const {
    httplib::Client http("127.0.0.1", port);
    http.set_read_timeout(30s);
    const auto res = http.Get(path, {{"Cookie", cookie}});
    return res && res->status == 200 ? json::parse(res->body) : json();
  }
  std::unique_ptr<ChildProcess> process_;
  int port = 0;
  std::string cookie;
};

// The counts a summary states (without what moves by itself).
json countsOf(const json& s) {
  if (!s.is_object()) return nullptr;
  return {s["nodes"], s["cameras"], s["areas"]};
}

bool matchesTruth(const json& s, const json& truth) {
  return s.is_object() && s["nodes"]["total"] == truth["nodes"] && s["cameras"]["configured"] == truth["cameras"] &&
         s["cameras"]["online"] == truth["online"] && s["cameras"]["intact"] == truth["intact"] &&
         s["rates"]["coverage"] == truth["rates"]["coverage"];
}

}  // namespace

int run(int argc, char** argv);

// Every failure unwinds: the broker, the console and the folder go with it.
int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "county_bench: " << e.what() << "\n";
    return 2;
  }
}

int run(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--floor") return runFloor(argv[2]);
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--nodes") o.nodes = std::stoi(v);
    else if (k == "--cameras") o.cameras = std::stoi(v);
    else if (k == "--seconds") o.seconds = std::stoi(v);
    else if (k == "--alerts-per-second") o.alerts_per_second = std::stod(v);
    else if (k == "--alert-seconds") o.alert_seconds = std::stod(v);
    else if (k == "--interval") o.interval = std::stod(v);
    else {
      std::cerr << "unknown option " << k << "\n";
      return 2;
    }
  }
  struct Folder {
    fs::path path = fs::temp_directory_path() / ("vc-county-bench-" + std::to_string(::getpid()));
    Folder() { fs::create_directories(path); }
    ~Folder() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  } folder;
  const fs::path& dir = folder.path;
  MosquittoOptions mo;
  mo.persistence = true;
  Mosquitto broker(mo);
  const auto config = dir / "county.yaml";
  std::ofstream(config) << "county: {name: bench}\nstate_dir: " << (dir / "state").string() << "\nmqtt:\n  brokers: ["
                        << broker.uri() << "]\n  default_status_interval: " << o.interval
                        << "s\nhttp: {listen: \"127.0.0.1:0\"}\nadmission: {admin_code_prefixes: [\"410225\"]}\n";
  {
    ChildProcess add({VILLAGECAM_COUNTY_BIN, "add-user", "--config", config.string(), "--name", "bench", "--role", "viewer"});
    add.writeLine("county bench 1");
    add.closeInput();
    add.wait(60s);
  }
  auto console = std::make_unique<Console>(config);
  ChildProcess floor({argv[0], "--floor", broker.uri()});
  if (!floor.waitForSubstring("FLOOR READY", 20s)) throw std::runtime_error(floor.output());

  // A page's live stream: the delay of each alert's start, publish to delivery.
  std::vector<double> delays;
  std::mutex delays_mutex;
  std::atomic<bool> stop_stream{false};
  auto streamer = [&](int port, std::string cookie) {
    httplib::Client http("127.0.0.1", port);
    http.set_read_timeout(3600s);
    std::string buffer;
    http.Get("/api/stream", {{"Cookie", cookie}}, [&](const char* data, std::size_t n) {
      buffer.append(data, n);
      for (std::size_t end; (end = buffer.find("\n\n")) != std::string::npos;) {
        const auto event = buffer.substr(0, end);
        buffer.erase(0, end + 2);
        if (event.find("event: alert") == std::string::npos) continue;
        const auto j = json::parse(event.substr(event.find("data: ") + 6));
        if (j["phase"] != "start") continue;
        const auto delay = std::chrono::duration<double>(std::chrono::system_clock::now() -
                                                         *fromRfc3339(j["started_at"].get<std::string>())).count();
        std::lock_guard lock(delays_mutex);
        delays.push_back(delay);
      }
      return !stop_stream;
    });
  };
  // jthreads join on the way out, even on a failure: the flag ends their
  // reads at the stream's next event or keepalive (15 s at most).
  struct StopOnExit {
    std::atomic<bool>& flag;
    ~StopOnExit() { flag = true; }
  };
  std::jthread stream([&] { streamer(console->port, console->cookie); });
  StopOnExit stop_first{stop_stream};

  const auto started = std::chrono::steady_clock::now();
  ChildProcess sim({VILLAGECAM_COUNTY_SIM_BIN, "--broker", broker.uri(), "--nodes", std::to_string(o.nodes), "--cameras",
                    std::to_string(o.cameras), "--interval", fmt::format("{}", o.interval), "--alerts-per-second",
                    fmt::format("{}", o.alerts_per_second), "--alert-seconds", fmt::format("{}", o.alert_seconds),
                    "--duration", std::to_string(o.seconds)});
  if (!sim.waitForSubstring("\"event\":\"truth\"", 120s)) throw std::runtime_error(sim.output());
  json truth;
  for (const auto& l : sim.lines()) {
    if (l.find("\"event\":\"truth\"") != std::string::npos) truth = json::parse(l);
  }
  // The console takes the county in.
  json summary;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!matchesTruth(summary = console->get("/api/summary"), truth) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const bool loaded = matchesTruth(summary, truth);

  // Steady state: CPU of the console and the floor over the middle of the run.
  const auto steady_from = std::chrono::steady_clock::now();
  const double c0 = cpuSeconds(console->process_->pid()), f0 = cpuSeconds(floor.pid());
  const double measure_s = std::max(10.0, o.seconds / 2.0 - load_s);
  std::this_thread::sleep_for(std::chrono::duration<double>(measure_s));  // the measured window itself
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - steady_from).count();
  const double console_cores = (cpuSeconds(console->process_->pid()) - c0) / wall;
  const double floor_cores = (cpuSeconds(floor.pid()) - f0) / wall;
  const double rss = rssMiB(console->process_->pid());

  // A restart: the picture back from the retained topics, alerts meanwhile kept by the broker.
  const auto before = countsOf(console->get("/api/summary"));
  stop_stream = true;
  console->process_->signal(SIGTERM);
  console->process_->wait(30s);
  stream.join();
  const auto restarted = std::chrono::steady_clock::now();
  console = std::make_unique<Console>(config);
  deadline = std::chrono::steady_clock::now() + 30s;
  json after;
  while ((after = countsOf(console->get("/api/summary"))) != before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  const double rebuild_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - restarted).count();
  const bool rebuilt = after == before;
  stop_stream = false;
  std::jthread stream2([&] { streamer(console->port, console->cookie); });
  StopOnExit stop_second{stop_stream};

  if (!sim.waitForSubstring("\"event\":\"published\"", std::chrono::seconds(o.seconds + 120))) throw std::runtime_error(sim.output());
  json published;
  for (const auto& l : sim.lines()) {
    if (l.find("\"event\":\"published\"") != std::string::npos) published = json::parse(l);
  }
  const int alerts = published["alerts"]["start"].get<int>() + published["alerts"]["end"].get<int>();
  deadline = std::chrono::steady_clock::now() + 60s;
  int stored = 0;
  while ((stored = console->get("/api/health").value("alerts_stored", 0)) < alerts && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
  }
  // Alerts stored by the first console count too: the history has them all.
  const auto history = console->get("/api/alerts?limit=10000");
  const int in_history = history.is_array() ? static_cast<int>(history.size()) : 0;
  floor.closeInput();
  const auto floor_line = floor.waitForLine(
      [](const std::string& l) { return l.rfind("FLOOR ", 0) == 0 && l.size() > 6 && std::isdigit(l[6]); }, 20s);
  stop_stream = true;
  console->process_->signal(SIGTERM);
  console->process_->wait(30s);
  stream2.join();
  std::uint64_t floor_received = 0;
  if (floor_line) floor_received = std::stoull(floor_line->substr(6));
  const auto sim_messages = published["messages"].get<std::uint64_t>();

  const double p50 = percentile(delays, 0.5), p99 = percentile(delays, 0.99),
               worst = delays.empty() ? 0 : *std::max_element(delays.begin(), delays.end());
  const int cameras = o.nodes * o.cameras;
  fmt::print("county_bench {} nodes x {} cameras = {} cameras, {:.0f} alerts/s, {} s ({})\n", o.nodes, o.cameras, cameras,
             o.alerts_per_second, o.seconds, toRfc3339(std::chrono::system_clock::now()));
  fmt::print("  took the county in           {:6.1f} s {}\n", load_s, loaded ? "" : "(DID NOT MATCH THE TRUTH)");
  fmt::print("  alert starts in history      {:6d} of {} published\n", in_history, published["alerts"]["start"].get<int>());
  fmt::print("  floor took messages          {:6d} of {} the simulator published (+{} offline states at its stop)\n",
             floor_received, sim_messages, o.nodes);
  fmt::print("  rebuilt after a restart      {:6.2f} s {}\n", rebuild_s, rebuilt ? "" : "(DID NOT REBUILD)");
  fmt::print("  live stream delay p50 / p99 / max  {:.3f} / {:.3f} / {:.3f} s over {} alerts\n", p50, p99, worst, delays.size());
  fmt::print("  CPU console {:.3f} cores, floor {:.3f} cores: {:.1f}x the floor\n", console_cores, floor_cores,
             floor_cores > 0 ? console_cores / floor_cores : 0.0);
  fmt::print("  memory {:.0f} MiB RSS, {:.1f} MiB per 1,000 cameras\n", rss, rss / cameras * 1000);
  const bool ok = loaded && rebuilt && rebuild_s < 5 && in_history == published["alerts"]["start"].get<int>() &&
                  p99 < 1.0 && console_cores < 0.5 && floor_received >= sim_messages;
  fmt::print("  targets (all alerts, no message lost, rebuild < 5 s, p99 < 1 s, < 0.5 core): {}\n", ok ? "met" : "MISSED");
  return ok ? 0 : 1;
}
