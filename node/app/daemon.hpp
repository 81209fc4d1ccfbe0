// `villagecam-node run`: the node under signal control.
#pragma once

#include "config/config.hpp"

namespace villagecam::app {

// Runs until SIGINT or SIGTERM; returns the process exit code.
int runDaemon(const config::Config& config);

}  // namespace villagecam::app
