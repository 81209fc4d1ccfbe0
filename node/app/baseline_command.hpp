// `villagecam-node baseline`: takes each camera's reference view at
// commissioning and stores it in <state_dir>/baselines/.
#pragma once

#include <optional>
#include <string>

#include "config/config.hpp"

namespace villagecam::app {

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

}  // namespace villagecam::app
