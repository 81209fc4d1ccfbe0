// The running node: one CameraWorker per enabled camera (with a ViewMonitor
// judging its view), and one event thread that turns their changes into
// uptime, coverage, alerts (through the durable outbox) and retained
// statuses and snapshots (through the MQTT publisher).
//
// Threads: camera workers only hand their state changes over (onCameraChanged:
// a short lock and a notify); the event thread does all the rest, so no disk
// or network I/O ever runs on a camera's thread.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <future>
#include <thread>
#include <variant>
#include <vector>

#include "app/view_monitor.hpp"
#include "config/config.hpp"
#include "app/detection_monitor.hpp"
#include "app/snapshot_store.hpp"
#include "events/alert_book.hpp"
#include "health/coverage.hpp"
#include "health/uptime_store.hpp"
#include "health/camera_health.hpp"
#include "ingest/camera_worker.hpp"
#include "ingest/pipeline_template.hpp"
#include "mqtt/outbox.hpp"
#include "contract/payloads.hpp"
#include "mqtt/publisher.hpp"
#include "service/node_report.hpp"
#include "util/clock.hpp"

namespace villagecam::app {

class Node : public service::NodeView {
 public:
  // Throws std::runtime_error (naming the path) if the state directory or a
  // pipeline template cannot be used.
  Node(config::Config config, const Clock& clock);
  ~Node() override;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  void start();
  // Stops every camera (in parallel), saves the ledger, says "offline" on
  // MQTT and flushes what it can. Idempotent.
  void stop();

  // Applies a new, already validated config (SIGHUP): unchanged cameras keep
  // streaming, changed ones restart, removed ones stop (their alerts end and
  // their retained topics are cleared), new ones start; zones, masks and
  // detection thresholds change without restarting the stream. Runs on the
  // event thread and waits for it. Returns a one-line summary; throws
  // std::runtime_error (a pipeline template) with nothing applied.
  std::string reload(config::Config next);

  // service::NodeView: what /metrics, /status and the watchdog see.
  service::NodeReport report() const override;
  std::vector<service::Heartbeat> heartbeats() const override;
  // One line for people: cameras online, coverage, outbox (systemd's STATUS=).
  std::string summary() const;
  health::CoverageReport coverage() const;
  const config::Config& config() const { return config_; }

 private:
  // How often the log gets a one-line summary of all cameras.
  static constexpr Duration kSummaryPeriod = std::chrono::minutes(15);
  static constexpr Duration kTickPeriod = std::chrono::seconds(1);

  // What camera threads hand over to the event thread.
  struct DetectionNote {
    std::string camera_id;
    std::string camera_name;
    DetectionEvent event;
  };
  struct ReloadTask {
    std::shared_ptr<std::packaged_task<std::string()>> task;
  };
  using Change = std::variant<health::CameraHealth, DetectionNote, ReloadTask>;

  void onCameraChanged(const health::CameraHealth& health);  // camera threads
  void post(Change change);                                  // camera threads
  void run();                                                // the event thread
  void addCamera(const config::CameraConfig& camera, ingest::RenderedPipeline rendered);
  void removeCamera(const std::string& id);
  void restoreFromOpenAlerts(const std::string& camera_id);
  std::string applyReload(config::Config next);
  static ingest::RenderedPipeline renderStream(const ingest::PipelineTemplate& tmpl, const config::CameraConfig& camera,
                                  const config::IngestConfig& ingest);
  static std::string streamKey(const config::CameraConfig& camera, const ingest::RenderedPipeline& rendered,
                               const config::IngestConfig& ingest);
  void tick(WallTime now);
  void handleChange(const health::CameraHealth& health, WallTime now);
  void raise(const std::vector<events::Alert>& alerts);
  void updateView(const health::CameraHealth& health, WallTime now);
  void handleDetection(const DetectionNote& note, WallTime now);
  void keepSnapshot(const contract::Snapshot& snapshot);
  void updateCoverage(WallTime now);
  void publishCoverage(WallTime now);
  void publishSnapshot(const contract::Snapshot& snapshot);
  void publishCameraStatus(const health::CameraHealth& health, WallTime now);
  contract::ViewReport viewReport(const std::string& camera) const;
  void publishNodeStatus(WallTime now);
  void loadOpenAlerts();
  void saveOpenAlerts();
  void clearRemovedCameras(WallTime now);
  void logSummary(const std::vector<health::CameraHealth>& healths, WallTime now) const;

  config::Config config_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
  health::UptimeStore uptime_;
  health::UptimeStore coverage_history_;  // by area: up = covered
  events::AlertBook alerts_;
  SnapshotStore snapshots_;
  std::shared_ptr<mqtt::Outbox> outbox_;         // only with MQTT
  std::unique_ptr<mqtt::Publisher> publisher_;   // only with MQTT
  // Changed only on the event thread (and before start); status() reads
  // them from other threads under cameras_mutex_.
  mutable std::mutex cameras_mutex_;
  std::vector<std::unique_ptr<ingest::CameraWorker>> workers_;
  std::map<std::string, std::string> stream_keys_;  // by camera id: see streamKey
  std::map<std::string, std::unique_ptr<ViewMonitor>> views_;  // by camera id; used by its worker's thread
  std::map<std::string, std::unique_ptr<DetectionMonitor>> detectors_;  // cameras with zones; same
  WallTime started_at_{};
  WallTime last_tick_{};
  SteadyTime next_summary_{};
  SteadyTime next_status_{};

  mutable std::mutex coverage_mutex_;  // guards coverage_ (read by coverage())
  health::CoverageReport coverage_;

  std::mutex mutex_;  // guards changes_ and stopping_
  std::condition_variable changed_;
  std::deque<Change> changes_;
  bool stopping_ = false;
  std::thread thread_;
  std::atomic<Duration::rep> event_loop_beat_{0};
  bool started_ = false;
};

// Prepares the state directory (creates it, checks it is writable).
void prepareStateDir(const std::filesystem::path& dir);

health::Presence presenceOf(health::CameraState state);

}  // namespace villagecam::app
