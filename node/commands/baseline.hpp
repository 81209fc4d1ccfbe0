// `villagecam-node baseline`: takes each camera's reference view at
// commissioning and stores it in <state_dir>/baselines/.
#pragma once

#include <optional>
#include <string>

#include "config/config.hpp"

namespace villagecam::commands {

struct BaselineResult {
  std::string camera;
  bool ok = false;
  int frames = 0;
  double sharpness = 0;
  std::string error;  // plain words
};

// Collects `frames` frames over about `seconds` from one camera.
BaselineResult takeBaseline(const config::Config& config, const config::CameraConfig& camera, int frames,
                            double seconds);

// The command: every camera of the config (or only `only`), with one line each.
int baseline(const std::string& config_path, const std::string& only, int frames, double seconds);

}  // namespace villagecam::commands
