#include "app/alert_desk.hpp"

#include <nlohmann/json.hpp>

#include "contract/topics.hpp"
#include "events/camera_alerts.hpp"
#include "events/coverage_alerts.hpp"
#include "events/zone_alerts.hpp"
#include "util/logging.hpp"

namespace villagecam::app {

AlertDesk::AlertDesk(const config::Config& config, std::shared_ptr<mqtt::Outbox> outbox, mqtt::Publisher* publisher,
                     StatusReporter* reporter, record::Recorder* recorder)
    : origin_(contract::originOf(config.node, config.cameras)),
      topic_prefix_(config.mqtt.topic_prefix),
      language_(config.alerts.language),
      log_(logger("node")),
      book_(config.alerts.language),
      open_(config.state_dir / "open_alerts.json", origin_, config.alerts.language),
      snapshots_(config.state_dir / "snapshots", config.snapshots.max_bytes),
      outbox_(std::move(outbox)),
      publisher_(publisher),
      reporter_(reporter),
      recorder_(recorder) {
  if (publisher_) publisher_->setCompanions(snapshotsBeforeAlerts(snapshots_, topic_prefix_, origin_.node_id));
}

// The snapshot a starting alert names goes out on its own topic just before
// the alert, each time the alert is sent (after an outage too), as long as
// the store still keeps it. A copy of the store (a folder and a bound) and
// no reference to the desk: the publisher's thread may outlive neither.
mqtt::Publisher::Companions snapshotsBeforeAlerts(const SnapshotStore& store, const std::string& prefix,
                                                  const std::string& node_id) {
  return [store, prefix, node_id](const std::string& payload) {
    std::vector<mqtt::Publisher::Message> out;
    try {
      const auto alert = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
      if (!alert.is_object() || alert.value("phase", "") != "start") return out;
      const auto snapshot = alert.find("snapshot");
      const auto camera = alert.find("camera");
      if (snapshot == alert.end() || !snapshot->is_object() || camera == alert.end() || !camera->is_object()) return out;
      const auto shot = store.find(camera->value("id", ""), snapshot->value("id", ""));
      if (shot) out.push_back({contract::topics::snapshot(prefix, shot->id), contract::snapshotJson(*shot, node_id).dump()});
    } catch (const std::exception&) {
      // unreadable (or a malformed entry): the alert goes without it, as when the bound removed it
    }
    return out;
  };
}

void AlertDesk::set(const std::string& subject, std::optional<events::Alert> wanted, WallTime now) {
  raise(book_.set(subject, std::move(wanted), now));
}

void AlertDesk::end(const std::string& subject, WallTime now) { raise(book_.end(subject, now)); }

void AlertDesk::endAllOf(const std::string& camera_id, WallTime now) {
  for (const auto& a : book_.openAlerts()) {
    if (a.camera_id == camera_id) end(events::subjectOf(a), now);
  }
}

void AlertDesk::camera(const health::CameraHealth& h, const ViewState& view, WallTime now) {
  if (h.state != health::CameraState::Connecting) {  // not yet known: neither opens nor ends an alert
    set(events::cameraSubject(h.id), events::cameraHealthAlert({h.id, h.name, h.state, h.failure, h.reason}), now);
  }
  std::vector<std::string> issues;
  for (auto i : view.raised) issues.push_back(analysis::toString(i));
  auto wanted = events::viewTamperedAlert(h.id, h.name, issues, view.covered_share);
  const auto subject = events::viewSubject(h.id);
  if (wanted && view.snapshot && !book_.open(subject)) {
    startWithSnapshot(subject, std::move(*wanted), *view.snapshot, h.id, "view_tampered", now);
    return;
  }
  set(subject, std::move(wanted), now);
}

void AlertDesk::zone(const ZoneEventNote& note, WallTime now) {
  const auto& e = note.event;
  const auto subject = events::zoneSubject(note.camera_id, e.zone_id);
  std::vector<events::ObjectBox> objects;
  for (const auto& o : e.objects) objects.push_back({o.box.x, o.box.y, o.box.width, o.box.height});
  switch (e.phase) {
    case analysis::ZonePhase::Start: {
      auto wanted = events::zoneAlert(
          {note.camera_id, note.camera_name, e.zone_id, e.zone_name, e.kind, objects, e.person, e.suppressed});
      if (e.snapshot) {
        const std::string reason = events::toString(wanted.type);
        startWithSnapshot(subject, std::move(wanted), *e.snapshot, note.camera_id, reason, now);
      } else {
        set(subject, std::move(wanted), now);
      }
      break;
    }
    case analysis::ZonePhase::Update:
      raise(book_.update(subject, [&](events::Alert& a) { a.objects = objects; }, now));
      break;
    case analysis::ZonePhase::End:
      end(subject, now);
      break;
  }
}

void AlertDesk::startWithSnapshot(const std::string& subject, events::Alert wanted, const ViewSnapshot& s,
                                  const std::string& camera_id, const std::string& reason, WallTime now) {
  const contract::Snapshot shot{s.id, camera_id, s.taken_at, reason, s.width, s.height, s.jpeg};
  wanted.snapshot = events::SnapshotRef{shot.id, contract::topics::snapshot(topic_prefix_, shot.id), shot.taken_at};
  const auto alerts = book_.set(subject, std::move(wanted), now);
  if (!alerts.empty()) {
    try {
      snapshots_.save(shot);
    } catch (const std::exception& e) {
      log_->error("camera {}: cannot keep the snapshot on disk: {}", camera_id, e.what());
    }
    if (reporter_) reporter_->snapshot(shot);
  }
  raise(alerts);
}

void AlertDesk::raise(const std::vector<events::Alert>& alerts) {
  if (alerts.empty()) return;
  for (auto a : alerts) {
    attachClip(a);
    log_->info("alert {} {} {}: {}", events::toString(a.phase), events::toString(a.type), a.camera_id, a.message);
    if (outbox_) outbox_->push(contract::alertJson(a, origin_, language_).dump());
  }
  try {
    open_.save(book_.openAlerts());
  } catch (const std::exception& e) {
    log_->error("cannot save open alerts: {}", e.what());
  }
  if (publisher_) publisher_->wake();
}

void AlertDesk::attachClip(events::Alert& a) {
  if (!recorder_ || a.camera_id.empty()) return;
  std::optional<record::ClipPlan> plan;
  if (a.phase == events::AlertPhase::Start) {
    plan = recorder_->alertStarted(a.id, events::toString(a.type), a.camera_id, a.started_at);
  } else if (a.phase == events::AlertPhase::End && a.ended_at) {
    plan = recorder_->alertEnded(a.id, *a.ended_at);
  }
  if (!plan) plan = recorder_->planOf(a.id);
  if (!plan) return;
  if (const auto written = recorder_->find(a.id)) {
    a.clip = events::ClipRef{written->id, written->start, written->end, "ready", written->bytes};
  } else {
    a.clip = events::ClipRef{plan->id, plan->start, plan->end, "recording", std::nullopt};
  }
}

std::vector<events::Alert> AlertDesk::restore(const std::set<std::string>& live, WallTime now) {
  std::vector<events::Alert> open;
  try {
    open = open_.load();
  } catch (const std::exception& e) {
    log_->error("{}: {}; open alerts from before the restart are lost", open_.file().string(), e.what());
    return {};
  }
  if (open.empty()) return {};
  book_.restore(open);
  // An alert whose camera, zone or area left the config ends now.
  for (const auto& subject : subjectsGone(open, live)) end(subject, now);
  auto still = book_.openAlerts();
  if (!still.empty()) log_->info("{} alert(s) still open from before the restart", still.size());
  return still;
}

void AlertDesk::republishSnapshots(const std::vector<std::string>& cameras) {
  if (!reporter_) return;
  for (const auto& id : cameras) {
    try {
      if (auto shot = snapshots_.latest(id)) reporter_->snapshot(*shot);
    } catch (const std::exception& e) {
      log_->warn("camera {}: cannot read its last snapshot: {}", id, e.what());
    }
  }
}

}  // namespace villagecam::app
