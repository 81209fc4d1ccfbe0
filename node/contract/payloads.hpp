// The JSON payloads of the MQTT contract (docs/mqtt.md, docs/schema/*.json).
// Pure functions from plain structs to JSON; every payload names its schema.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "events/alert.hpp"
#include "health/coverage.hpp"
#include "health/uptime_ledger.hpp"
#include "health/camera_health.hpp"

namespace villagecam::contract {

inline constexpr const char* kAlertSchema = "villagecam.alert/1.8";
inline constexpr const char* kCameraStatusSchema = "villagecam.camera-status/1.6";
inline constexpr const char* kNodeStatusSchema = "villagecam.node-status/1.4";
inline constexpr const char* kCoverageSchema = "villagecam.coverage/1.2";
inline constexpr const char* kSnapshotSchema = "villagecam.snapshot/1";

inline constexpr const char* kStateOnline = "online";
inline constexpr const char* kStateOffline = "offline";

// Where a node is: its labels from the config's node section, carried in
// node status, coverage and alerts (since node-status/1.3, coverage/1.2,
// alert/1.3) so that the county can group without a side table.
struct Place {
  std::string region;      // the county, or whatever the node was told
  std::string township;    // 乡镇
  std::string village;     // 村
  std::string admin_code;  // the village's 12-digit statistical area code; empty: not configured
  bool operator==(const Place&) const = default;
};

// The node a payload comes from, its place, and the GB/T 28181 device codes
// of the node and its cameras (config gb_code; empty: none).
struct Origin {
  std::string node_id;
  Place place;
  std::string gb_code;
  std::map<std::string, std::string> camera_gb_codes;  // by camera id, only those that have one
};

Origin originOf(const config::NodeIdentity& node);
Origin originOf(const config::NodeIdentity& node, const std::vector<config::CameraConfig>& cameras);

// The node's wall clock as the node sees it.
struct ClockReport {
  std::optional<bool> synchronised;     // the kernel's word (adjtimex); nullopt: not known
  bool booking = true;                  // false: minutes are left unknown now (unsynchronised)
  std::uint64_t steps = 0;              // wall clock steps seen since the node started
  std::optional<double> last_step_s;    // the latest one, forward > 0
  std::optional<WallTime> last_step_at;
};

struct NodeStatus {
  std::string node_id;
  Place place;
  std::string version;
  WallTime started_at{};
  WallTime now{};
  std::map<std::string, int> cameras_by_state;  // every state named, zeros included
  int cameras_disabled = 0;
  std::size_t outbox_depth = 0;
  std::size_t outbox_bytes = 0;
  std::uint64_t outbox_dropped = 0;
  std::optional<double> coverage_ratio;  // nullopt: no area configured or none known yet
  int areas_total = 0;
  int areas_covered = 0;
  int areas_unverified = 0;
  std::optional<double> coverage_unverified_share;  // beside coverage_ratio
  ClockReport clock;
  // Since 1.3: the node publishes its status at least this often, so a
  // reader can tell a silent node (3 intervals without one) from a quiet one.
  std::optional<double> status_interval_s;
  std::string gb_code;  // since 1.4: the node's GB/T 28181 device code; empty: none
};

// Uncovered time of an area (or all of them), in minutes.
struct UncoveredMinutes {
  double today = 0;    // since local midnight in the node's time zone
  double last_7d = 0;
};

struct CoverageSummary {
  std::string node_id;
  Place place;
  health::CoverageReport report;
  std::map<std::string, UncoveredMinutes> uncovered;  // by area id
  UncoveredMinutes uncovered_total;
  WallTime now{};
};

nlohmann::json coverageJson(const CoverageSummary& coverage);

// A JPEG of a camera's view, retained on <prefix>/cameras/<camera>/snapshot.
struct Snapshot {
  std::string id;  // referenced from alerts
  std::string camera_id;
  WallTime taken_at{};
  std::string reason;  // why it was taken, e.g. view_tampered
  int width = 0;
  int height = 0;
  std::string jpeg;  // the bytes
};

nlohmann::json snapshotJson(const Snapshot& snapshot, const std::string& node_id);

nlohmann::json alertJson(const events::Alert& alert, const Origin& origin, config::Language language);
// The same with no place: for tests and tools that only have a node id.
inline nlohmann::json alertJson(const events::Alert& alert, const std::string& node_id, config::Language language) {
  return alertJson(alert, Origin{node_id, {}, {}, {}}, language);
}
events::Alert alertFromJson(const nlohmann::json& j);  // for the outbox and tests

// What the last check of the view measured, each against the baseline
// (camera-status/1.4; stripes since 1.5; docs/view-quality.md).
struct ViewMeasuresReport {
  double light = 1;
  double contrast = 1;
  double sharpness = 1;
  double colour_cast = 0;
  double noise = 0;
  double glare_share = 0;
  double cover_share = 0;
  double moved = 0;
  double stripes = 0;
  bool operator==(const ViewMeasuresReport&) const = default;
};

// The camera's view quality: "unknown" (no baseline yet), "ok" or "tampered".
// The stream's cadence over its last window (camera-status/1.5).
struct CadenceReport {
  double own_frame_rate = 0;
  double frame_rate = 0;
  double largest_gap_s = 0;
  std::int64_t timestamp_jumps = 0;
  std::int64_t bursts = 0;
  bool operator==(const CadenceReport&) const = default;
};

struct ViewReport {
  std::string state = "unknown";
  // blank, frozen, defocus, occluded, shifted; shaking, glare (since alert/1.5,
  // camera-status/1.3); dark, low_contrast, colour_cast, snow (alert/1.6, camera-status/1.4); stripes, stutter
  // (alert/1.7, camera-status/1.5)
  std::vector<std::string> issues;
  std::optional<double> covered_share;  // while occluded: the share of the view covered, 0..1
  std::optional<WallTime> baseline_at;
  std::optional<ViewMeasuresReport> measures;  // nullopt: no picture checked yet
  std::optional<CadenceReport> cadence;        // nullopt: not judged yet
};

// Motion and zone detection on a camera with zones, since the node started.
struct DetectionReport {
  std::uint64_t frames = 0;
  std::uint64_t events = 0;
  std::uint64_t suppressed = 0;
  std::uint64_t global_changes = 0;
};

nlohmann::json cameraStatusJson(const health::CameraHealth& health, const health::UptimeStats& uptime,
                                const ViewReport& view, const std::string& node_id, WallTime now,
                                const std::optional<DetectionReport>& detection = std::nullopt);
nlohmann::json nodeStatusJson(const NodeStatus& status);

// Counts by state with every state present.
std::map<std::string, int> countByState(const std::vector<health::CameraHealth>& cameras);

}  // namespace villagecam::contract
