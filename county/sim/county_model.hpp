// A county made up for tests, the demo and the benchmark: nodes spread over
// townships, cameras some of which are offline, tampered or not checked yet,
// areas watched by cameras, all decided by a seed. It says the payloads its
// nodes publish (through the contract's writers) and, counted here on its
// own, the truth the console must show. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "contract/payloads.hpp"

namespace villagecam::county::sim {

struct SimCamera {
  std::string id;
  std::string gb_code;  // GB/T 28181: the village's centre code, type 132 (IPC), a serial
  health::CameraState state = health::CameraState::Online;
  std::string view = "ok";  // ok, tampered, unknown
  // Its past, simulated: in its state this long before the simulator
  // started, and down this share of the time before that.
  std::chrono::seconds in_state_before{0};
  double earlier_down_share = 0;
};

struct SimArea {
  std::string id;
  double weight = 1;
  std::vector<int> cameras;  // indexes into the node's cameras
};

struct SimNode {
  std::string id;
  contract::Place place;
  std::string gb_code;  // GB/T 28181: the village's centre code, type 118 (NVR), serial 1
  std::vector<SimCamera> cameras;
  std::vector<SimArea> areas;
  bool silent = false;  // vanished: its will says offline
};

struct SimCountyOptions {
  int nodes = 10;
  int cameras = 8;  // per node
  std::uint64_t seed = 1;
  double offline_share = 0.05;
  double tampered_share = 0.03;
  double unverified_share = 0.02;
  int villages_per_township = 10;
};

std::vector<SimNode> makeCounty(const SimCountyOptions& options);

// An area's state from its cameras: covered if one is online with a checked
// clean view; unverified if none is but one is online unchecked; else uncovered.
health::AreaState areaState(const SimNode& node, const SimArea& area);

// The truth, counted from the model by the definitions of docs/county.md:
// {"nodes", "silent", "cameras", "online", "intact", "unverified",
//  "rates": {"online", "intact", "coverage"}, "townships": {name: {...}}}
nlohmann::json truth(const std::vector<SimNode>& county);

// The payloads of one node at `now`.
contract::NodeStatus nodeStatus(const SimNode& node, WallTime started_at, WallTime now, double interval_s);
nlohmann::json cameraStatus(const SimNode& node, const SimCamera& camera, WallTime started_at, WallTime now);

// A camera's uptime over the last `length` at `now`, from its simulated past.
health::UptimeWindow simulatedUptime(const SimCamera& camera, WallTime started_at, WallTime now,
                                     std::chrono::seconds length);
nlohmann::json coverage(const SimNode& node, WallTime now);

}  // namespace villagecam::county::sim
