#include "app/node.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <future>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "ingest/pipeline_template.hpp"
#include "contract/payloads.hpp"
#include "contract/topics.hpp"
#include "util/atomic_file.hpp"
#include "events/camera_alerts.hpp"
#include "events/coverage_alerts.hpp"
#include "util/logging.hpp"
#include "util/time_format.hpp"

#ifndef VILLAGECAM_VERSION
#define VILLAGECAM_VERSION "0.0.0"
#endif

namespace villagecam::app {

void prepareStateDir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("state_dir '" + dir.string() + "': cannot create it: " + ec.message());
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    throw std::runtime_error("state_dir '" + dir.string() + "': not writable: " + std::strerror(errno));
  }
}

health::Presence presenceOf(health::CameraState state) {
  switch (state) {
    case health::CameraState::Online: return health::Presence::Up;
    case health::CameraState::Connecting: return health::Presence::Unknown;  // not yet known since start
    default: return health::Presence::Down;
  }
}

Node::Node(config::Config config, const Clock& clock)
    : config_(std::move(config)),
      clock_(clock),
      log_(logger("node")),
      uptime_(config_.state_dir, clock),
      coverage_history_(config_.state_dir, clock, "coverage.json", "coverage", "area(s)"),
      alerts_(config_.alerts.language),
      snapshots_(config_.state_dir / "snapshots", config_.snapshots.max_bytes) {
  prepareStateDir(config_.state_dir);
  uptime_.setFlushInterval(std::chrono::duration_cast<Duration>(config_.uptime_flush_interval));
  coverage_history_.setFlushInterval(std::chrono::duration_cast<Duration>(config_.uptime_flush_interval));
  const auto tmpl = ingest::loadTemplate(ingest::pipelinesDir(config_.ingest.pipelines_dir), config_.ingest.pipeline);
  for (const auto& camera : config_.cameras) {
    if (!camera.enabled) {
      log_->info("camera {} is disabled in the config", camera.id);
      continue;
    }
    addCamera(camera, renderStream(tmpl, camera, config_.ingest));
  }
  if (config_.mqtt.enabled) {
    outbox_ = std::make_shared<mqtt::Outbox>(
        config_.state_dir / "outbox", mqtt::Outbox::Limits{config_.mqtt.outbox_max_alerts, config_.mqtt.outbox_max_bytes});
    publisher_ = std::make_unique<mqtt::Publisher>(config_.mqtt, outbox_);
  }
}

Node::~Node() { stop(); }

ingest::RenderedPipeline Node::renderStream(const ingest::PipelineTemplate& tmpl, const config::CameraConfig& camera,
                               const config::IngestConfig& ingest) {
  return ingest::forMode(ingest::render(tmpl, ingest::templateVars(camera, ingest)), camera.analysis.mode);
}

// What, if it changes, needs the camera's stream restarted: the pipeline,
// the rate frames are taken at, where and how it connects, and the
// supervisor's timing.
std::string Node::streamKey(const config::CameraConfig& c, const ingest::RenderedPipeline& rendered,
                            const config::IngestConfig& in) {
  std::string pipeline = rendered.source + "\n" + rendered.output;
  for (const auto& [codec, chain] : rendered.decoders) pipeline += "\n" + codec + ": " + chain;
  return fmt::format("{}\n{}\n{}\n{}\n{}:{}\n{}\n{} {} {} {} {} {}", pipeline, config::streamedFps(c), c.name,
                     c.url.withoutCredentials(),
                     c.credentials ? c.credentials->username : "", c.credentials ? c.credentials->password : "",
                     c.detection.enabled(), in.connect_timeout.count(), in.stall_timeout.count(),
                     in.backoff_initial.count(), in.backoff_max.count(), in.unauthorized_retry.count(), in.latency_ms);
}

void Node::addCamera(const config::CameraConfig& camera, ingest::RenderedPipeline rendered) {
  stream_keys_[camera.id] = streamKey(camera, rendered, config_.ingest);
  auto worker_ptr = std::make_unique<ingest::CameraWorker>(camera, config_.ingest, std::move(rendered), clock_);
  ingest::CameraWorker* worker = worker_ptr.get();
  worker->onStateChange([this](const health::CameraHealth& h) { onCameraChanged(h); });

  const auto baselines_dir = config_.state_dir / "baselines";
  ViewBaselines baselines;
  try {
    // Without decoded frames (analysis mode health) there is no view to check.
    if (camera.analysis.mode != config::AnalysisMode::Health) baselines = loadViewBaselines(baselines_dir, camera.id);
  } catch (const std::exception& e) {
    log_->error("camera {}: {}; view checks are off until a new baseline is taken", camera.id, e.what());
  }
  if (camera.analysis.mode == config::AnalysisMode::Health) {
    log_->info("camera {}: analysis mode health: nothing is decoded, its view is not checked", camera.id);
  } else if (!baselines.commissioning) {
    log_->warn("camera {}: no view baseline yet (villagecam-node baseline); its view is not checked and its "
               "areas count as covered while it is online",
               camera.id);
  }
  ViewMonitor::Options options{config_.view_quality, config_.snapshots.jpeg_quality};
  auto save = [dir = baselines_dir, id = camera.id](const analysis::StoredBaseline& b) {
    try {
      analysis::saveBaseline(dir, refreshedBaselineName(id), b);
      cameraLogger(id)->info("view baseline refreshed from {} clean views", b.frames);
    } catch (const std::exception& e) {
      cameraLogger(id)->error("cannot save the refreshed baseline: {}", e.what());
    }
  };
  auto monitor = std::make_unique<ViewMonitor>(std::move(baselines), options, save);
  std::unique_ptr<DetectionMonitor> detector;
  if (camera.detection.enabled()) {
    detector = std::make_unique<DetectionMonitor>(camera.detection, config_.snapshots.jpeg_quality);
  }
  // On the camera's worker thread, never a GStreamer one.
  worker->onFrame([this, worker, m = monitor.get(), d = detector.get()](const analysis::AnalysisFrame& frame) {
    if (d) {
      for (auto& e : d->onFrame(frame, clock_.steady(), clock_.wall())) {
        post(DetectionNote{worker->camera().id, worker->camera().name, std::move(e)});
      }
    }
    if (!m->onFrame(frame, clock_.steady(), clock_.wall())) return;
    const auto state = m->state();
    std::string issues;
    for (auto i : state.raised) issues += std::string(issues.empty() ? "" : ", ") + analysis::toString(i);
    if (state.raised.empty()) {
      cameraLogger(worker->camera().id)->info("view ok again");
    } else {
      cameraLogger(worker->camera().id)->warn("view tampered: {}", issues);
    }
    onCameraChanged(worker->health());
  });
  std::lock_guard lock(cameras_mutex_);
  views_[camera.id] = std::move(monitor);
  if (detector) detectors_[camera.id] = std::move(detector);
  workers_.push_back(std::move(worker_ptr));
}

// Stops the camera's worker first: its frame callback uses the monitors.
void Node::removeCamera(const std::string& id) {
  const auto it = std::find_if(workers_.begin(), workers_.end(), [&](const auto& w) { return w->camera().id == id; });
  if (it == workers_.end()) return;
  (*it)->stop();
  std::lock_guard lock(cameras_mutex_);
  workers_.erase(it);
  views_.erase(id);
  detectors_.erase(id);
  stream_keys_.erase(id);
}

// A camera's monitors start from what its open alerts say (after a restart of
// the node or of the camera's stream).
void Node::restoreFromOpenAlerts(const std::string& camera_id) {
  for (const auto& a : alerts_.openAlerts()) {
    if (a.camera_id != camera_id) continue;
    if (a.type == events::AlertType::ViewTampered && views_.count(camera_id)) {
      std::vector<analysis::ViewIssue> issues;
      for (const auto& name : a.issues) {
        if (auto i = analysis::viewIssueFrom(name)) issues.push_back(*i);
      }
      views_.at(camera_id)->restore(issues, clock_.steady());
    }
    if ((a.type == events::AlertType::Motion || a.type == events::AlertType::Intrusion) && detectors_.count(camera_id)) {
      detectors_.at(camera_id)->restoreOpen(a.zone_id, clock_.steady());
    }
  }
}

std::string Node::reload(config::Config next) {
  auto task = std::make_shared<std::packaged_task<std::string()>>(
      [this, next = std::move(next)]() mutable { return applyReload(std::move(next)); });
  auto result = task->get_future();
  if (started_) {
    post(ReloadTask{task});
  } else {
    (*task)();  // no event thread yet
  }
  return result.get();  // rethrows what applyReload threw
}

// On the event thread. Everything that can fail (templates) is done before
// anything changes, so a rejected reload leaves the node as it was.
std::string Node::applyReload(config::Config next) {
  const WallTime now = clock_.wall();
  const auto tmpl = ingest::loadTemplate(ingest::pipelinesDir(next.ingest.pipelines_dir), next.ingest.pipeline);
  std::map<std::string, ingest::RenderedPipeline> rendered;
  for (const auto& c : next.cameras) {
    if (c.enabled) rendered[c.id] = renderStream(tmpl, c, next.ingest);
  }
  // Sections a running node cannot take over: said, and kept until a restart.
  std::vector<std::string> later;
  if (next.node.id != config_.node.id || next.node.region != config_.node.region ||
      next.node.village != config_.node.village || next.node.timezone != config_.node.timezone) {
    later.push_back("node");
  }
  if (next.state_dir != config_.state_dir) later.push_back("state_dir");
  if (next.mqtt.brokers != config_.mqtt.brokers || next.mqtt.topic_prefix != config_.mqtt.topic_prefix ||
      next.mqtt.username != config_.mqtt.username || next.mqtt.password != config_.mqtt.password ||
      next.mqtt.client_id != config_.mqtt.client_id || next.mqtt.enabled != config_.mqtt.enabled) {
    later.push_back("mqtt");
  }
  if (next.alerts.language != config_.alerts.language) later.push_back("alerts");
  for (const auto& part : later) log_->warn("reload: '{}' changed; that part applies at the next restart", part);

  std::vector<std::string> removed, restarted, added, retuned;
  std::set<std::string> wanted;
  for (const auto& c : next.cameras) {
    if (c.enabled) wanted.insert(c.id);
  }
  std::vector<std::string> running;
  for (const auto& w : workers_) running.push_back(w->camera().id);
  for (const auto& id : running) {
    if (wanted.count(id)) continue;
    removeCamera(id);
    for (const auto& a : alerts_.openAlerts()) {  // its health, view and zone alerts end
      if (a.camera_id == id) raise(alerts_.end(events::subjectOf(a), now));
    }
    removed.push_back(id);
  }
  config_.ingest = next.ingest;
  for (const auto& c : next.cameras) {
    if (!c.enabled) continue;
    const auto key = streamKey(c, rendered[c.id], next.ingest);
    const auto known = stream_keys_.find(c.id);
    if (known != stream_keys_.end() && known->second == key) {
      // Same stream: zones, masks and thresholds change in place.
      if (const auto d = detectors_.find(c.id); d != detectors_.end()) {
        d->second->reconfigure(c.detection);
        for (const auto& a : alerts_.openAlerts()) {  // events of zones that are gone end
          if (a.camera_id != c.id || a.zone_id.empty()) continue;
          const bool kept = std::any_of(c.detection.zones.begin(), c.detection.zones.end(),
                                        [&](const auto& z) { return z.id == a.zone_id; });
          if (!kept) raise(alerts_.end(events::subjectOf(a), now));
        }
        retuned.push_back(c.id);
      }
      continue;
    }
    const bool existed = known != stream_keys_.end();
    if (existed) removeCamera(c.id);
    addCamera(c, rendered[c.id]);
    restoreFromOpenAlerts(c.id);
    workers_.back()->start();
    (existed ? restarted : added).push_back(c.id);
  }
  // The node's view of the config: cameras and areas are the new ones.
  const auto old_areas = config_.areas;
  config_.cameras = next.cameras;
  config_.areas = next.areas;
  for (const auto& area : old_areas) {
    const bool kept = std::any_of(config_.areas.begin(), config_.areas.end(), [&](const auto& a) { return a.id == area.id; });
    if (!kept) raise(alerts_.end(events::areaSubject(area.id), now));
  }
  if (next.logging.level != config_.logging.level) {
    setLogLevel(next.logging.level);
    config_.logging = next.logging;
  }
  if (publisher_) clearRemovedCameras(now);
  updateCoverage(now);
  if (publisher_) publishNodeStatus(now);
  auto list = [](const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
    return out.empty() ? std::string("none") : out;
  };
  return fmt::format("{} camera(s) running; added: {}; restarted: {}; removed: {}; zones retuned in place: {}{}",
                     workers_.size(), list(added), list(restarted), list(removed), list(retuned),
                     later.empty() ? "" : "; applies at the next restart: " + list(later));
}

void Node::start() {
  uptime_.load();
  coverage_history_.load();
  loadOpenAlerts();
  started_at_ = clock_.wall();
  last_tick_ = started_at_;
  event_loop_beat_ = clock_.steady().time_since_epoch().count();
  next_summary_ = clock_.steady() + kSummaryPeriod;
  next_status_ = clock_.steady();
  if (publisher_) {
    clearRemovedCameras(started_at_);
    for (const auto& w : workers_) {
      try {
        if (auto shot = snapshots_.latest(w->camera().id)) publishSnapshot(*shot);
      } catch (const std::exception& e) {
        log_->warn("camera {}: cannot read its last snapshot: {}", w->camera().id, e.what());
      }
    }
    publisher_->start();
  }
  for (auto& w : workers_) w->start();
  thread_ = std::thread([this] { run(); });
  started_ = true;
  log_->info("node {} started with {} camera(s); state in {}{}", config_.node.id, workers_.size(),
             config_.state_dir.string(),
             publisher_ ? fmt::format("; MQTT prefix {}", config_.mqtt.topic_prefix) : std::string("; MQTT off"));
}

void Node::onCameraChanged(const health::CameraHealth& health) { post(health); }

void Node::post(Change change) {
  {
    std::lock_guard lock(mutex_);
    changes_.push_back(std::move(change));
  }
  changed_.notify_one();
}

void Node::run() {
  SteadyTime next_tick = clock_.steady() + kTickPeriod;
  while (true) {
    event_loop_beat_ = clock_.steady().time_since_epoch().count();
    std::deque<Change> changes;
    bool stopping = false;
    {
      std::unique_lock lock(mutex_);
      changed_.wait_until(lock, next_tick, [this] { return stopping_ || !changes_.empty(); });
      changes.swap(changes_);
      stopping = stopping_;
    }
    const WallTime now = clock_.wall();
    for (const auto& c : changes) {
      if (const auto* h = std::get_if<health::CameraHealth>(&c)) {
        handleChange(*h, now);
      } else if (const auto* d = std::get_if<DetectionNote>(&c)) {
        handleDetection(*d, now);
      } else {
        (*std::get<ReloadTask>(c).task)();
      }
    }
    if (clock_.steady() >= next_tick || stopping) {
      next_tick = clock_.steady() + kTickPeriod;
      tick(now);
    }
    if (stopping) return;
  }
}

void Node::handleChange(const health::CameraHealth& h, WallTime now) {
  if (h.state != health::CameraState::Connecting) {  // not yet known: neither opens nor ends an alert
    raise(alerts_.set(events::cameraSubject(h.id),
                      events::cameraHealthAlert({h.id, h.name, h.state, h.failure, h.reason}), now));
  }
  updateView(h, now);
  updateCoverage(now);
  if (publisher_) {
    publishCameraStatus(h, now);
    publishNodeStatus(now);
  }
}

void Node::updateView(const health::CameraHealth& h, WallTime now) {
  const auto it = views_.find(h.id);
  if (it == views_.end()) return;
  const ViewState view = it->second->state();
  std::vector<std::string> issues;
  for (auto i : view.raised) issues.push_back(analysis::toString(i));
  auto wanted = events::viewTamperedAlert(h.id, h.name, issues);
  std::optional<contract::Snapshot> shot;
  if (wanted && view.snapshot && !alerts_.open(events::viewSubject(h.id))) {
    shot = contract::Snapshot{view.snapshot->id, h.id, view.snapshot->taken_at, "view_tampered",
                          view.snapshot->width, view.snapshot->height, view.snapshot->jpeg};
    wanted->snapshot = events::SnapshotRef{shot->id, contract::topics::cameraSnapshot(config_.mqtt.topic_prefix, h.id),
                                           shot->taken_at};
  }
  const auto alerts = alerts_.set(events::viewSubject(h.id), std::move(wanted), now);
  if (shot && !alerts.empty()) keepSnapshot(*shot);
  raise(alerts);
}

void Node::keepSnapshot(const contract::Snapshot& shot) {
  try {
    snapshots_.save(shot);
  } catch (const std::exception& e) {
    log_->error("camera {}: cannot keep the snapshot on disk: {}", shot.camera_id, e.what());
  }
  if (publisher_) publishSnapshot(shot);
}

void Node::handleDetection(const DetectionNote& note, WallTime now) {
  const auto& e = note.event;
  const auto subject = events::zoneSubject(note.camera_id, e.zone_id);
  std::vector<events::ObjectBox> objects;
  for (const auto& o : e.objects) objects.push_back({o.box.x, o.box.y, o.box.width, o.box.height});
  switch (e.phase) {
    case analysis::ZonePhase::Start: {
      events::Alert wanted;
      wanted.type = e.kind == config::ZoneKind::Motion ? events::AlertType::Motion : events::AlertType::Intrusion;
      wanted.camera_id = note.camera_id;
      wanted.camera_name = note.camera_name;
      wanted.zone_id = e.zone_id;
      wanted.zone_name = e.zone_name;
      wanted.objects = objects;
      wanted.person = e.person;
      wanted.suppressed = e.suppressed;
      wanted.reason_code = e.kind == config::ZoneKind::Motion ? "motion" : (e.person ? "person" : "object");
      wanted.detail = fmt::format("{} object(s) in zone {}", objects.size(), e.zone_id);
      std::optional<contract::Snapshot> shot;
      if (e.snapshot) {
        shot = contract::Snapshot{e.snapshot->id, note.camera_id, e.snapshot->taken_at, events::toString(wanted.type),
                              e.snapshot->width, e.snapshot->height, e.snapshot->jpeg};
        wanted.snapshot = events::SnapshotRef{
            shot->id, contract::topics::cameraSnapshot(config_.mqtt.topic_prefix, note.camera_id), shot->taken_at};
      }
      const auto alerts = alerts_.set(subject, std::move(wanted), now);
      if (shot && !alerts.empty()) keepSnapshot(*shot);
      raise(alerts);
      break;
    }
    case analysis::ZonePhase::Update:
      raise(alerts_.update(subject, [&](events::Alert& a) { a.objects = objects; }, now));
      break;
    case analysis::ZonePhase::End:
      raise(alerts_.end(subject, now));
      break;
  }
}

void Node::updateCoverage(WallTime now) {
  std::map<std::string, health::CameraFacts> facts;
  for (const auto& c : config_.cameras) facts[c.id] = {c.id, c.name, false, health::CameraState::Offline, "", false, {}};
  for (const auto& w : workers_) {
    const auto h = w->health();
    auto& f = facts[h.id];
    f.enabled = true;
    f.state = h.state;
    f.reason = h.reason;
    if (const auto it = views_.find(h.id); it != views_.end()) {
      const auto view = it->second->state();
      f.has_baseline = view.has_baseline;
      for (auto i : view.raised) f.view_issues.push_back(analysis::toString(i));
    }
  }
  auto report = health::assessCoverage(config_.areas, facts);
  for (const auto& area : report.areas) {
    if (area.state == health::AreaState::Unknown) continue;  // no opinion yet: leave its alert as it is
    raise(alerts_.set(events::areaSubject(area.id), events::coverageAlert(area), now));
  }
  {
    std::lock_guard lock(coverage_mutex_);
    coverage_ = std::move(report);
  }
  if (publisher_) publishCoverage(now);
}

// Published on every camera change (state or view), and with the statuses
// every status_interval (the minutes move on).
void Node::publishCoverage(WallTime now) {
  contract::CoverageSummary summary;
  summary.node_id = config_.node.id;
  summary.now = now;
  {
    std::lock_guard lock(coverage_mutex_);
    summary.report = coverage_;
  }
  const auto today = std::chrono::duration_cast<std::chrono::seconds>(now - startOfLocalDay(now));
  for (const auto& area : config_.areas) {
    contract::UncoveredMinutes m{coverage_history_.window(area.id, today).down_s / 60.0,
                             coverage_history_.stats(area.id).last_7d.down_s / 60.0};
    summary.uncovered[area.id] = m;
    summary.uncovered_total.today += m.today;
    summary.uncovered_total.last_7d += m.last_7d;
  }
  publisher_->setRetained(contract::topics::coverage(config_.mqtt.topic_prefix), contract::coverageJson(summary).dump());
}

void Node::publishSnapshot(const contract::Snapshot& shot) {
  publisher_->setRetained(contract::topics::cameraSnapshot(config_.mqtt.topic_prefix, shot.camera_id),
                          contract::snapshotJson(shot, config_.node.id).dump());
}

void Node::raise(const std::vector<events::Alert>& alerts) {
  if (alerts.empty()) return;
  for (const auto& a : alerts) {
    log_->info("alert {} {} {}: {}", events::toString(a.phase), events::toString(a.type), a.camera_id, a.message);
    if (outbox_) outbox_->push(contract::alertJson(a, config_.node.id, config_.alerts.language).dump());
  }
  saveOpenAlerts();
  if (publisher_) publisher_->wake();
}

void Node::tick(WallTime now) {
  std::vector<health::CameraHealth> healths;
  for (const auto& w : workers_) {
    healths.push_back(w->health());
    uptime_.account(healths.back().id, last_tick_, now, presenceOf(healths.back().state));
  }
  {
    std::lock_guard lock(coverage_mutex_);
    for (const auto& area : coverage_.areas) {
      const auto presence = area.state == health::AreaState::Covered     ? health::Presence::Up
                            : area.state == health::AreaState::Uncovered ? health::Presence::Down
                                                                         : health::Presence::Unknown;
      coverage_history_.account(area.id, last_tick_, now, presence);
    }
  }
  last_tick_ = now;
  uptime_.flush();
  coverage_history_.flush();
  if (publisher_ && clock_.steady() >= next_status_) {
    next_status_ = clock_.steady() + std::chrono::duration_cast<Duration>(config_.mqtt.status_interval);
    for (const auto& h : healths) publishCameraStatus(h, now);
    publishNodeStatus(now);
    publishCoverage(now);
  }
  if (clock_.steady() >= next_summary_) {
    next_summary_ = clock_.steady() + kSummaryPeriod;
    logSummary(healths, now);
  }
}

void Node::publishCameraStatus(const health::CameraHealth& h, WallTime now) {
  std::optional<contract::DetectionReport> detection;
  if (const auto it = detectors_.find(h.id); it != detectors_.end()) {
    const auto s = it->second->stats();
    detection = contract::DetectionReport{s.frames, s.events, s.suppressed, s.global_changes};
  }
  publisher_->setRetained(
      contract::topics::cameraStatus(config_.mqtt.topic_prefix, h.id),
      contract::cameraStatusJson(h, uptime_.stats(h.id), viewReport(h.id), config_.node.id, now, detection).dump());
}

contract::ViewReport Node::viewReport(const std::string& camera) const {
  contract::ViewReport r;
  const auto it = views_.find(camera);
  if (it == views_.end()) return r;
  const ViewState s = it->second->state();
  r.state = viewStateName(s);
  for (auto i : s.raised) r.issues.push_back(analysis::toString(i));
  r.baseline_at = s.baseline_taken_at;
  return r;
}

void Node::publishNodeStatus(WallTime now) {
  std::vector<health::CameraHealth> healths;
  for (const auto& w : workers_) healths.push_back(w->health());
  contract::NodeStatus s;
  s.node_id = config_.node.id;
  s.region = config_.node.region;
  s.village = config_.node.village;
  s.version = VILLAGECAM_VERSION;
  s.started_at = started_at_;
  s.now = now;
  s.cameras_by_state = contract::countByState(healths);
  s.cameras_disabled = static_cast<int>(config_.cameras.size() - workers_.size());
  s.outbox_depth = outbox_->depth();
  s.outbox_bytes = outbox_->bytes();
  s.outbox_dropped = outbox_->dropped();
  {
    std::lock_guard lock(coverage_mutex_);
    s.coverage_ratio = coverage_.ratio();
    s.areas_total = static_cast<int>(coverage_.areas.size());
    s.areas_covered = coverage_.count(health::AreaState::Covered);
  }
  publisher_->setRetained(contract::topics::status(config_.mqtt.topic_prefix), contract::nodeStatusJson(s).dump());
}

void Node::loadOpenAlerts() {
  const auto file = config_.state_dir / "open_alerts.json";
  try {
    const auto text = readFileIfExists(file);
    if (!text) return;
    std::vector<events::Alert> open;
    for (const auto& j : nlohmann::json::parse(*text)) open.push_back(contract::alertFromJson(j));
    alerts_.restore(open);
    // An alert whose camera or area left the config ends now.
    std::set<std::string> subjects;
    for (const auto& w : workers_) {
      subjects.insert(events::cameraSubject(w->camera().id));
      subjects.insert(events::viewSubject(w->camera().id));
    }
    for (const auto& area : config_.areas) subjects.insert(events::areaSubject(area.id));
    for (const auto& c : config_.cameras) {
      if (!detectors_.count(c.id)) continue;
      for (const auto& z : c.detection.zones) subjects.insert(events::zoneSubject(c.id, z.id));
    }
    size_t kept = 0;
    for (const auto& a : open) {
      const auto subject = events::subjectOf(a);
      if (!subjects.count(subject)) {
        raise(alerts_.end(subject, clock_.wall()));
        continue;
      }
      ++kept;
    }
    // A view that was tampered before the restart stays so until seen clean
    // for clear_after (no false "restored" while the camera reconnects); an
    // event in a zone goes on until the zone has been clear for its clear time.
    for (const auto& w : workers_) restoreFromOpenAlerts(w->camera().id);
    if (kept) log_->info("{} alert(s) still open from before the restart", kept);
  } catch (const std::exception& e) {
    log_->error("{}: {}; open alerts from before the restart are lost", file.string(), e.what());
  }
}

void Node::saveOpenAlerts() {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : alerts_.openAlerts()) list.push_back(contract::alertJson(a, config_.node.id, config_.alerts.language));
  try {
    writeFileAtomically(config_.state_dir / "open_alerts.json", list.dump());
  } catch (const std::exception& e) {
    log_->error("cannot save open alerts: {}", e.what());
  }
}

// Cameras that had retained topics last time but are no longer configured get
// them cleared, so the county does not see a camera that is gone.
void Node::clearRemovedCameras(WallTime) {
  const auto file = config_.state_dir / "published_cameras.json";
  std::set<std::string> before;
  try {
    if (auto text = readFileIfExists(file)) before = nlohmann::json::parse(*text).get<std::set<std::string>>();
  } catch (const std::exception& e) {
    log_->warn("{}: {}", file.string(), e.what());
  }
  std::set<std::string> now;
  for (const auto& w : workers_) now.insert(w->camera().id);
  for (const auto& id : before) {
    if (now.count(id)) continue;
    publisher_->clearRetained(contract::topics::cameraStatus(config_.mqtt.topic_prefix, id));
    publisher_->clearRetained(contract::topics::cameraSnapshot(config_.mqtt.topic_prefix, id));
    log_->info("camera {} left the config: clearing its retained topics", id);
  }
  try {
    writeFileAtomically(file, nlohmann::json(now).dump());
  } catch (const std::exception& e) {
    log_->error("cannot save {}: {}", file.string(), e.what());
  }
}

void Node::stop() {
  if (!started_) return;
  started_ = false;
  // Tear the cameras down side by side: a camera stuck in a slow teardown
  // must not add its time to every other camera's.
  std::vector<std::thread> stoppers;
  for (auto& w : workers_) stoppers.emplace_back([&w] { w->stop(); });
  for (auto& t : stoppers) t.join();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_one();
  if (thread_.joinable()) thread_.join();  // its last round accounts uptime to now
  uptime_.flush(/*force=*/true);
  coverage_history_.flush(/*force=*/true);
  if (publisher_) publisher_->stop(std::chrono::seconds(1));
  log_->info("node stopped");
}

service::NodeReport Node::report() const {
  service::NodeReport m;
  m.node_id = config_.node.id;
  m.version = VILLAGECAM_VERSION;
  m.started_at = started_at_;
  {
    std::lock_guard lock(cameras_mutex_);
    for (const auto& w : workers_) {
      auto health = w->health();
      const auto id = health.id;
      std::optional<contract::DetectionReport> detection;
      if (const auto it = detectors_.find(id); it != detectors_.end()) {
        const auto st = it->second->stats();
        detection = contract::DetectionReport{st.frames, st.events, st.suppressed, st.global_changes};
      }
      m.cameras.push_back({std::move(health), uptime_.stats(id), viewReport(id), detection});
    }
  }
  m.coverage = coverage();
  m.mqtt_enabled = publisher_ != nullptr;
  if (publisher_) {
    const auto st = publisher_->stats();
    m.mqtt_connected = st.connected;
    m.alerts_sent = st.alerts_sent;
    m.outbox_depth = outbox_->depth();
    m.outbox_dropped = outbox_->dropped();
  }
  return m;
}

std::vector<service::Heartbeat> Node::heartbeats() const {
  std::vector<service::Heartbeat> out{{"event loop", SteadyTime(Duration(event_loop_beat_.load()))}};
  std::lock_guard lock(cameras_mutex_);
  for (const auto& w : workers_) out.push_back({"camera " + w->camera().id, w->lastLoop()});
  return out;
}

std::string Node::summary() const {
  int online = 0, total = 0;
  {
    std::lock_guard lock(cameras_mutex_);
    for (const auto& w : workers_) {
      ++total;
      online += w->health().state == health::CameraState::Online;
    }
  }
  std::string out = fmt::format("{}/{} cameras online", online, total);
  const auto report = coverage();
  if (!report.areas.empty()) {
    const auto ratio = report.ratio();
    out += fmt::format("; {}/{} areas covered ({})", report.count(health::AreaState::Covered), report.areas.size(),
                       ratio ? fmt::format("{:.0f}%", *ratio * 100) : std::string("not known yet"));
  }
  if (outbox_) out += fmt::format("; {} alert(s) waiting for the broker", outbox_->depth());
  return out;
}

health::CoverageReport Node::coverage() const {
  std::lock_guard lock(coverage_mutex_);
  return coverage_;
}

void Node::logSummary(const std::vector<health::CameraHealth>& healths, WallTime now) const {
  size_t online = 0;
  std::string trouble;
  for (const auto& h : healths) {
    if (h.state == health::CameraState::Online) {
      ++online;
      continue;
    }
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(now - h.since).count();
    trouble += fmt::format("; {} {} for {} min ({})", h.id, health::toString(h.state), minutes, h.reason);
  }
  if (trouble.empty()) {
    log_->info("all {} camera(s) online", healths.size());
  } else {
    log_->warn("{} of {} camera(s) online{}", online, healths.size(), trouble);
  }
}

}  // namespace villagecam::app
