// The floor the video benchmarks measure against, in the same run: what
// decoding the cameras costs (gst-launch-1.0: rtspsrc ! rtph264depay !
// h264parse ! avdec_h264 ! fakesink, one branch a camera), in CPU seconds
// per camera-second.
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "process_stats.hpp"
#include "test_cameras.hpp"

namespace villagecam::bench {

// CPU seconds per second of a process over `seconds`, after `warmup`.
inline double cpuRate(pid_t pid, double warmup, double seconds) {
  std::this_thread::sleep_for(std::chrono::duration<double>(warmup));  // a measurement window, not a wait for state
  const double c0 = testing::cpuSeconds(pid);
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  return (testing::cpuSeconds(pid) - c0) / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The cameras are named cam0, cam1, ... on `cams`.
inline double decodeFloorPerCamera(const testing::TestCameras& cams, int cameras, double warmup, double seconds) {
  std::vector<std::string> argv{"/usr/bin/gst-launch-1.0", "-q"};
  for (int i = 0; i < cameras; ++i) {
    argv.insert(argv.end(), {"rtspsrc", "location=" + cams.url(fmt::format("cam{}", i)), "!", "rtph264depay", "!",
                             "h264parse", "!", "avdec_h264", "!", "fakesink"});
  }
  testing::ChildProcess floor(argv);
  const double cpu = cpuRate(floor.pid(), warmup, seconds) / cameras;
  if (!floor.running()) throw std::runtime_error("the gst-launch floor died: " + floor.output());
  // Decoding 720p25 takes a few % of a core: far less means it decoded nothing.
  if (cpu < 0.01) throw std::runtime_error("the gst-launch floor decoded almost nothing: " + floor.output());
  return cpu;
}

}  // namespace villagecam::bench
