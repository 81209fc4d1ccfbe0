// The village uplink stand-in of the tests: the simulator's relay (cut, stall, restore).
#pragma once

#include "sim/uplink_relay.hpp"

namespace villagecam::testing {
using TcpProxy = county::sim::UplinkRelay;
}  // namespace villagecam::testing
