// Is every thread that must make progress still making it? The event thread
// and each camera worker stamp a heartbeat on every round of their loops
// (at least every second); the daemon pings systemd's watchdog only while all
// of them are fresh, so a hung worker gets the node restarted. Pure.
#pragma once

#include <string>
#include <vector>

#include "util/clock.hpp"

namespace villagecam::service {

struct Heartbeat {
  std::string name;  // "event loop", "camera gate"
  SteadyTime last{};
};

// The names of the heartbeats older than max_age, in the given order.
std::vector<std::string> staleHeartbeats(const std::vector<Heartbeat>& beats, SteadyTime now, Duration max_age);

}  // namespace villagecam::service
