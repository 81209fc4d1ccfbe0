// Live video in the console, glass to glass, in one run on this machine
// (issue 26): how long from pressing live to the first picture, and how old
// each picture is when the browser shows it, against the floor of a plain
// RTSP client reading the camera directly.
//
// A synthetic test camera (720p-class 640x360, `--fps`, a key frame every
// `--gop` seconds) writes each frame's wall-clock time into the frame
// (test camera stamp=1). A real node pushes it on demand to a real console
// (villagecam-county), and Debian's chromium (bench/live_latency.mjs,
// playwright-core) presses live and reads the time back from every frame
// the <video> presents. The floor: this process reads the camera over RTSP
// (rtspsrc latency=0 ! avdec_h264) and reads the same code from each
// decoded frame. Both clocks are this machine's.
//
//   live_latency [--rounds R] [--seconds S] [--gop SECONDS] [--fps N]
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "child_process.hpp"
#include "console_fixture.hpp"
#include "bench_stats.hpp"
#include "mosquitto.hpp"
#include "test_cameras.hpp"
#include "work_dir.hpp"

namespace {

using villagecam::bench::median;
using villagecam::bench::percentile;
namespace fs = std::filesystem;
using namespace villagecam::testing;
using namespace std::chrono_literals;

struct Options {
  int rounds = 5;
  double seconds = 6;
  double gop = 2;
  int fps = 25;
};

// The stamp the test camera writes (test_camera_server.cpp, FrameStamp):
// 48 blocks of 16x16, two rows of 24, white 1 / black 0: a 1, a 0, 44 bits
// of wall-clock ms, the parity of each half.
std::optional<std::int64_t> readStamp(const GstVideoFrame& frame) {
  constexpr int kBlock = 16, kColumns = 24, kBits = 44;
  const auto* y = static_cast<const guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0));
  const int stride = GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0);
  std::vector<bool> bits;
  for (int b = 0; b < 48; ++b) {
    const int x0 = (b % kColumns) * kBlock + 4, y0 = (b / kColumns) * kBlock + 4;
    int sum = 0;
    for (int r = y0; r < y0 + 8; ++r) {
      for (int c = x0; c < x0 + 8; ++c) sum += y[r * stride + c];
    }
    bits.push_back(sum / 64 > 128);
  }
  if (!bits[0] || bits[1]) return std::nullopt;
  std::int64_t value = 0;
  for (int i = 0; i < kBits; ++i) value = value * 2 + (bits[2 + i] ? 1 : 0);
  for (int half = 0; half < 2; ++half) {
    bool parity = false;
    for (int i = 0; i < kBits / 2; ++i) parity ^= bits[2 + half * kBits / 2 + i];
    if (parity != bits[2 + kBits + half]) return std::nullopt;
  }
  return value;
}

std::int64_t nowMs() { return g_get_real_time() / 1000; }

// A plain RTSP client's glass-to-glass: each decoded frame's age as it
// leaves the decoder, over `seconds`.
std::vector<double> floorLatencies(const std::string& url, double seconds) {
  const std::string line = "rtspsrc location=" + url +
                           " latency=0 protocols=tcp ! rtph264depay ! h264parse ! avdec_h264 ! videoconvert ! "
                           "video/x-raw,format=I420 ! appsink name=sink sync=false max-buffers=5 drop=false";
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(line.c_str(), &error);
  if (!pipeline) throw std::runtime_error(std::string("floor pipeline: ") + (error ? error->message : "?"));
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  std::vector<double> out;
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds + 3);
  while (std::chrono::steady_clock::now() < until) {
    GstSample* sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 500 * GST_MSECOND);
    if (!sample) continue;
    const auto at = nowMs();
    GstVideoInfo info;
    GstVideoFrame frame;
    if (gst_video_info_from_caps(&info, gst_sample_get_caps(sample)) &&
        gst_video_frame_map(&frame, &info, gst_sample_get_buffer(sample), GST_MAP_READ)) {
      if (const auto stamp = readStamp(frame)) out.push_back(static_cast<double>(at - *stamp));
      gst_video_frame_unmap(&frame);
    }
    gst_sample_unref(sample);
  }
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
  if (out.size() > 3) out.erase(out.begin(), out.begin() + 3);  // the first frames wait for the connection
  return out;
}

std::vector<double> numbers(const std::string& list) {
  std::vector<double> out;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(std::stod(item));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--rounds") o.rounds = std::stoi(v);
    else if (a == "--seconds") o.seconds = std::stod(v);
    else if (a == "--gop") o.gop = std::stod(v);
    else if (a == "--fps") o.fps = std::stoi(v);
    else {
      fmt::print(stderr, "usage: live_latency [--rounds R] [--seconds S] [--gop SECONDS] [--fps N]\n");
      return 2;
    }
  }
  gst_init(nullptr, nullptr);
  try {
    Mosquitto broker;
    TestCameras cams({CameraSpec{.name = "gate", .fps = o.fps, .gop_seconds = o.gop, .stamp = true}});
    WorkDir dir("live-latency");
    std::ofstream(dir.path() / "push-passwords.yaml") << "n1: n1-push-password-latency\n";
    std::ofstream(dir.path() / "push-password") << "n1-push-password-latency\n";
    Console console(dir.path(), broker,
                    "live: {listen: \"127.0.0.1:0\", push_passwords_file: " + (dir.path() / "push-passwords.yaml").string() +
                        "}\n");
    const auto live_line = console.process().waitForSubstring("nodes push to rtsp://127.0.0.1:", 10s);
    if (!live_line) throw std::runtime_error("the console did not listen for pushes:\n" + console.process().output());
    const int live_port = std::stoi(live_line->substr(live_line->find("127.0.0.1:") + 10));
    const auto node_config = writeNodeConfig(dir.path(), broker, live_port, dir.path() / "push-password",
                                             "  - {id: gate, name: 村口, rtsp_url: \"" + cams.url("gate") + "\"}\n");
    ChildProcess node({nodeBinary(), "run", "--config", node_config.string()});
    const auto village = console.waitFor("/api/villages/n1", [](const nlohmann::json& v) {
      for (const auto& c : v["cameras"]) if (c["id"] == "gate" && c["state"] == "online") return true;
      return false;
    }, 30s);
    if (village.is_null()) throw std::runtime_error("the camera did not come online:\n" + node.output());

    const auto floor = floorLatencies(cams.url("gate"), o.seconds);
    ChildProcess browser({"/usr/bin/node", VILLAGECAM_SOURCE_DIR "/bench/live_latency.mjs",
                          "http://127.0.0.1:" + std::to_string(console.port()), "tester", Console::kPassword, "n1",
                          "gate", std::to_string(o.rounds), fmt::format("{}", o.seconds)});
    const auto status = browser.wait(std::chrono::seconds(static_cast<int>(o.rounds * (o.seconds + 60))));
    browser.waitForEndOfOutput(5s);
    if (!status || *status != 0) throw std::runtime_error("the browser failed:\n" + browser.output());
    std::vector<double> first_frames, latencies;
    int unreadable = 0;
    for (const auto& line : browser.lines()) {
      if (line.rfind("ROUND ", 0) != 0) continue;
      int first = 0, bad = 0;
      char list[65536] = {};
      if (std::sscanf(line.c_str(), "ROUND first_frame_ms=%d latencies=%65535s unreadable=%d", &first, list, &bad) < 2) {
        continue;
      }
      first_frames.push_back(first);
      const auto round = numbers(list);
      latencies.insert(latencies.end(), round.begin(), round.end());
      unreadable += bad;
      // The player may drift from where it started to its live edge: the
      // first and the last third of the round apart.
      const auto third = static_cast<long>(round.size() / 3);
      fmt::print("  round {}: first frame {} ms; latency p50 {:.0f} ms over {} frames (first third {:.0f}, last third {:.0f})\n",
                 first_frames.size(), first, median(round), round.size(),
                 median({round.begin(), round.begin() + third}), median({round.end() - third, round.end()}));
    }
    if (first_frames.empty() || latencies.empty()) throw std::runtime_error("no round measured:\n" + browser.output());
    const double floor_p50 = median(floor);
    fmt::print("live_latency: 640x360 {} fps, a key frame every {:.1f} s, {} round(s) of {:.0f} s, HLS in chromium\n",
               o.fps, o.gop, first_frames.size(), o.seconds);
    fmt::print("  floor (rtspsrc latency=0 ! avdec_h264, straight from the camera): p50 {:.0f} ms, p90 {:.0f} ms ({} frames)\n",
               floor_p50, percentile(floor, 0.9), floor.size());
    fmt::print("  press live to the first picture: p50 {:.0f} ms, max {:.0f} ms (goal < 3000)\n", median(first_frames),
               percentile(first_frames, 1.0));
    fmt::print("  glass to glass in the page: p50 {:.0f} ms, p90 {:.0f} ms, max {:.0f} ms ({} frames, {} unreadable); "
               "{:.1f}x the floor (goal < 4000 ms with HLS)\n",
               median(latencies), percentile(latencies, 0.9), percentile(latencies, 1.0), latencies.size(), unreadable,
               floor_p50 > 0 ? median(latencies) / floor_p50 : 0.0);
  } catch (const std::exception& e) {
    fmt::print(stderr, "live_latency: {}\n", e.what());
    return 1;
  }
  return 0;
}
