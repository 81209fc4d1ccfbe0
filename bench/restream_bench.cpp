// Re-serving against the floor of decoding, in one run on this machine
// (issue 24).
//
// Test cameras serve real footage (vtest.avi as a 720p25 H.264 main stream,
// bench/make_footage.sh) from files. In each round the bench measures, over
// the same window, CPU seconds per camera-second of
//   floor       gst-launch-1.0: rtspsrc ! depay ! parse ! avdec_h264 ! fakesink, K branches
//   idle        the node, every camera in health mode, re-serving on
//   1 viewer    the same node with one viewer on every camera (ffmpeg -c copy
//               over TCP or UDP, their own CPU not counted)
//   1+V         ...and V more on every camera
// and prints what the first viewer of a camera adds (its shared media) and
// what each further one adds, as shares of the floor per camera and of the
// floor of all K cameras (the measure issue 24 states its target in).
//
// Glass-to-glass: the time re-serving adds to a frame. Two clients in this
// process receive every camera frame, one straight from the camera, one
// through the node; frames are matched by their bytes (nothing is encoded
// again), and the delay between the two arrivals is the node's part.
//
//   restream_bench [--cameras K] [--viewers V] [--transport tcp|udp] [--seconds S] [--rounds R] [--footage DIR]
#include <fmt/format.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <thread>
#include <unordered_map>

#include "child_process.hpp"
#include "bench_stats.hpp"
#include "decode_floor.hpp"
#include "mosquitto.hpp"  // runCommand
#include "process_stats.hpp"
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
  int viewers = 2;
  double seconds = 15;
  double warmup = 6;
  int rounds = 2;
  std::string transport = "tcp";  // the viewers'
  fs::path footage = fs::path(VILLAGECAM_BINARY_DIR) / "bench-footage";
};



// CPU seconds per camera-second of a process over the window, after a warm-up.
double cpuPerCamera(pid_t pid, int cameras, const Options& o) {
  return villagecam::bench::cpuRate(pid, o.warmup, o.seconds) / cameras;
}

double floorCpu(const TestCameras& cams, const Options& o) {
  return villagecam::bench::decodeFloorPerCamera(cams, o.cameras, o.warmup, o.seconds);
}

// Every frame's arrival at one client, by the hash of its bytes' tail (the
// slice data: the node adds parameter sets before key frames, never changes
// a slice).
class FrameArrivals {
 public:
  explicit FrameArrivals(const std::string& url) {
    const std::string description =
        "rtspsrc location=" + url + " protocols=tcp latency=0 ! rtph264depay ! h264parse ! "
        "video/x-h264,stream-format=byte-stream,alignment=au ! appsink name=sink sync=false max-buffers=100 drop=false";
    GError* error = nullptr;
    pipeline_ = gst_parse_launch(description.c_str(), &error);
    if (!pipeline_ || error) throw std::runtime_error("client pipeline: " + std::string(error ? error->message : "?"));
    sink_ = gst_bin_get_by_name(GST_BIN(pipeline_), "sink");
    gst_element_set_state(pipeline_, GST_STATE_PLAYING);
    thread_ = std::thread([this] { pull(); });
  }
  ~FrameArrivals() {
    stop_ = true;
    thread_.join();
    gst_element_set_state(pipeline_, GST_STATE_NULL);
    gst_object_unref(sink_);
    gst_object_unref(pipeline_);
  }
  std::unordered_map<std::uint64_t, Clock::time_point> arrivals() {
    std::lock_guard lock(mutex_);
    return arrivals_;
  }

 private:
  void pull() {
    while (!stop_) {
      GstSample* sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink_), 100 * GST_MSECOND);
      if (!sample) continue;
      const auto now = Clock::now();
      GstBuffer* buffer = gst_sample_get_buffer(sample);
      GstMapInfo map;
      if (gst_buffer_map(buffer, &map, GST_MAP_READ)) {
        std::uint64_t h = 1469598103934665603ull;  // FNV-1a over the last 256 bytes
        for (gsize i = map.size > 256 ? map.size - 256 : 0; i < map.size; ++i) h = (h ^ map.data[i]) * 1099511628211ull;
        gst_buffer_unmap(buffer, &map);
        std::lock_guard lock(mutex_);
        arrivals_.emplace(h, now);
      }
      gst_sample_unref(sample);
    }
  }

  GstElement* pipeline_ = nullptr;
  GstElement* sink_ = nullptr;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::unordered_map<std::uint64_t, Clock::time_point> arrivals_;
};

}  // namespace

int run(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--cameras") o.cameras = std::stoi(v);
    else if (a == "--viewers") o.viewers = std::stoi(v);
    else if (a == "--seconds") o.seconds = std::stod(v);
    else if (a == "--rounds") o.rounds = std::stoi(v);
    else if (a == "--footage") o.footage = v;
    else if (a == "--transport") o.transport = v;
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
  WorkDir dir("restream-bench");
  const fs::path config = dir.path() / "node.yaml";
  {
    std::ofstream y(config);
    y << "node: {id: bench}\nstate_dir: " << (dir.path() / "state").string()
      << "\nlogging: {level: info}\ningest: {pipelines_dir: " << VILLAGECAM_SOURCE_DIR
      << "/pipelines}\nrestream: {listen: 127.0.0.1:0, max_viewers_per_camera: 16, max_bitrate_kbps: 1000000}\nclips: {enabled: false}\ncameras:\n";
    for (int i = 0; i < o.cameras; ++i) {
      y << fmt::format("  - {{id: cam{}, rtsp_url: \"{}\", analysis: {{mode: health}}}}\n", i, cams.url(fmt::format("cam{}", i)));
    }
  }
  ChildProcess node({nodeBinary(), "run", "--config", config.string()});
  const auto line = node.waitForSubstring("re-serving cameras on rtsp://127.0.0.1:", 20s);
  if (!line) {
    fmt::print(stderr, "the node did not start: {}\n", node.output());
    return 1;
  }
  std::smatch m;
  std::regex_search(*line, m, std::regex("127\\.0\\.0\\.1:(\\d+)/"));
  const std::string base = "rtsp://127.0.0.1:" + std::string(m[1]) + "/";

  fmt::print("restream_bench: {} cameras 720p25 H.264 (health mode), {} viewer(s) each over {}, {} round(s) of {:.0f} s\n",
             o.cameras, o.viewers, o.transport, o.rounds, o.seconds);
  // Viewers of every camera, ffmpeg -c copy to nowhere.
  auto watch = [&](int each) {
    std::vector<std::unique_ptr<ChildProcess>> viewers;
    for (int c = 0; c < o.cameras; ++c) {
      for (int v = 0; v < each; ++v) {
        viewers.push_back(std::make_unique<ChildProcess>(std::vector<std::string>{
            "/usr/bin/ffmpeg", "-v", "error", "-rtsp_transport", o.transport, "-i", base + fmt::format("cam{}", c),
            "-c", "copy", "-f", "null", "-"}));
      }
    }
    return viewers;
  };
  auto alive = [](const std::vector<std::unique_ptr<ChildProcess>>& viewers) {
    for (const auto& v : viewers) {
      if (!v->running()) throw std::runtime_error("a viewer died: " + v->output());
    }
  };
  // The first viewer of a camera costs its media (payloading, shared by
  // all its viewers); each further one costs its own sending.
  std::vector<double> floors, first, further;
  for (int r = 0; r < o.rounds; ++r) {
    floors.push_back(floorCpu(cams, o));
    const double idle = cpuPerCamera(node.pid(), o.cameras, o);
    double one = 0, many = 0;
    {
      auto viewers = watch(1);
      one = cpuPerCamera(node.pid(), o.cameras, o);
      alive(viewers);
      auto more = watch(o.viewers);
      many = cpuPerCamera(node.pid(), o.cameras, o);
      alive(more);
    }
    first.push_back((one - idle) / floors.back());
    further.push_back((many - one) / o.viewers / floors.back());
    fmt::print("  round {}: floor {:.2f} % of a core a camera; node {:.2f} % idle, {:.2f} % with 1 viewer, {:.2f} % "
               "with {}; first viewer {:.4f}x the floor, each further one {:.4f}x\n",
               r + 1, 100 * floors.back(), 100 * idle, 100 * one, 100 * many, 1 + o.viewers, first.back(),
               further.back());
  }
  fmt::print("first viewer of a camera (its media): {:.4f}x the floor; each further viewer: {:.4f}x (medians of {})\n",
             median(first), median(further), o.rounds);
  // Issue 24 states its targets against the floor of the node's whole set
  // of cameras (8 in its case): one viewer of one camera, against that.
  fmt::print("against the floor of all {} cameras: first viewer {:.4f}x, each further viewer {:.4f}x\n", o.cameras,
             median(first) / o.cameras, median(further) / o.cameras);

  // Glass-to-glass: the same frames, straight and through the node.
  std::vector<double> added_ms;
  {
    FrameArrivals direct(cams.url("cam0"));
    FrameArrivals via(base + "cam0");
    std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));  // a measurement window
    const auto a = direct.arrivals(), b = via.arrivals();
    for (const auto& [hash, t] : b) {
      if (const auto it = a.find(hash); it != a.end()) {
        added_ms.push_back(std::chrono::duration<double, std::milli>(t - it->second).count());
      }
    }
  }
  fmt::print("glass-to-glass added by re-serving: {} frames matched; p50 {:.1f} ms, p95 {:.1f} ms, max {:.1f} ms\n",
             added_ms.size(), percentile(added_ms, 0.5), percentile(added_ms, 0.95), percentile(added_ms, 1.0));
  node.signal(SIGTERM);
  node.wait(10s);
  return 0;
}

// Every process the bench started is stopped on the way out, a failure too.
int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "restream_bench: {}\n", e.what());
    return 1;
  }
}
