// The JSON payloads of the MQTT contract (docs/mqtt.md, docs/schema/*.json).
// Pure functions from plain structs to JSON; every payload names its schema.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "events/alert.hpp"
#include "health/uptime_ledger.hpp"
#include "ingest/camera_health.hpp"

namespace villagecam::mqtt {

inline constexpr const char* kAlertSchema = "villagecam.alert/1";
inline constexpr const char* kCameraStatusSchema = "villagecam.camera-status/1";
inline constexpr const char* kNodeStatusSchema = "villagecam.node-status/1";

inline constexpr const char* kStateOnline = "online";
inline constexpr const char* kStateOffline = "offline";

struct NodeStatus {
  std::string node_id;
  std::string region;
  std::string village;
  std::string version;
  WallTime started_at{};
  WallTime now{};
  std::map<std::string, int> cameras_by_state;  // every state named, zeros included
  int cameras_disabled = 0;
  std::size_t outbox_depth = 0;
  std::size_t outbox_bytes = 0;
  std::uint64_t outbox_dropped = 0;
};

nlohmann::json alertJson(const events::Alert& alert, const std::string& node_id, config::Language language);
events::Alert alertFromJson(const nlohmann::json& j);  // for the outbox and tests

// The camera's view quality: "unknown" (no baseline yet), "ok" or "tampered".
struct ViewReport {
  std::string state = "unknown";
  std::vector<std::string> issues;  // blank, frozen, defocus, occluded, shifted
  std::optional<WallTime> baseline_at;
};

nlohmann::json cameraStatusJson(const ingest::CameraHealth& health, const health::UptimeStats& uptime,
                                const ViewReport& view, const std::string& node_id, WallTime now);
nlohmann::json nodeStatusJson(const NodeStatus& status);

// Counts by state with every state present.
std::map<std::string, int> countByState(const std::vector<ingest::CameraHealth>& cameras);

}  // namespace villagecam::mqtt
