// `villagecam-node baseline`: takes each camera's reference view at
// commissioning and stores it in <state_dir>/baselines/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "analysis/baseline_vetting.hpp"
#include "config/config.hpp"

namespace villagecam::commands {

struct BaselineResult {
  std::string camera;
  bool ok = false;
  int frames = 0;  // collected
  analysis::BaselineVetting vetting;  // which of them agree, and what the reference measures
  std::uint64_t kept_from_decoder = 0;  // undecodable frames the pipeline dropped (lost references, corrupt)
  std::string error;  // plain words
};

// Collects `frames` frames over about `seconds` from one camera.
BaselineResult takeBaseline(const config::Config& config, const config::CameraConfig& camera, int frames,
                            double seconds);

// The command: every camera of the config (or only `only`), with one line each.
int baseline(const std::string& config_path, const std::string& only, int frames, double seconds);

}  // namespace villagecam::commands
