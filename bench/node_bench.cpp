// The node against the floor of decoding, in one run on this machine (issue 7).
//
// Test cameras serve real footage (Debian's vtest.avi, people walking,
// re-encoded as an IP camera's main stream by bench/make_footage.sh: 720p25
// H.264 and 1080p25 H.265, a key frame every 2 s) from pre-encoded files, so
// the server costs little. For each stream the bench measures, over the same
// window, CPU seconds per camera-second and memory per added camera of
//   floor      gst-launch-1.0: rtspsrc ! depay ! parse ! avdec ! fakesink, K branches
//   full       the node decoding every frame, motion in a zone over the whole view
//   keyframes  the node decoding key frames only, view checks against a baseline
//   health     the node decoding nothing
// and prints node/floor ratios. Memory per camera is the slope between a run
// with one camera and one with K. Then, on a synthetic camera and a file one,
// latencies at an MQTT subscriber: stream stopped -> camera_offline,
// stream frozen -> camera_stalled (default stall timeout), intruder enters ->
// motion alert (default detection rate). With --village-minutes M, a village
// (8 cameras full + 24 key frames) runs M minutes and every camera's analysed
// frame count is compared with its configured rate.
//
// Each stream is measured over each transport (--transport udp|tcp|both,
// default both): the floor and the node's cameras pull over that one.
// Memory is also compared whole: the node's RSS with K cameras against the
// floor's with K.
//
//   node_bench [--cameras K] [--cameras-h265 K] [--seconds S] [--rounds R] [--footage DIR] [--repeats N]
//              [--transport udp|tcp|both] [--village-minutes M] [--only h264|h265|latency|village]
#include <fmt/format.h>
#include <httplib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <regex>
#include <sstream>
#include <thread>

#include "child_process.hpp"
#include "bench_stats.hpp"
#include "process_stats.hpp"
#include "mosquitto.hpp"
#include "mqtt_subscriber.hpp"
#include "test_cameras.hpp"
#include "work_dir.hpp"

namespace {

using villagecam::bench::median;
using villagecam::bench::percentile;

namespace fs = std::filesystem;
using namespace villagecam::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;


struct Options {
  int cameras = 4;
  int cameras_h265 = 3;  // 1080p H.265 decoding: three fill most of two cores
  double seconds = 20;
  double warmup = 8;
  int repeats = 5;
  int rounds = 2;  // CPU windows per mode, interleaved floor, full, keyframes, health
  double village_minutes = 0;
  fs::path footage;
  std::string only;
  std::vector<std::string> transports{"udp", "tcp"};
  std::string transport = "udp";  // the one measured now
};

struct Stream {
  std::string label;   // "720p25 H.264"
  std::string codec;   // h264 | h265
  fs::path file;
};


// Threads a process runs now.
int threadCount(pid_t pid) { return static_cast<int>(statusField(pid, "Threads:")); }

struct Usage {
  double cpu_per_camera = 0;  // CPU seconds per camera-second
  double rss_mib = 0;
  int threads = 0;
};

// Lets a process warm up, then measures it over the window.
Usage measure(pid_t pid, int cameras, const Options& o) {
  std::this_thread::sleep_for(std::chrono::duration<double>(o.warmup));  // a measurement window, not a wait for state
  const double c0 = cpuSeconds(pid);
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  const double c1 = cpuSeconds(pid);
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  return {(c1 - c0) / wall / cameras, rssMiB(pid), threadCount(pid)};
}

std::vector<CameraSpec> fileCameras(const Stream& s, int n, const std::string& prefix = "cam") {
  std::vector<CameraSpec> specs;
  for (int i = 0; i < n; ++i) specs.push_back({.name = fmt::format("{}{}", prefix, i), .codec = s.codec, .file = s.file});
  return specs;
}

// How many frames each branch of the floor rendered, from fpsdisplaysink's
// last report per branch (gst-launch -v prints them): branch -> frames.
std::map<int, long> renderedByBranch(const std::string& output) {
  static const std::regex report(R"(GstFPSDisplaySink:floor(\d+): last-message = rendered: (\d+))");
  std::map<int, long> rendered;
  for (auto it = std::sregex_iterator(output.begin(), output.end(), report); it != std::sregex_iterator(); ++it) {
    rendered[std::stoi((*it)[1])] = std::stol((*it)[2]);
  }
  return rendered;
}

// The decode floor: gst-launch decoding every camera. A branch that did not
// stream (the camera server busy with the last run's sessions, a UDP setup
// that never delivered) would lower the floor and flatter every ratio, so
// each branch must have rendered most of its frames, else the floor is
// measured again (twice at most).
Usage runFloor(const Stream& s, const TestCameras& cams, int n, const Options& o) {
  const std::string depay = s.codec == "h264" ? "rtph264depay" : "rtph265depay";
  const std::string parse = s.codec == "h264" ? "h264parse" : "h265parse";
  const std::string dec = s.codec == "h264" ? "avdec_h264" : "avdec_h265";
  std::string why;
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::vector<std::string> argv{"/usr/bin/gst-launch-1.0", "-v"};
    for (int i = 0; i < n; ++i) {
      argv.insert(argv.end(), {"rtspsrc", "location=" + cams.url(fmt::format("cam{}", i)), "protocols=" + o.transport,
                               "!", depay, "!", parse, "!", dec, "!", "fpsdisplaysink", fmt::format("name=floor{}", i),
                               "text-overlay=false", "video-sink=fakesink", "sync=false"});
    }
    ChildProcess floor(argv);
    const auto u = measure(floor.pid(), n, o);
    if (!floor.running()) throw std::runtime_error("the gst-launch floor died: " + floor.output());
    const auto rendered = renderedByBranch(floor.output());
    const long expected = static_cast<long>(0.8 * 25 * (o.seconds + o.warmup) - 25);  // 25 fps footage, a report lags
    why.clear();
    for (int i = 0; i < n; ++i) {
      const auto it = rendered.find(i);
      const long got = it == rendered.end() ? 0 : it->second;
      if (got < expected) why += fmt::format(" cam{} rendered {} of at least {} frames;", i, got, expected);
    }
    if (why.empty()) return u;
    fmt::print("(the floor did not stream:{} measured again)\n", why);
  }
  throw std::runtime_error("the gst-launch floor does not stream:" + why);
}

std::string cameraYaml(const std::string& id, const std::string& url, const std::string& mode, bool motion_zone,
                       const std::string& transport = "auto") {
  std::string y = fmt::format("  - id: {}\n    rtsp_url: \"{}\"\n    transport: {}\n    analysis: {{mode: {}}}\n", id,
                              url, transport, mode);
  if (motion_zone) {  // default dwell, clear and cooldown: what a field config has
    y += "    detection:\n      zones: [{id: all, kind: motion, polygon: [[0, 0], [1, 0], [1, 1], [0, 1]]}]\n";
  }
  return y;
}

fs::path writeConfig(const fs::path& dir, const std::string& name, const Mosquitto& broker, const std::string& cameras,
                     const std::string& extra = "") {
  const fs::path file = dir / (name + ".yaml");
  std::ofstream(file) << "node: {id: bench}\nstate_dir: " << (dir / ("state-" + name)).string()
                      << "\nlogging: {level: info}\nalerts: {language: en}\ningest: {pipelines_dir: "
                      << VILLAGECAM_SOURCE_DIR << "/pipelines}\nmqtt:\n  brokers: [" << broker.uri()
                      << "]\n  status_interval: 10s\n"
                      << extra << "cameras:\n"
                      << cameras;
  return file;
}

std::string nodeCameras(const std::string& mode, const TestCameras& cams, int n, const std::string& transport) {
  std::string y;
  for (int i = 0; i < n; ++i) {
    const auto id = fmt::format("cam{}", i);
    y += cameraYaml(id, cams.url(id), mode, mode == "full", transport);
  }
  return y;
}

// Takes every camera's view baseline, as an installer would before service.
void takeBaselines(const fs::path& config) {
  ChildProcess baseline({nodeBinary(), "baseline", "--config", config.string(), "--frames", "3", "--seconds", "6"});
  const auto status = baseline.wait(std::chrono::minutes(10));
  baseline.waitForEndOfOutput(10s);
  if (!status || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    throw std::runtime_error("baseline failed: " + baseline.output());
  }
}

Usage runNode(const std::string& mode, const TestCameras& cams, int n, const Mosquitto& broker, const fs::path& dir,
              const Options& o) {
  const auto name = fmt::format("{}-{}", mode, n);
  const auto config = writeConfig(dir, name, broker, nodeCameras(mode, cams, n, o.transport));
  if (mode != "health") {  // view checks run against a baseline, as in the field
    takeBaselines(config);
  }
  ChildProcess node({nodeBinary(), "run", "--config", config.string()});
  const auto u = measure(node.pid(), n, o);
  if (!node.running()) throw std::runtime_error("the node died: " + node.output());
  node.signal(SIGTERM);
  node.wait(10s);
  return u;
}


// Memory per camera is the slope between one camera and K; CPU per camera is
// measured with K cameras in `rounds` rounds, each running the floor and then
// every mode, so that a noisy neighbour on the host moves the floor and the
// node alike; the ratio printed is the median of the rounds' ratios.
void benchStream(const Stream& s, const Options& o, const fs::path& dir) {
  fmt::print("\n== {} over {} ({} cameras, {} rounds of {:.0f} s windows after {:.0f} s warm-up)\n", s.label,
             o.transport == "tcp" ? "TCP" : "UDP", o.cameras, o.rounds, o.seconds, o.warmup);
  std::fflush(stdout);
  TestCameras cams(fileCameras(s, o.cameras));
  Mosquitto broker;
  const std::vector<std::string> names{"floor", "full", "keyframes", "health"};
  auto run = [&](const std::string& name, int n) {
    return name == "floor" ? runFloor(s, cams, n, o) : runNode(name, cams, n, broker, dir, o);
  };
  std::map<std::string, Usage> one;
  std::map<std::string, std::vector<Usage>> many;
  for (const auto& name : names) one[name] = run(name, 1);
  for (int round = 0; round < o.rounds; ++round) {
    for (const auto& name : names) many[name].push_back(run(name, o.cameras));
  }
  const auto perCameraMiB = [&](const std::string& name) {
    return (many[name].back().rss_mib - one[name].rss_mib) / (o.cameras - 1);
  };
  fmt::print("{:<10} {:>13} {:>16} {:>11} {:>8} {:>11} {:>8} {:>15}\n", "", "CPU %/camera", "x floor (rounds)",
             "MiB/camera", "x floor", "RSS(K) MiB", "x floor", "threads 1 -> K");
  for (const auto& name : names) {
    std::vector<double> cpu, ratio;
    std::string each;
    for (int r = 0; r < o.rounds; ++r) {
      cpu.push_back(many[name][r].cpu_per_camera);
      ratio.push_back(many[name][r].cpu_per_camera / many["floor"][r].cpu_per_camera);
      each += fmt::format("{}{:.2f}", r ? " " : "", ratio.back());
    }
    fmt::print("{:<10} {:>13.2f} {:>6.3f} ({:>7}) {:>11.1f} {:>8.2f} {:>11.1f} {:>8.2f} {:>9} -> {:<3}\n", name,
               100 * median(cpu), median(ratio), each, perCameraMiB(name), perCameraMiB(name) / perCameraMiB("floor"),
               many[name].back().rss_mib, many[name].back().rss_mib / many["floor"].back().rss_mib, one[name].threads,
               many[name].back().threads);
  }
  std::fflush(stdout);
}

// Milliseconds from an action to the first alert that matches.
std::optional<double> alertLatency(MqttSubscriber& sub, const std::function<void()>& act,
                                   const std::function<bool(const nlohmann::json&)>& match, std::chrono::seconds timeout) {
  const size_t seen = sub.messages().size();
  const auto t0 = Clock::now();
  act();
  const bool ok = sub.waitUntil(
      [&](const std::vector<ReceivedMessage>& ms) {
        for (size_t i = seen; i < ms.size(); ++i) {
          if (ms[i].topic.ends_with("/alerts") && match(nlohmann::json::parse(ms[i].payload))) return true;
        }
        return false;
      },
      timeout);
  if (!ok) return std::nullopt;
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

std::function<bool(const nlohmann::json&)> alertOf(const std::string& camera, const std::string& type,
                                                   const std::string& phase) {
  return [=](const nlohmann::json& j) {
    return j.value("type", "") == type && j.value("phase", "") == phase && j["camera"]["id"] == camera;
  };
}

void printLatencies(const std::string& what, std::vector<double> ms, double limit_ms) {
  if (ms.empty()) {
    fmt::print("{:<44} no alert arrived\n", what);
    return;
  }
  std::sort(ms.begin(), ms.end());
  fmt::print("{:<44} median {:>6.0f} ms   max {:>6.0f} ms   target <= {:.0f} ms   {}\n", what, ms[ms.size() / 2],
             ms.back(), limit_ms, ms.back() <= limit_ms ? "met" : "NOT MET");
}

void benchLatency(const Stream& s, const Options& o, const fs::path& dir) {
  fmt::print("\n== Alert latency at an MQTT subscriber ({} repeats, default ingest and detection settings)\n",
             o.repeats);
  TestCameras cams({CameraSpec{.name = "feed", .codec = s.codec, .file = s.file}, CameraSpec{.name = "yard"}});
  Mosquitto broker;
  // The intruder appears in the lower right quarter of the synthetic camera.
  const std::string cameras =
      cameraYaml("feed", cams.url("feed"), "keyframes", false) +
      fmt::format("  - id: yard\n    rtsp_url: \"{}\"\n    detection:\n      zones: [{{id: corner, kind: motion, "
                  "polygon: [[0.6, 0.6], [1, 0.6], [1, 1], [0.6, 1]], cooldown: 0s, clear_after: 1s}}]\n",
                  cams.url("yard"));
  const auto config = writeConfig(dir, "latency", broker, cameras);
  MqttSubscriber county(broker.uri(), "villagecam/bench/#");
  ChildProcess node({nodeBinary(), "run", "--config", config.string()});
  auto online = [&](const std::string& id) {
    return county.waitUntil(
        [&](const std::vector<ReceivedMessage>& ms) {
          for (auto it = ms.rbegin(); it != ms.rend(); ++it) {
            if (it->topic == "villagecam/bench/cameras/" + id + "/status") {
              return nlohmann::json::parse(it->payload)["state"] == "online";
            }
          }
          return false;
        },
        30s);
  };
  if (!online("feed") || !online("yard")) throw std::runtime_error("cameras did not come online: " + node.output());
  // Give the motion model its learning frames before the first intrusion.
  std::this_thread::sleep_for(5s);  // the background model learns the empty scene (a warm-up, not synchronisation)

  std::vector<double> offline, stalled, motion;
  for (int i = 0; i < o.repeats; ++i) {
    if (auto ms = alertLatency(county, [&] { cams.stop("feed"); }, alertOf("feed", "camera_offline", "start"), 20s)) {
      offline.push_back(*ms);
    }
    cams.start("feed");
    if (!alertLatency(county, [] {}, alertOf("feed", "camera_offline", "end"), 30s)) break;
    if (auto ms = alertLatency(county, [&] { cams.freeze("feed"); }, alertOf("feed", "camera_stalled", "start"), 20s)) {
      stalled.push_back(*ms);
    }
    if (!alertLatency(county, [&] { cams.thaw("feed"); }, alertOf("feed", "camera_stalled", "end"), 30s)) break;
    if (auto ms = alertLatency(county, [&] { cams.enter("yard"); }, alertOf("yard", "motion", "start"), 10s)) {
      motion.push_back(*ms);
    }
    cams.leave("yard");
    if (!alertLatency(county, [] {}, alertOf("yard", "motion", "end"), 20s)) break;
  }
  printLatencies("stream stopped -> camera_offline (stall 3 s)", offline, 3000 + 1000);
  printLatencies("stream frozen -> camera_stalled (stall 3 s)", stalled, 3000 + 1000);
  printLatencies("intruder enters -> motion", motion, 1000);
  std::fflush(stdout);
}

struct Counters {
  std::map<std::string, double> analysed, received, dropped, reconnects;
};

Counters scrape(int port) {
  httplib::Client http("127.0.0.1", port);
  const auto res = http.Get("/metrics");
  if (!res) throw std::runtime_error("no /metrics on port " + std::to_string(port));
  Counters c;
  const std::regex sample(R"re(^villagecam_camera_(frames_analysed|frames_received|frames_dropped|reconnects)_total\{camera="([^"]+)"\} (\S+)$)re");
  std::istringstream in(res->body);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, sample)) continue;
    const double v = std::stod(m[3]);
    if (m[1] == "frames_analysed") c.analysed[m[2]] = v;
    if (m[1] == "frames_received") c.received[m[2]] = v;
    if (m[1] == "frames_dropped") c.dropped[m[2]] = v;
    if (m[1] == "reconnects") c.reconnects[m[2]] = v;
  }
  return c;
}

void benchVillage(const Stream& s, const Options& o, const fs::path& dir) {
  const int full = 8, keyframes = 24;
  fmt::print("\n== A village in one node: {} x {} full + {} x key frames, {:.0f} min\n", full, s.label, keyframes,
             o.village_minutes);
  auto specs = fileCameras(s, full, "full");
  for (auto& k : fileCameras(s, keyframes, "key")) specs.push_back(k);
  TestCameras cams(specs);
  Mosquitto broker;
  std::string cameras;
  for (const auto& c : specs) {
    const bool is_full = c.name.starts_with("full");
    cameras += cameraYaml(c.name, cams.url(c.name), is_full ? "full" : "keyframes", is_full);
  }
  const auto config = writeConfig(dir, "village", broker, cameras, "");
  std::ofstream(config, std::ios::app) << "http: {listen: \"127.0.0.1:0\"}\n";
  takeBaselines(config);
  ChildProcess node({nodeBinary(), "run", "--config", config.string()});
  const auto line = node.waitForSubstring("HTTP endpoint on http://127.0.0.1:", 30s);
  if (!line) throw std::runtime_error("no HTTP endpoint: " + node.output());
  const int port = std::stoi(line->substr(line->find("127.0.0.1:") + 10));
  std::this_thread::sleep_for(std::chrono::duration<double>(o.warmup + 10));  // all cameras connect and settle
  const auto before = scrape(port);
  const double n0 = cpuSeconds(node.pid());
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(o.village_minutes * 60));
  const auto after = scrape(port);
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  const double node_cpu = (cpuSeconds(node.pid()) - n0) / wall;
  double worst_full = 1e9, worst_key = 1e9, dropped = 0, reconnects = 0;
  for (const auto& c : specs) {
    const double analysed = after.analysed.at(c.name) - before.analysed.at(c.name);
    const double received = after.received.at(c.name) - before.received.at(c.name);
    dropped += after.dropped.at(c.name) - before.dropped.at(c.name);
    reconnects += after.reconnects.at(c.name) - before.reconnects.at(c.name);
    // Full: the detection rate (5 fps, the default). Key frames: one per GOP (2 s).
    const bool is_full = c.name.starts_with("full");
    const double expected = wall * (is_full ? 5.0 : 0.5);
    (is_full ? worst_full : worst_key) = std::min(is_full ? worst_full : worst_key, analysed / expected);
    if (received < wall * 25 * 0.98) fmt::print("  {}: received {:.0f} frames, expected {:.0f}\n", c.name, received, wall * 25);
  }
  fmt::print("worst camera, analysed / configured rate: full {:.3f}, key frames {:.3f}\n", worst_full, worst_key);
  fmt::print("frames dropped (analysis busy) {:.0f}, reconnects {:.0f} (stalls on healthy streams would show here)\n",
             dropped, reconnects);
  fmt::print("node CPU {:.1f} % of one core, RSS {:.0f} MiB, {} threads\n", node_cpu * 100, rssMiB(node.pid()),
             threadCount(node.pid()));
  fmt::print("{}\n", worst_full >= 0.98 && worst_key >= 0.98 && reconnects == 0 ? "every camera held its rate"
                                                                                  : "NOT every camera held its rate");
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  o.footage = fs::path(VILLAGECAM_BINARY_DIR) / "bench-footage";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--cameras") o.cameras = std::max(2, std::stoi(v));
    else if (a == "--cameras-h265") o.cameras_h265 = std::max(2, std::stoi(v));
    else if (a == "--seconds") o.seconds = std::stod(v);
    else if (a == "--footage") o.footage = v;
    else if (a == "--repeats") o.repeats = std::stoi(v);
    else if (a == "--rounds") o.rounds = std::max(1, std::stoi(v));
    else if (a == "--village-minutes") o.village_minutes = std::stod(v);
    else if (a == "--only") o.only = v;
    else if (a == "--transport" && (v == "udp" || v == "tcp")) o.transports = {v};
    else if (a == "--transport" && v == "both") o.transports = {"udp", "tcp"};
    else {
      std::cerr << "node_bench: unknown option " << a << " (see the comment at the top of bench/node_bench.cpp)\n";
      return 2;
    }
  }
  try {
    auto [code, out] = runCommand({"/bin/bash", VILLAGECAM_SOURCE_DIR "/bench/make_footage.sh", o.footage.string()});
    std::cout << out;
    if (code != 0) return 1;
    const Stream h264{"720p25 H.264", "h264", o.footage / "vtest-720p25.h264"};
    const Stream h265{"1080p25 H.265", "h265", o.footage / "vtest-1080p25.h265"};
    WorkDir dir("vc-node-bench");
    std::array<char, 256> host{};
    ::gethostname(host.data(), host.size());
    fmt::print("node_bench on {} ({} cores)\n", host.data(), std::thread::hardware_concurrency());
    for (const auto& transport : o.transports) {
      Options over = o;
      over.transport = transport;
      if (o.only.empty() || o.only == "h264") benchStream(h264, over, dir.path());
      if (o.only.empty() || o.only == "h265") {
        over.cameras = o.cameras_h265;
        benchStream(h265, over, dir.path());
      }
    }
    if (o.only.empty() || o.only == "latency") benchLatency(h264, o, dir.path());
    if ((o.only.empty() && o.village_minutes > 0) || o.only == "village") {
      if (o.village_minutes <= 0) o.village_minutes = 10;
      benchVillage(h264, o, dir.path());
    }
  } catch (const std::exception& e) {
    std::cerr << "node_bench: " << e.what() << "\n";
    return 1;
  }
}
