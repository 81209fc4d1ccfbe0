// `villagecam-node uptime`: each camera's uptime over the last hour, day and
// week, read from the state directory (time the node was not running counts
// as unknown).
#pragma once

#include <string>

namespace villagecam::commands {

int printUptime(const std::string& config_path, bool json);

}  // namespace villagecam::commands
