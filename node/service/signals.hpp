// The signals a daemon obeys, taken synchronously in its own loop (never in a
// handler): SIGINT and SIGTERM stop it, SIGHUP reloads its config.
#pragma once

#include "util/clock.hpp"

namespace villagecam::service {

enum class Signal { None, Stop, Reload };

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread; call it before any
// other thread starts, so that every thread inherits the mask and only
// waitForSignal() sees them.
void blockTerminationSignals();

// Waits up to `timeout` for one of them. Stop names which one in `name`.
Signal waitForSignal(Duration timeout, const char** name = nullptr);

}  // namespace villagecam::service
