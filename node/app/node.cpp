#include "app/node.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "app/node_summary.hpp"
#include "app/reload_plan.hpp"
#include "contract/commands.hpp"
#include "contract/readers.hpp"
#include "contract/topics.hpp"
#include "events/code_words.hpp"
#include "util/atomic_file.hpp"
#include "util/duration.hpp"
#include "util/kernel_clock.hpp"
#include "util/log_text.hpp"
#include "util/logging.hpp"
#include "util/time_format.hpp"

#ifndef VILLAGECAM_VERSION
#define VILLAGECAM_VERSION "0.0.0"
#endif

namespace villagecam::app {

Node::Node(config::Config config, const Clock& clock)
    : config_(std::move(config)),
      clock_(clock),
      log_(logger("node")),
      uptime_(config_.state_dir, clock),
      coverage_(config_.state_dir, clock, toDuration(config_.uptime_flush_interval)),
      unit_options_{{config_.view_quality, config_.snapshots.jpeg_quality}, config_.snapshots.jpeg_quality},
      views_([this](const std::string& id) { return fanout(id); }, clock) {
  prepareWritableDir(config_.state_dir, "state_dir");
  if (config_.clips.enabled) recorder_ = std::make_unique<record::Recorder>(config_.clips, config_.state_dir / "clips");
  uptime_.setFlushInterval(toDuration(config_.uptime_flush_interval));
  const auto tmpl = CameraUnit::loadTemplate(config_.ingest);
  views_.configure(config_.cameras, config_.ingest, tmpl, toDuration(config_.restream.view_linger));
  for (const auto& camera : config_.cameras) {
    if (!camera.enabled) {
      log_->info("camera {} is disabled in the config", camera.id);
      continue;
    }
    addCamera(camera, CameraUnit::render(tmpl, camera, config_.ingest));
  }
  if (config_.mqtt.enabled) {
    outbox_ = std::make_shared<mqtt::Outbox>(
        config_.state_dir / "outbox", mqtt::Outbox::Limits{config_.mqtt.outbox_max_alerts, config_.mqtt.outbox_max_bytes});
    publisher_ = std::make_unique<mqtt::Publisher>(config_.mqtt, outbox_);
    reporter_ = std::make_unique<StatusReporter>(*publisher_, config_.mqtt.topic_prefix, config_.node.id,
                                                 config_.state_dir / "published_cameras.json");
    if (config_.county_link.enabled()) {
      pusher_ = std::make_unique<relay::CountyPusher>(
          config_.county_link, config_.node.id,
          [this](const std::string& camera, std::uint64_t push, const std::string& code, const std::string& detail) {
            messages_.post(PushEnded{camera, push, code, detail});
          });
      pusher_->onUploaded([this](const std::string& clip, bool ok, const std::string& detail) {
        messages_.post(ClipUploaded{clip, ok, detail});
      });
    }
    // The county's commands: handed to the event thread as they come.
    publisher_->setInbox({contract::topics::commands(config_.mqtt.topic_prefix)}, contract::maxPayloadBytes("command"),
                         [this](const std::string&, const std::string& payload) {
                           messages_.post(CommandArrived{payload});
                         });
  }
  alerts_ = std::make_unique<AlertDesk>(config_, outbox_, publisher_.get(), reporter_.get(), recorder_.get());
}

Node::~Node() { stop(); }

void Node::addCamera(const config::CameraConfig& camera, ingest::RenderedPipeline rendered) {
  auto unit = std::make_unique<CameraUnit>(camera, config_.ingest, std::move(rendered),
                                           loadBaselinesFor(camera, config_.state_dir / "baselines"), unit_options_,
                                           clock_, [this](CameraMessage m) { messages_.post(std::move(m)); });
  // A camera's monitors start from what its open alerts say (after a restart
  // of the node or of the camera's stream).
  if (alerts_) unit->restore(alerts_->openAlerts(), clock_.steady());
  const auto stream = fanoutFor(camera.id);
  unit->relayTo(stream);
  if (recorder_) recorder_->watch(camera.id, stream);
  Camera entry{nullptr, unit->initialView()};
  entry.unit = std::move(unit);
  std::lock_guard lock(cameras_mutex_);
  cameras_.push_back(std::move(entry));
}

void Node::removeCamera(const std::string& id) {
  const auto it = std::find_if(cameras_.begin(), cameras_.end(), [&](const auto& c) { return c.unit->id() == id; });
  if (it == cameras_.end()) return;
  it->unit->stop();  // outside the lock: a slow teardown must not block readers
  std::lock_guard lock(cameras_mutex_);
  cameras_.erase(it);
}

std::shared_ptr<ingest::EncodedFanout> Node::fanoutFor(const std::string& id) {
  std::lock_guard lock(fanouts_mutex_);
  auto& f = fanouts_[id];
  if (!f) f = std::make_shared<ingest::EncodedFanout>(id);
  return f;
}

std::shared_ptr<ingest::EncodedFanout> Node::fanout(const std::string& id) const {
  std::lock_guard lock(fanouts_mutex_);
  const auto it = fanouts_.find(id);
  return it == fanouts_.end() ? nullptr : it->second;
}

void Node::closeFanout(const std::string& id) {
  std::shared_ptr<ingest::EncodedFanout> gone;
  {
    std::lock_guard lock(fanouts_mutex_);
    const auto it = fanouts_.find(id);
    if (it == fanouts_.end()) return;
    gone = std::move(it->second);
    fanouts_.erase(it);
  }
  if (recorder_) recorder_->unwatch(id);
  gone->close();
}

std::vector<std::string> Node::cameraIds() const {
  std::lock_guard lock(cameras_mutex_);
  std::vector<std::string> ids;
  for (const auto& c : cameras_) ids.push_back(c.unit->id());
  return ids;
}

void Node::startRestream() {
  if (!config_.restream.enabled) return;
  restream_ = std::make_unique<relay::RestreamServer>(config_.restream, views_);
  try {
    const int port = restream_->start(cameraIds());
    log_->info("re-serving cameras on rtsp://{}:{}/<camera-id>{}", config_.restream.host, port,
               config_.restream.viewers.empty() ? " (no viewer accounts: anyone on this box may watch)"
                                                : fmt::format(" ({} viewer account(s), digest)",
                                                              config_.restream.viewers.size()));
  } catch (const std::exception& e) {
    log_->error("{}; running without re-serving", e.what());
    restream_.reset();
  }
}

Node::Camera* Node::find(const std::string& id) {
  for (auto& c : cameras_) {
    if (c.unit->id() == id) return &c;
  }
  return nullptr;
}

std::string Node::reload(config::Config next) {
  auto task = std::make_shared<std::packaged_task<std::string()>>(
      [this, next = std::move(next)]() mutable { return applyReload(std::move(next)); });
  auto result = task->get_future();
  if (started_) {
    messages_.post(ReloadTask{task});
  } else {
    (*task)();  // no event thread yet
  }
  return result.get();  // rethrows what applyReload threw
}

// On the event thread. Everything that can fail (templates) is done before
// anything changes, so a rejected reload leaves the node as it was.
std::string Node::applyReload(config::Config next) {
  const WallTime now = clock_.wall();
  const auto tmpl = CameraUnit::loadTemplate(next.ingest);
  std::map<std::string, ingest::RenderedPipeline> rendered;
  StreamKeys wanted, running;
  for (const auto& c : next.cameras) {
    if (!c.enabled) continue;
    rendered[c.id] = CameraUnit::render(tmpl, c, next.ingest);
    if (c.view_url) ingest::forRelay(rendered[c.id]);  // throws now, before anything changed, if it cannot
    wanted[c.id] = CameraUnit::streamKey(c, rendered[c.id], next.ingest);
  }
  for (const auto& c : cameras_) running[c.unit->id()] = c.unit->streamKey();
  const ReloadPlan plan = planReload(config_, next, running, wanted);
  for (const auto& part : plan.at_restart) {
    log_->warn("reload: '{}' changed; that part applies at the next restart", part);
  }

  for (const auto& id : plan.remove) {
    removeCamera(id);
    closeFanout(id);
    alerts_->endAllOf(id, now);
  }
  for (const auto& id : plan.retune) {
    const auto& c = *std::find_if(next.cameras.begin(), next.cameras.end(), [&](const auto& x) { return x.id == id; });
    find(id)->unit->retune(c.detection);
  }
  for (const auto& [id, zones] : plan.zones_gone) {
    for (const auto& zone : zones) alerts_->end(events::zoneSubject(id, zone), now);
  }
  config_.ingest = next.ingest;
  for (const auto& c : next.cameras) {
    const bool restart = std::count(plan.restart.begin(), plan.restart.end(), c.id) > 0;
    const bool add = std::count(plan.add.begin(), plan.add.end(), c.id) > 0;
    if (!restart && !add) continue;
    if (restart) removeCamera(c.id);
    addCamera(c, rendered[c.id]);
    cameras_.back().unit->start();
  }
  // The node's view of the config: cameras and areas are the new ones.
  config_.cameras = next.cameras;
  config_.areas = next.areas;
  for (const auto& c : next.cameras) {
    if (!c.enabled) closeFanout(c.id);
  }
  views_.configure(next.cameras, next.ingest, tmpl, toDuration(config_.restream.view_linger));
  if (restream_) restream_->setCameras(cameraIds());
  for (const auto& area : plan.areas_gone) alerts_->end(events::areaSubject(area), now);
  if (plan.log_level_changed) {
    setLogLevel(next.logging.level);
    config_.logging = next.logging;
  }
  if (reporter_) clearRemovedCameras();
  updateCoverage(now);
  if (reporter_) publishNode(now);
  return plan.summary(cameras_.size());
}

void Node::start() {
  uptime_.load();
  coverage_.load();
  loadOpenAlerts();
  started_at_ = clock_.wall();
  wall_watch_.advance(clock_.steady(), started_at_);
  noteClockSync();
  event_loop_beat_ = clock_.steady().time_since_epoch().count();
  next_summary_ = clock_.steady() + kSummaryPeriod;
  next_status_ = clock_.steady();
  if (reporter_) {
    clearRemovedCameras();
    std::vector<std::string> ids;
    for (const auto& c : cameras_) ids.push_back(c.unit->id());
    alerts_->republishSnapshots(ids);
    publisher_->start();
  }
  for (auto& c : cameras_) c.unit->start();
  thread_ = std::thread([this] { run(); });
  started_ = true;
  startRestream();
  log_->info("node {} started with {} camera(s); state in {}{}", config_.node.id, cameras_.size(),
             config_.state_dir.string(),
             publisher_ ? fmt::format("; MQTT prefix {}", config_.mqtt.topic_prefix) : std::string("; MQTT off"));
}

void Node::run() {
  SteadyTime next_tick = clock_.steady() + kTickPeriod;
  while (true) {
    event_loop_beat_ = clock_.steady().time_since_epoch().count();
    auto [messages, stopping] = messages_.waitUntil(next_tick);
    const WallTime now = clock_.wall();
    const SteadyTime steady_now = clock_.steady();  // read with the wall clock: a slow round is no step
    for (const auto& m : messages) {
      if (const auto* task = std::get_if<ReloadTask>(&m)) {
        (*task->task)();
        continue;
      }
      if (const auto* command = std::get_if<CommandArrived>(&m)) {
        handle(*command, now, steady_now);
        continue;
      }
      if (const auto* ended = std::get_if<PushEnded>(&m)) {
        handle(*ended, now);
        continue;
      }
      if (const auto* uploaded = std::get_if<ClipUploaded>(&m)) {
        handle(*uploaded, now);
        continue;
      }
      std::visit([&](const auto& cm) { handle(cm, now); }, std::get<CameraMessage>(m));
    }
    if (clock_.steady() >= next_tick || stopping) {
      next_tick = clock_.steady() + kTickPeriod;
      tick(now, steady_now);
    }
    if (stopping) return;
  }
}

void Node::handle(const HealthChanged& m, WallTime now) {
  const auto& h = m.health;
  const Camera* camera = find(h.id);
  if (!camera) return;  // a camera removed by a reload since it posted
  alerts_->camera(h, camera->view, now);
  updateCoverage(now);
  if (reporter_) {
    publishCamera(h, now);
    publishNode(now);
  }
}

void Node::handle(const ViewChanged& m, WallTime now) {
  Camera* camera = find(m.camera_id);
  if (!camera) return;
  {
    std::lock_guard lock(cameras_mutex_);
    camera->view = m.view;
  }
  std::string issues;
  for (auto i : m.view.raised) issues += std::string(issues.empty() ? "" : ", ") + analysis::toString(i);
  if (m.view.raised.empty()) {
    cameraLogger(m.camera_id)->info("view ok again");
  } else {
    cameraLogger(m.camera_id)->warn("view tampered: {}", issues);
  }
  handle(HealthChanged{camera->unit->health()}, now);
}

void Node::handle(const ZoneEventNote& m, WallTime now) {
  if (find(m.camera_id)) alerts_->zone(m, now);
}

void Node::handle(const BaselineRefreshed& m, WallTime) {
  const auto log = cameraLogger(m.camera_id);
  try {
    analysis::saveBaseline(config_.state_dir / "baselines",
                           m.night ? nightBaselineName(m.camera_id) : refreshedBaselineName(m.camera_id), m.baseline);
    log->info("{} from {} clean views", m.night ? "infrared (night) view baseline learned" : "view baseline refreshed",
              m.baseline.frames);
  } catch (const std::exception& e) {
    log->error("cannot save the refreshed baseline: {}", e.what());
  }
}

// On every camera change, published; on every tick, published only if it
// changed (a view's check passing, or none for three check intervals, is no
// message).
bool Node::updateCoverage(WallTime now, bool publish_always) {
  std::vector<CameraSight> running;
  for (const auto& c : cameras_) running.push_back({c.unit->health(), &c.view, c.unit->lastViewPass()});
  const bool changed = coverage_.assess(config_.areas, cameraFacts(config_.cameras, running, clock_.steady()), *alerts_, now);
  if (reporter_ && (changed || publish_always)) publishCoverage(now);
  return changed;
}

// What the kernel says of the wall clock decides whether minutes are booked:
// while it is not synchronised, the minute a second falls in may be wrong by
// hours, so history is left unknown (unless the config trusts the clock).
void Node::noteClockSync() {
  clock_report_.synchronised = kernelClockSynchronised();
  const bool booking = clock_report_.synchronised != false || config_.node.trust_unsynchronised_clock;
  if (booking == clock_report_.booking && started_logged_) return;
  if (!started_logged_ && !clock_report_.synchronised) {
    log_->warn("cannot ask the kernel whether the wall clock is synchronised (adjtimex refused): booking history "
               "by the monotonic clock, steps are still logged and left unknown");
  }
  if (!booking) {
    log_->warn("the kernel says the wall clock is not synchronised (no NTP yet?): the node works on, and uptime "
               "and coverage minutes are left unknown until it is (node.trust_unsynchronised_clock: true books "
               "them anyway)");
  } else if (started_logged_) {
    log_->info("the wall clock is synchronised: uptime and coverage minutes are booked again");
  } else if (clock_report_.synchronised == false) {
    log_->warn("the kernel says the wall clock is not synchronised; booking history anyway "
               "(node.trust_unsynchronised_clock)");
  }
  clock_report_.booking = booking;
  started_logged_ = true;
}

// A command of the county (docs/mqtt.md, Commands): decided by LiveRequests,
// carried out by the pusher, answered on the replies topic. Clips are not
// uploaded yet: clip_upload is refused as having no link for it.
void Node::handle(const CommandArrived& m, WallTime now, SteadyTime steady_now) {
  contract::Command command;
  try {
    command = contract::readCommand(contract::parsePayload(m.payload, "command"));
  } catch (const std::exception& e) {
    // No id to answer to: logged (the first few, then one in a hundred).
    if (++bad_commands_ <= 5 || bad_commands_ % 100 == 0) {
      log_->warn("a command that cannot be read was ignored ({} so far): {}", bad_commands_, forLog(e.what(), 300));
    }
    return;
  }
  if (command.kind == contract::CommandKind::ClipUpload) {
    uploadClip(command, now);
    return;
  }
  LiveCameraFacts facts;
  if (const Camera* camera = find(command.camera_id)) {
    const auto h = camera->unit->health();
    facts = {true, h.state == health::CameraState::Online, h.codec, h.bitrate_kbps};
  }
  const LiveLimits limits{pusher_ != nullptr, static_cast<double>(config_.county_link.max_bitrate_kbps)};
  auto d = live_.decide(command, config_.node.id, facts, limits, steady_now, now);
  if (d.start) {
    std::string why;
    if (!pusher_->start(d.camera, fanout(d.camera), why)) {
      live_.ended(d.camera);
      d.status = contract::ReplyStatus::Failed;
      d.code = "push_failed";
      log_->warn("cannot push {} to the county: {}", d.camera, why);
    }
  }
  if (d.stop) pusher_->stop(d.camera);
  // A renewal of a running push (every 10 s while someone watches) is routine: debug only.
  const bool renewal = d.status == contract::ReplyStatus::Accepted && !d.start && !d.stop;
  log_->log(renewal ? spdlog::level::debug : spdlog::level::info, "county command {} {} for camera {}: {}{}",
            forLog(command.id, 80), contract::toString(command.kind), forLog(command.camera_id, 80),
            contract::toString(d.status), d.code.empty() ? "" : " (" + d.code + ")");
  reply(command.id, command.kind, command.camera_id, command.alert_id, d.status, d.code, now);
}

// clip_upload: the alert's clip, if the node has it whole, goes to the
// county the way live video does; one still being written is asked for
// again (clip_recording); one the node no longer has is gone (clip_gone).
void Node::uploadClip(const contract::Command& command, WallTime now) {
  auto refuse = [&](const char* code) {
    reply(command.id, command.kind, "", command.alert_id, contract::ReplyStatus::Refused, code, now);
  };
  if (command.node_id != config_.node.id) return refuse("not_for_this_node");
  if (now > command.expires_at) return refuse("expired");
  if (!pusher_) return refuse("no_county_link");
  const auto clip = recorder_ ? recorder_->find(command.alert_id) : std::nullopt;
  if (!clip) return refuse(recorder_ && recorder_->planOf(command.alert_id) ? "clip_recording" : "clip_gone");
  if (const auto it = uploading_.find(command.alert_id); it != uploading_.end()) {
    // Asked again while on its way: the county gave up on that one (and
    // opened a fresh path); it starts over, and answers the new command.
    pusher_->finishUpload(command.alert_id);
    uploading_.erase(it);
  }
  std::string why;
  // Pushed as fast as the link takes it: a clip's length twice over, and
  // some, is plenty; past that the county is told it failed (and may ask again).
  const auto length = std::chrono::duration_cast<Duration>(clip->end - clip->start);
  if (!pusher_->upload(command.alert_id, recorder_->mp4For(command.alert_id), 2 * length + std::chrono::seconds(10), why)) {
    if (why == "busy") return refuse("busy");
    log_->warn("cannot upload clip {} to the county: {}", command.alert_id, why);
    reply(command.id, command.kind, "", command.alert_id, contract::ReplyStatus::Failed, "push_failed", now);
    return;
  }
  uploading_[command.alert_id] = command.id;
  reply(command.id, command.kind, "", command.alert_id, contract::ReplyStatus::Accepted, "", now);
}

void Node::handle(const ClipUploaded& m, WallTime now) {
  const auto it = uploading_.find(m.clip);
  if (pusher_) pusher_->finishUpload(m.clip);
  if (it == uploading_.end()) return;
  const auto command = it->second;
  uploading_.erase(it);
  if (m.ok) {
    log_->info("clip {} uploaded to the county", m.clip);
  } else {
    log_->warn("clip {} could not be uploaded to the county: {}", m.clip, forLog(m.detail, 200));
  }
  reply(command, contract::CommandKind::ClipUpload, "", m.clip, m.ok ? contract::ReplyStatus::Done : contract::ReplyStatus::Failed,
        m.ok ? "" : "link_lost", now);
}

void Node::handle(const PushEnded& m, WallTime now) {
  if (!pusher_ || pusher_->current(m.camera) != m.push) return;  // an older push's news: this one goes on
  const auto ended = live_.ended(m.camera);
  if (pusher_) pusher_->stop(m.camera);
  if (ended) {
    reply(ended->push_command, contract::CommandKind::LiveStart, m.camera, "", contract::ReplyStatus::Ended, m.code, now);
  }
}

void Node::reply(const std::string& answering, contract::CommandKind kind, const std::string& camera,
                 const std::string& alert, contract::ReplyStatus status, const std::string& code, WallTime now) {
  if (!publisher_) return;
  contract::CommandReply r;
  r.command_id = answering;
  r.node_id = config_.node.id;
  r.kind = kind;
  r.camera_id = camera;
  r.alert_id = alert;
  r.status = status;
  r.code = code;
  r.message = events::codeWordsOr(events::CodeKind::ReplyCode, code.empty() ? contract::toString(status) : code,
                                  config_.alerts.language);
  r.at = now;
  publisher_->send({contract::topics::replies(config_.mqtt.topic_prefix),
                    contract::commandReplyJson(r, config_.alerts.language).dump()});
}

void Node::tick(WallTime now, SteadyTime steady_now) {
  views_.expire(steady_now);
  for (const auto& ended : live_.expire(steady_now)) {  // nobody renewed the lease: nobody watches
    if (pusher_) pusher_->stop(ended.camera);
    log_->info("live push of {} ends: its lease ran out", ended.camera);
    reply(ended.push_command, contract::CommandKind::LiveStart, ended.camera, "", contract::ReplyStatus::Ended,
          "lease_over", now);
  }
  if (recorder_) recorder_->tick(now, steady_now);
  if (updateCoverage(now, /*publish_always=*/false) && reporter_) publishNode(now);
  const auto cameras = healths();
  // Booked by the monotonic clock: a step of the wall clock (NTP setting a
  // clock that booted wrong) leaves the time it jumps over unknown.
  const auto span = wall_watch_.advance(steady_now, now);
  if (span.step) {
    const double s = toSeconds(*span.step);
    log_->warn("the wall clock stepped by {:+.1f} s; the time it jumped over is not booked (unknown)", s);
    ++clock_report_.steps;
    clock_report_.last_step_s = s;
    clock_report_.last_step_at = now;
  }
  noteClockSync();
  if (clock_report_.booking) {
    for (const auto& h : cameras) uptime_.account(h.id, span.from, span.to, health::presenceOf(h.state));
    coverage_.account(span.from, span.to);
  }
  uptime_.flush();
  coverage_.flush();
  if (reporter_ && clock_.steady() >= next_status_) {
    next_status_ = clock_.steady() + toDuration(config_.mqtt.status_interval);
    for (const auto& h : cameras) publishCamera(h, now);
    publishNode(now);
    publishCoverage(now);
  }
  if (clock_.steady() >= next_summary_) {
    next_summary_ = clock_.steady() + kSummaryPeriod;
    const auto s = camerasSummary(cameras, now);
    log_->log(s.all_online ? spdlog::level::info : spdlog::level::warn, s.text);
  }
}

// What the view's last checks measured changes at every check, where the
// raised issues (which coverage follows) change by message: the figures are
// read as they are now.
ViewState Node::withLatestFigures(ViewState view, const CameraUnit& unit) {
  const ViewState latest = unit.latestView();
  view.figures = latest.figures;
  view.cadence = latest.cadence;
  return view;
}

void Node::publishCamera(const health::CameraHealth& h, WallTime now) {
  const Camera* camera = find(h.id);
  if (!camera) return;
  std::optional<contract::DetectionReport> detection;
  if (const auto s = camera->unit->detectionStats()) {
    detection = contract::DetectionReport{s->frames, s->events, s->suppressed, s->global_changes};
  }
  reporter_->camera(h, uptime_.stats(h.id), viewReportOf(withLatestFigures(camera->view, *camera->unit)), detection, now);
}

void Node::publishNode(WallTime now) {
  NodeFacts f{config_.node, VILLAGECAM_VERSION, started_at_, now, healths(),
              static_cast<int>(config_.cameras.size() - cameras_.size()), outbox_->depth(), outbox_->bytes(),
              outbox_->dropped(), clock_report_, config_.mqtt.status_interval.count()};
  reporter_->node(nodeStatusOf(f, coverage()));
}

// Published on every camera change (state or view), and with the statuses
// every status_interval (the minutes move on).
void Node::publishCoverage(WallTime now) {
  reporter_->coverage(coverage_.summary(contract::originOf(config_.node), config_.areas, now));
}

// Cameras that had retained topics last time but are no longer configured get
// them cleared, so the county does not see a camera that is gone.
void Node::clearRemovedCameras() {
  std::set<std::string> running;
  for (const auto& c : cameras_) running.insert(c.unit->id());
  try {
    for (const auto& id : reporter_->clearRemoved(running)) {
      log_->info("camera {} left the config: clearing its retained topics", id);
    }
  } catch (const std::exception& e) {
    log_->error("cannot remember the published cameras: {}", e.what());
  }
}

// After a restart: alerts of cameras, zones and areas still configured stay
// open. A view that was tampered before stays so until seen clean for
// clear_after (no false "restored" while the camera reconnects); an event in
// a zone goes on until the zone has been clear for its clear time.
void Node::loadOpenAlerts() {
  std::set<std::string> live;
  for (const auto& c : cameras_) {
    live.insert(events::cameraSubject(c.unit->id()));
    live.insert(events::viewSubject(c.unit->id()));
    if (!c.unit->detects()) continue;
    for (const auto& z : c.unit->camera().detection.zones) live.insert(events::zoneSubject(c.unit->id(), z.id));
  }
  for (const auto& area : config_.areas) live.insert(events::areaSubject(area.id));
  const auto open = alerts_->restore(live, clock_.wall());
  if (open.empty()) return;
  for (auto& c : cameras_) {
    c.unit->restore(open, clock_.steady());
    std::lock_guard lock(cameras_mutex_);
    c.view = c.unit->initialView();
  }
}

void Node::stop() {
  if (!started_) return;
  started_ = false;
  if (restream_) restream_->stop();  // viewers first: nothing waits on a camera going
  if (pusher_) pusher_->stopAll();
  views_.stopAll();
  if (recorder_) recorder_->stop();  // clips being written end with what they have
  // Tear the cameras down side by side: a camera stuck in a slow teardown
  // must not add its time to every other camera's.
  std::vector<std::thread> stoppers;
  for (auto& c : cameras_) stoppers.emplace_back([unit = c.unit.get()] { unit->stop(); });
  for (auto& t : stoppers) t.join();
  messages_.stop();
  if (thread_.joinable()) thread_.join();  // its last round accounts uptime to now
  uptime_.flush(/*force=*/true);
  coverage_.flush(/*force=*/true);
  if (publisher_) publisher_->stop(std::chrono::seconds(1));
  log_->info("node stopped");
}

std::vector<health::CameraHealth> Node::healths() const {
  std::lock_guard lock(cameras_mutex_);
  std::vector<health::CameraHealth> out;
  for (const auto& c : cameras_) out.push_back(c.unit->health());
  return out;
}

service::NodeReport Node::report() const {
  service::NodeReport m;
  m.node_id = config_.node.id;
  m.version = VILLAGECAM_VERSION;
  m.started_at = started_at_;
  {
    std::lock_guard lock(cameras_mutex_);  // then only the cameras' leaf locks
    for (const auto& c : cameras_) {
      std::optional<contract::DetectionReport> detection;
      if (const auto s = c.unit->detectionStats()) {
        detection = contract::DetectionReport{s->frames, s->events, s->suppressed, s->global_changes};
      }
      m.cameras.push_back({c.unit->health(), {}, viewReportOf(withLatestFigures(c.view, *c.unit)), detection});
    }
  }
  for (auto& c : m.cameras) c.uptime = uptime_.stats(c.health.id);  // the ledger's own lock, none held
  m.coverage = coverage();
  m.mqtt_enabled = publisher_ != nullptr;
  if (publisher_) {
    const auto s = publisher_->stats();
    m.mqtt_connected = s.connected;
    m.alerts_sent = s.alerts_sent;
    m.outbox_depth = outbox_->depth();
    m.outbox_dropped = outbox_->dropped();
  }
  if (recorder_) {
    const auto kept = recorder_->list();
    m.clips.enabled = true;
    m.clips.kept = kept.size();
    for (const auto& c : kept) m.clips.bytes += c.bytes;
    m.clips.ring_bytes = recorder_->ringBytes();
    m.clips.writing = recorder_->writing();
  }
  m.restream.enabled = config_.restream.enabled;
  if (restream_) {
    const auto r = restream_->stats();
    m.restream.listening = r.listening;
    m.restream.outgoing_bits_per_second = r.outgoing_bits_per_second;
    for (const auto& c : r.cameras) {
      m.restream.cameras.push_back({c.camera, c.viewers, c.connects, c.disconnects, c.refusals, c.units_dropped});
    }
  }
  return m;
}

std::vector<service::Heartbeat> Node::heartbeats() const {
  std::vector<service::Heartbeat> out{{"event loop", SteadyTime(Duration(event_loop_beat_.load()))}};
  std::lock_guard lock(cameras_mutex_);
  for (const auto& c : cameras_) out.push_back({"camera " + c.unit->id(), c.unit->lastLoop()});
  return out;
}

std::vector<service::ClipListing> Node::clips() const {
  std::vector<service::ClipListing> out;
  if (!recorder_) return out;
  for (const auto& c : recorder_->list()) out.push_back({c.id, c.camera, c.alert_type, c.start, c.end, c.bytes, c.frames});
  return out;
}

std::optional<std::filesystem::path> Node::clipFile(const std::string& id) const {
  if (!recorder_ || !recorder_->find(id)) return std::nullopt;
  return recorder_->mp4For(id);
}

std::string Node::summary() const {
  return statusLine(healths(), coverage(), outbox_ ? std::optional(outbox_->depth()) : std::nullopt);
}

health::CoverageReport Node::coverage() const { return coverage_.report(); }

}  // namespace villagecam::app
