// Every alert the node raises goes through here: the AlertBook (one open
// alert per subject, start / update / end with one id), the log, the durable
// outbox, the file of open alerts (so they survive a restart) and the
// snapshots that alerts name (kept on disk, published retained on the
// camera's snapshot topic as its latest, and on a topic of their own id just
// before the alert that names them). It maps what a camera's view and zones said to the
// alerts of events/ (pure builders). Event thread only.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/camera_messages.hpp"
#include "app/open_alert_store.hpp"
#include "app/snapshot_store.hpp"
#include "app/status_reporter.hpp"
#include "record/recorder.hpp"
#include "config/config.hpp"
#include "events/alert_book.hpp"
#include "mqtt/outbox.hpp"
#include "mqtt/publisher.hpp"

namespace villagecam::app {

// What the publisher sends before an alert from the outbox: the snapshot a
// starting alert names, on <prefix>/snapshots/<id>, if the store keeps it.
mqtt::Publisher::Companions snapshotsBeforeAlerts(const SnapshotStore& store, const std::string& prefix,
                                                  const std::string& node_id);

class AlertDesk {
 public:
  // outbox, publisher and reporter are null without MQTT; recorder without clips.
  AlertDesk(const config::Config& config, std::shared_ptr<mqtt::Outbox> outbox, mqtt::Publisher* publisher,
            StatusReporter* reporter, record::Recorder* recorder);

  // The subject's alert is now `wanted` (nullopt: none): starts, ends or
  // replaces what is open, and raises what that takes.
  void set(const std::string& subject, std::optional<events::Alert> wanted, WallTime now);
  void end(const std::string& subject, WallTime now);
  void endAllOf(const std::string& camera_id, WallTime now);  // health, view and zone alerts

  // A camera's health and view call for these alerts (camera offline /
  // stalled / unauthorized; view tampered with the snapshot of its start).
  void camera(const health::CameraHealth& health, const ViewState& view, WallTime now);
  // A zone's event: motion or intrusion start (with its drawn snapshot), update, end.
  void zone(const ZoneEventNote& note, WallTime now);

  // After a restart: the alerts open before it; those whose subject is not
  // in `live` end now. Returns the ones still open. Logs and goes on with
  // none if the file cannot be read.
  std::vector<events::Alert> restore(const std::set<std::string>& live, WallTime now);
  std::vector<events::Alert> openAlerts() const { return book_.openAlerts(); }

  // Publishes again the latest snapshot kept for each camera (at start).
  void republishSnapshots(const std::vector<std::string>& cameras);

 private:
  void raise(const std::vector<events::Alert>& alerts);
  // A camera's alert of a clip type starts its clip, and names it from then on.
  void attachClip(events::Alert& alert);
  // Starts the alert with the snapshot attached, keeping the snapshot only if it did start.
  void startWithSnapshot(const std::string& subject, events::Alert wanted, const ViewSnapshot& shot,
                         const std::string& camera_id, const std::string& reason, WallTime now);

  const contract::Origin origin_;
  const std::string topic_prefix_;
  const config::Language language_;
  std::shared_ptr<spdlog::logger> log_;
  events::AlertBook book_;
  OpenAlertStore open_;
  SnapshotStore snapshots_;
  std::shared_ptr<mqtt::Outbox> outbox_;
  mqtt::Publisher* publisher_;
  StatusReporter* reporter_;
  record::Recorder* recorder_;
};

}  // namespace villagecam::app
