// `villagecam-node run`: the node under signal control.
#pragma once

#include "config/config.hpp"

namespace villagecam::app {

// Blocks SIGINT, SIGTERM and SIGHUP in every thread (call before any thread
// starts), so the daemon takes them synchronously in its main loop.
void blockTerminationSignals();

// Runs until SIGINT or SIGTERM; returns the process exit code.
int runDaemon(const config::Config& config);

}  // namespace villagecam::app
