// Live video to the county against the floor of decoding, in one run on
// this machine (issue 26).
//
// Test cameras serve real footage (vtest.avi as a 720p25 H.264 main stream,
// bench/make_footage.sh). A real node (every camera in health mode, a
// county_link) and a real broker; the county's receiver (PushReceiver) runs
// in this process. In each round, over the same window, CPU seconds per
// camera-second of
//   floor   gst-launch-1.0: rtspsrc ! depay ! parse ! avdec_h264 ! fakesink, K branches
//   idle    the node, no push
//   push    the same node pushing every camera to the county (live_start over MQTT)
//   county  this process while it receives the K pushes and cuts them into HLS
// and prints what a push adds to the node and what a stream costs the
// county, as shares of the floor per camera (issue 26's target: the node's
// added CPU per push <= 0.01x the decode floor). Also the time from a
// live_start to its first HLS segment at the county (the server's part of
// the time to a first picture; the browser test measures the whole).
//
//   live_bench [--cameras K] [--seconds S] [--rounds R] [--footage DIR]
#include <fmt/format.h>
#include <gst/gst.h>
#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "bench_stats.hpp"
#include "decode_floor.hpp"
#include "child_process.hpp"
#include "mosquitto.hpp"
#include "process_stats.hpp"
#include "push/push_receiver.hpp"
#include "test_cameras.hpp"
#include "util/time_format.hpp"
#include "work_dir.hpp"

namespace {

using villagecam::bench::median;
namespace fs = std::filesystem;
using namespace villagecam::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Options {
  int cameras = 4;
  double seconds = 15;
  double warmup = 6;
  int rounds = 2;
  fs::path footage = fs::path(VILLAGECAM_BINARY_DIR) / "bench-footage";
};

double selfCpu() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU seconds per camera-second of the node and of this process over the window, after a warm-up.
std::pair<double, double> cpuPerCamera(pid_t node, const Options& o) {
  std::this_thread::sleep_for(std::chrono::duration<double>(o.warmup));  // a measurement window, not a wait for state
  const double n0 = cpuSeconds(node), s0 = selfCpu();
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  return {(cpuSeconds(node) - n0) / wall / o.cameras, (selfCpu() - s0) / wall / o.cameras};
}

void command(const Mosquitto& broker, const std::string& id, const std::string& kind, const std::string& camera) {
  const auto now = std::chrono::system_clock::now();
  const nlohmann::json c = {{"schema", "villagecam.command/1.0"}, {"id", id}, {"node", "bench"}, {"command", kind},
                            {"camera", camera}, {"alert", nullptr}, {"issued_at", villagecam::toRfc3339(now)},
                            {"expires_at", villagecam::toRfc3339(now + 10s)},
                            {"lease_until", kind == "live_start" ? nlohmann::json(villagecam::toRfc3339(now + 110s))
                                                                 : nlohmann::json(nullptr)}};
  const auto [code, out] = runCommand({"/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()),
                                       "-q", "1", "-t", "villagecam/bench/commands", "-m", c.dump()});
  if (code != 0) throw std::runtime_error("mosquitto_pub: " + out);
}

}  // namespace

int run(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--cameras") o.cameras = std::stoi(v);
    else if (a == "--seconds") o.seconds = std::stod(v);
    else if (a == "--rounds") o.rounds = std::stoi(v);
    else if (a == "--footage") o.footage = v;
  }
  gst_init(nullptr, nullptr);
  auto [code, out] = runCommand({"/bin/bash", VILLAGECAM_SOURCE_DIR "/bench/make_footage.sh", o.footage.string()});
  if (code != 0) {
    fmt::print(stderr, "cannot make the footage: {}\n", out);
    return 1;
  }
  const fs::path file = o.footage / "vtest-720p25.h264";
  std::vector<CameraSpec> specs;
  for (int i = 0; i < o.cameras; ++i) specs.push_back({.name = fmt::format("cam{}", i), .codec = "h264", .file = file});
  TestCameras cams(specs);
  Mosquitto broker;
  WorkDir dir("live-bench");
  villagecam::county::PushReceiver receiver({.host = "127.0.0.1", .port = 0, .hls_dir = dir.path() / "county-live"},
                                            {{"bench", "bench-push-password-0123"}});
  const int port = receiver.start();
  std::ofstream(dir.path() / "push-password") << "bench-push-password-0123\n";
  const fs::path config = dir.path() / "node.yaml";
  {
    std::ofstream y(config);
    y << "node: {id: bench, trust_unsynchronised_clock: true}\nstate_dir: " << (dir.path() / "state").string()
      << "\nlogging: {level: info}\ningest: {pipelines_dir: " << VILLAGECAM_SOURCE_DIR
      << "/pipelines}\nmqtt: {brokers: [" << broker.uri() << "]}\nclips: {enabled: false}\n"
      << "county_link: {url: \"rtsp://127.0.0.1:" << port << "\", password_file: " << (dir.path() / "push-password").string()
      << ", max_bitrate_kbps: 1000000}\ncameras:\n";
    for (int i = 0; i < o.cameras; ++i) {
      y << fmt::format("  - {{id: cam{}, rtsp_url: \"{}\", analysis: {{mode: health}}}}\n", i, cams.url(fmt::format("cam{}", i)));
    }
  }
  ChildProcess node({nodeBinary(), "run", "--config", config.string()});
  if (!node.waitForSubstring("connected to the broker", 20s) && !node.waitForSubstring("online", 20s)) {
    fmt::print(stderr, "the node did not start: {}\n", node.output());
    return 1;
  }
  std::this_thread::sleep_for(3s);  // its cameras connect (their status is not what is measured)

  fmt::print("live_bench: {} cameras 720p25 H.264 (health mode) pushed to the county's receiver, {} round(s) of {:.0f} s\n",
             o.cameras, o.rounds, o.seconds);
  std::vector<double> added, county, first_segment_ms;
  int serial = 0;
  for (int r = 0; r < o.rounds; ++r) {
    const double floor = villagecam::bench::decodeFloorPerCamera(cams, o.cameras, o.warmup, o.seconds);
    const double idle = cpuPerCamera(node.pid(), o).first;
    const auto asked = Clock::now();
    for (int c = 0; c < o.cameras; ++c) {
      const auto cam = fmt::format("cam{}", c);
      receiver.expect("bench", cam);
      command(broker, fmt::format("bench-{}", ++serial), "live_start", cam);
    }
    std::vector<bool> seen(o.cameras, false);
    while (Clock::now() - asked < 20s) {
      int pending = 0;
      for (int c = 0; c < o.cameras; ++c) {
        if (seen[c]) continue;
        const auto s = receiver.state("bench", fmt::format("cam{}", c));
        if (s && fs::exists(s->playlist)) {
          seen[c] = true;
          first_segment_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - asked).count());
        } else {
          ++pending;
        }
      }
      if (!pending) break;
      std::this_thread::sleep_for(20ms);  // polling the receiver, as the console's tick does (once a second)
    }
    const auto [pushing, receiving] = cpuPerCamera(node.pid(), o);
    for (int c = 0; c < o.cameras; ++c) {
      const auto s = receiver.state("bench", fmt::format("cam{}", c));
      if (!s || !s->receiving) throw std::runtime_error(fmt::format("cam{} was not pushed: {}", c, node.output()));
      command(broker, fmt::format("bench-{}", ++serial), "live_stop", fmt::format("cam{}", c));
      receiver.close("bench", fmt::format("cam{}", c));
    }
    added.push_back((pushing - idle) / floor);
    county.push_back(receiving / floor);
    fmt::print("  round {}: floor {:.2f} % of a core a camera; node {:.3f} % idle, {:.3f} % pushing: a push adds {:.4f}x "
               "the floor; the county receives a stream for {:.4f}x\n",
               r + 1, 100 * floor, 100 * idle, 100 * pushing, added.back(), county.back());
  }
  fmt::print("a push adds to the node {:.4f}x the decode floor per camera (target <= 0.01x); a stream costs the county "
             "{:.4f}x (medians of {})\n",
             median(added), median(county), o.rounds);
  fmt::print("live_start to the first HLS segment at the county: p50 {:.0f} ms, max {:.0f} ms ({} pushes)\n",
             villagecam::bench::percentile(first_segment_ms, 0.5), villagecam::bench::percentile(first_segment_ms, 1.0),
             first_segment_ms.size());
  node.signal(SIGTERM);
  node.wait(10s);
  return 0;
}

// Every process the bench started is stopped on the way out, a failure too.
int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "live_bench: {}\n", e.what());
    return 1;
  }
}
