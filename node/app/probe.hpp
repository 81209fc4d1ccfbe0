// `villagecam-node probe URL`: one connection to a camera, for installers.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "ingest/camera_state.hpp"

namespace villagecam::app {

struct ProbeOptions {
  config::RtspUrl url;
  std::optional<config::Credentials> credentials;
  config::Transport transport = config::Transport::Auto;
  std::optional<std::filesystem::path> snapshot;
  double timeout_s = 10;  // to the first frame
  double measure_s = 3;   // of stream after the first frame
  std::filesystem::path pipelines_dir;
  std::string pipeline = "software";
};

struct ProbeResult {
  bool ok = false;
  ingest::FailureKind failure = ingest::FailureKind::Other;
  std::string error;  // plain words, no secrets
  std::string url;    // redacted
  std::string codec;
  int width = 0;
  int height = 0;
  double fps = 0;
  double bitrate_kbps = 0;
  double keyframe_interval_s = 0;
  double time_to_first_frame_s = 0;
  std::string snapshot;  // path written, if any
};

ProbeResult probeCamera(const ProbeOptions& options);

std::string formatProbeText(const ProbeResult& result);
nlohmann::json probeToJson(const ProbeResult& result);

}  // namespace villagecam::app
