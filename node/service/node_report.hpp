// What the node's local endpoints (/metrics, /status, /healthz) and the
// systemd watchdog see of a running node, as plain values. The node (app)
// implements NodeView; the service plumbing only reads it, so it does not
// depend on the orchestrator that sits above it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "contract/payloads.hpp"
#include "health/camera_health.hpp"
#include "health/coverage.hpp"
#include "health/uptime_ledger.hpp"
#include "service/liveness.hpp"
#include "util/clock.hpp"

namespace villagecam::service {

struct CameraReport {
  health::CameraHealth health;
  health::UptimeStats uptime;
  contract::ViewReport view;
  std::optional<contract::DetectionReport> detection;  // cameras with zones
};

// Re-serving (relay/restream_server.hpp), per camera.
struct RestreamCameraReport {
  std::string camera;
  int viewers = 0;
  std::uint64_t viewers_started = 0;
  std::uint64_t viewers_left = 0;
  std::map<std::string, std::uint64_t> refusals;  // by reason: too_many_viewers, not_enough_bandwidth, camera_offline
  std::uint64_t units_dropped = 0;
};

struct RestreamReport {
  bool enabled = false;
  bool listening = false;
  std::uint64_t outgoing_bits_per_second = 0;
  std::vector<RestreamCameraReport> cameras;
};

// Evidence clips (record/recorder.hpp).
struct ClipsReport {
  bool enabled = false;
  std::size_t kept = 0;
  std::uintmax_t bytes = 0;
  std::size_t ring_bytes = 0;  // every camera's last seconds, held in memory
  std::size_t writing = 0;
};

struct NodeReport {
  std::string node_id;
  std::string version;
  WallTime started_at{};
  std::vector<CameraReport> cameras;
  health::CoverageReport coverage;
  bool mqtt_enabled = false;
  bool mqtt_connected = false;
  std::size_t outbox_depth = 0;
  std::uint64_t outbox_dropped = 0;
  std::uint64_t alerts_sent = 0;
  RestreamReport restream;
  ClipsReport clips;
};

// An evidence clip on disk (record/clip_store.hpp), as /clips lists it.
struct ClipListing {
  std::string id;
  std::string camera;
  std::string alert_type;
  WallTime start{};
  WallTime end{};
  std::uintmax_t bytes = 0;
  std::uint64_t frames = 0;
};

// Called from the HTTP thread and the daemon's loop: must be thread-safe.
class NodeView {
 public:
  virtual ~NodeView() = default;
  virtual NodeReport report() const = 0;
  // The clips kept, newest first, and the file of one (nullopt: none such).
  virtual std::vector<ClipListing> clips() const { return {}; }
  virtual std::optional<std::filesystem::path> clipFile(const std::string& /*id*/) const { return std::nullopt; }
  // The event loop's and every camera worker's last round.
  virtual std::vector<Heartbeat> heartbeats() const = 0;
};

}  // namespace villagecam::service
