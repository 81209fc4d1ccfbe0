// The running node: wires one CameraUnit per enabled camera to one event
// thread, which turns what the cameras post into uptime, coverage, alerts
// (through the durable outbox) and retained statuses and snapshots (through
// the StatusReporter). The decisions are elsewhere and pure: what a reload
// does (ReloadPlan), which alert a camera, view, zone or area calls for
// (events/), coverage (health/).
//
// Threads (docs/architecture.md):
// - a camera's worker thread only posts CameraMessages (MessageQueue: a
//   short lock and a notify); it never touches the node's state, disk or
//   network;
// - the event thread takes them in order and does everything else, reload
//   included; it alone changes cameras_ (under cameras_mutex_);
// - the HTTP thread and the daemon's loop read report(), heartbeats() and
//   summary(): they copy under cameras_mutex_, then read the stores, each
//   under its own lock.
// Lock order: cameras_mutex_ before a camera's own leaf locks (its worker's
// health, its detector's counters); the queue's, the coverage keeper's and
// the stores' locks are leaves, never held while taking another.
#pragma once

#include <atomic>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include "app/camera_messages.hpp"
#include "app/camera_unit.hpp"
#include "app/coverage_keeper.hpp"
#include "app/live_requests.hpp"
#include "app/alert_desk.hpp"
#include "app/status_reporter.hpp"
#include "app/view_streams.hpp"
#include "config/config.hpp"
#include "health/coverage.hpp"
#include "health/uptime_store.hpp"
#include "ingest/pipeline_template.hpp"
#include "mqtt/outbox.hpp"
#include "mqtt/publisher.hpp"
#include "relay/county_pusher.hpp"
#include "relay/restream_server.hpp"
#include "service/node_report.hpp"
#include "util/clock.hpp"
#include "util/wall_clock_watch.hpp"
#include "util/message_queue.hpp"

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
  // Stops every camera (in parallel), saves the ledgers, says "offline" on
  // MQTT and flushes what it can. Idempotent.
  void stop();

  // Applies a new, already validated config (SIGHUP) as planReload() says;
  // runs on the event thread and waits for it. Returns a one-line summary;
  // throws std::runtime_error (a pipeline template) with nothing applied.
  std::string reload(config::Config next);

  // service::NodeView: what /metrics, /status and the watchdog see.
  service::NodeReport report() const override;
  std::vector<service::Heartbeat> heartbeats() const override;
  std::vector<service::ClipListing> clips() const override;
  std::optional<std::filesystem::path> clipFile(const std::string& id) const override;
  // One line for people (systemd's STATUS=).
  std::string summary() const;
  health::CoverageReport coverage() const;
  const config::Config& config() const { return config_; }

 private:
  static constexpr Duration kSummaryPeriod = std::chrono::minutes(15);  // the log's summary of all cameras
  static constexpr Duration kTickPeriod = std::chrono::seconds(1);

  struct Camera {
    std::unique_ptr<CameraUnit> unit;
    ViewState view;  // as the last ViewChanged said
  };
  struct ReloadTask {
    std::shared_ptr<std::packaged_task<std::string()>> task;
  };
  // A message on the node's command topic, as it came (read on the event thread).
  struct CommandArrived {
    std::string payload;
  };
  // A push to the county ended on its own (closed by the county, link lost).
  struct PushEnded {
    std::string camera;
    std::uint64_t push = 0;  // the pusher's serial: the news of an older push is ignored
    std::string code, detail;
  };
  // A clip's upload to the county finished (ok) or failed.
  struct ClipUploaded {
    std::string clip;
    bool ok = false;
    std::string detail;
  };
  using Message = std::variant<CameraMessage, ReloadTask, CommandArrived, PushEnded, ClipUploaded>;

  void run();  // the event thread, from here down
  void handle(const HealthChanged& m, WallTime now);
  void handle(const ViewChanged& m, WallTime now);
  void handle(const ZoneEventNote& m, WallTime now);
  void handle(const BaselineRefreshed& m, WallTime now);
  void handle(const CommandArrived& m, WallTime now, SteadyTime steady_now);
  void handle(const PushEnded& m, WallTime now);
  void handle(const ClipUploaded& m, WallTime now);
  void uploadClip(const contract::Command& command, WallTime now);
  // A reply on the replies topic; `answering` is the command's id (for a
  // push that ends on its own: the command that started it).
  void reply(const std::string& answering, contract::CommandKind kind, const std::string& camera,
             const std::string& alert, contract::ReplyStatus status, const std::string& code, WallTime now);
  void addCamera(const config::CameraConfig& camera, ingest::RenderedPipeline rendered);
  void removeCamera(const std::string& id);
  // A camera's encoded stream, shared by whatever re-serves or records it;
  // it outlives restarts of the camera's stream and unit.
  std::shared_ptr<ingest::EncodedFanout> fanoutFor(const std::string& id);
  std::shared_ptr<ingest::EncodedFanout> fanout(const std::string& id) const;  // any thread; null: none
  void closeFanout(const std::string& id);
  void startRestream();
  std::vector<std::string> cameraIds() const;
  Camera* find(const std::string& id);
  std::string applyReload(config::Config next);
  void tick(WallTime now, SteadyTime steady_now);
  bool updateCoverage(WallTime now, bool publish_always = true);
  void noteClockSync();
  void publishCamera(const health::CameraHealth& health, WallTime now);
  static ViewState withLatestFigures(ViewState view, const CameraUnit& unit);
  void publishNode(WallTime now);
  void publishCoverage(WallTime now);
  void clearRemovedCameras();
  void loadOpenAlerts();
  std::vector<health::CameraHealth> healths() const;

  config::Config config_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
  health::UptimeStore uptime_;
  CoverageKeeper coverage_;
  std::shared_ptr<mqtt::Outbox> outbox_;        // only with MQTT
  std::unique_ptr<mqtt::Publisher> publisher_;  // only with MQTT
  std::unique_ptr<StatusReporter> reporter_;    // only with MQTT
  std::unique_ptr<AlertDesk> alerts_;
  CameraUnit::Options unit_options_;

  mutable std::mutex cameras_mutex_;  // guards cameras_ against readers on other threads
  std::vector<Camera> cameras_;       // changed on the event thread only (and before start)
  WallTime started_at_{};
  WallClockWatch wall_watch_;  // what of the wall clock may be booked: durations are monotonic
  contract::ClockReport clock_report_;
  bool started_logged_ = false;  // the clock's state was told once
  SteadyTime next_summary_{};
  SteadyTime next_status_{};

  mutable std::mutex fanouts_mutex_;  // a leaf
  std::map<std::string, std::shared_ptr<ingest::EncodedFanout>> fanouts_;
  std::unique_ptr<record::Recorder> recorder_;       // with clips.enabled
  ViewStreams views_;                                // what re-served viewers get
  std::unique_ptr<relay::RestreamServer> restream_;  // with restream.enabled, while it listens

  LiveRequests live_;           // the county's live-video commands: pushes and their leases
  std::unique_ptr<relay::CountyPusher> pusher_;  // with county_link
  std::uint64_t bad_commands_ = 0;  // command payloads that could not be read
  std::map<std::string, std::string> uploading_;  // clip (alert id) -> the command that asked for it
  MessageQueue<Message> messages_;
  std::thread thread_;
  std::atomic<Duration::rep> event_loop_beat_{0};
  bool started_ = false;
};

}  // namespace villagecam::app
