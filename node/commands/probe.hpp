// `villagecam-node probe URL`: one connection to a camera, for installers.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "health/camera_state.hpp"

namespace villagecam::commands {

struct ProbeOptions {
  config::RtspUrl url;
  std::optional<config::Credentials> credentials;
  config::Transport transport = config::Transport::Auto;
  std::optional<std::filesystem::path> snapshot;
  double timeout_s = 10;  // to the first frame
  double measure_s = 3;   // of stream after the first frame, at least...
  // ...and on until two whole GOPs were seen (the key-frame interval), at most.
  double max_measure_s = 12;
  std::filesystem::path pipelines_dir;
  std::string pipeline = "software";
};

struct ProbeResult {
  bool ok = false;
  health::FailureKind failure = health::FailureKind::Other;
  std::string error;  // plain words, no secrets
  std::string url;    // redacted
  std::string codec;
  int width = 0;
  int height = 0;
  double fps = 0;
  double bitrate_kbps = 0;
  // From the key frames' timestamps (analysis/key_frame_interval): 0 when
  // fewer than two whole GOPs were seen, and then at least this long.
  double keyframe_interval_s = 0;
  int keyframe_gops = 0;
  double keyframe_at_least_s = 0;
  double keyframe_shortest_s = 0, keyframe_longest_s = 0;
  double measured_s = 0;  // of stream after the first frame
  double time_to_first_frame_s = 0;
  std::string snapshot;  // path written, if any
};

ProbeResult probeCamera(const ProbeOptions& options);

std::string formatProbeText(const ProbeResult& result);
nlohmann::json probeToJson(const ProbeResult& result);

// The command: parses the URL (credentials in it are taken out of it), probes
// and prints text or JSON.
int probe(const std::string& url_text, const std::optional<std::string>& snapshot, bool json, double timeout,
          double max_seconds, const std::string& transport, const std::string& pipelines_dir);

}  // namespace villagecam::commands
