// `villagecam-node check-config`: every problem of a config file, or OK with
// what it holds and notes an installer wants (cameras that watch no area).
#pragma once

#include <string>

namespace villagecam::commands {

int checkConfig(const std::string& path);

}  // namespace villagecam::commands
