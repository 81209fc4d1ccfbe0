// The node's retained MQTT topics (docs/mqtt.md): node status, each camera's
// status and latest snapshot, coverage; and clearing the topics of cameras
// that left the config (the ids published last are kept in
// <state_dir>/published_cameras.json). Which payload goes on which topic is
// decided here; the payloads themselves are the contract's. Event thread only.
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/view_monitor.hpp"
#include "contract/payloads.hpp"
#include "health/camera_health.hpp"
#include "health/coverage.hpp"
#include "health/uptime_ledger.hpp"
#include "health/uptime_store.hpp"
#include "mqtt/publisher.hpp"

namespace villagecam::app {

class StatusReporter {
 public:
  StatusReporter(mqtt::Publisher& publisher, std::string topic_prefix, std::string node_id,
                 std::filesystem::path published_file);

  void camera(const health::CameraHealth& health, const health::UptimeStats& uptime, const contract::ViewReport& view,
              const std::optional<contract::DetectionReport>& detection, WallTime now);
  void node(const contract::NodeStatus& status);
  void coverage(const contract::CoverageSummary& coverage);
  void snapshot(const contract::Snapshot& snapshot);
  // Clears the retained topics of the cameras published before but not in
  // `running`, and remembers `running` (an unreadable list is logged and
  // taken as empty). Returns the ids cleared. Throws std::runtime_error
  // naming the file if it cannot remember them.
  std::vector<std::string> clearRemoved(const std::set<std::string>& running);

 private:
  mqtt::Publisher& publisher_;
  std::string prefix_;
  std::string node_id_;
  std::filesystem::path published_file_;
};

// The view as the contract reports it ("unknown" without a baseline). Pure.
contract::ViewReport viewReportOf(const ViewState& view);

// The node's status payload from what the node knows. Pure.
struct NodeFacts {
  config::NodeIdentity node;
  std::string version;
  WallTime started_at{};
  WallTime now{};
  std::vector<health::CameraHealth> cameras;  // enabled ones
  int cameras_disabled = 0;
  std::size_t outbox_depth = 0;
  std::size_t outbox_bytes = 0;
  std::uint64_t outbox_dropped = 0;
  contract::ClockReport clock;
  double status_interval_s = 60;  // how often the status is published at the latest
};
contract::NodeStatus nodeStatusOf(const NodeFacts& facts, const health::CoverageReport& coverage);

// The coverage payload: the report, and each area's uncovered minutes today
// (since local midnight) and over 7 days from its history.
contract::CoverageSummary coverageSummaryOf(const contract::Origin& origin, const health::CoverageReport& report,
                                            const std::vector<config::AreaConfig>& areas,
                                            const health::UptimeStore& history, WallTime now);

}  // namespace villagecam::app
