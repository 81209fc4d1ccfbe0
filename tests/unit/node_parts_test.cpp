// The node's decisions, each on its own and without GStreamer or a broker:
// what a reload restarts, retunes, ends and leaves for the next restart; the
// alert a zone's event calls for; which restored alerts end; the one-line
// summaries; the status payloads built from what the node knows; a camera
// unit that starts from its open alerts; the open-alert file.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <filesystem>

#include "app/camera_unit.hpp"
#include "app/node_summary.hpp"
#include "app/open_alert_store.hpp"
#include "app/reload_plan.hpp"
#include "app/status_reporter.hpp"
#include "events/zone_alerts.hpp"
#include "health/uptime_store.hpp"
#include "scratch_dir.hpp"

namespace villagecam {
namespace {

using namespace std::chrono_literals;
using health::CameraState;

const WallTime kT0 = WallTime(std::chrono::hours(24 * 365 * 56));

config::CameraConfig camera(const std::string& id, std::vector<std::string> zones = {}) {
  config::CameraConfig c;
  c.id = id;
  c.name = "Camera " + id;
  c.url = *config::parseRtspUrl("rtsp://127.0.0.1:8554/" + id).url;
  for (const auto& z : zones) {
    config::ZoneConfig zone;
    zone.id = z;
    zone.name = z;
    zone.polygon = {{0, 0}, {1, 0}, {1, 1}};
    c.detection.zones.push_back(zone);
  }
  return c;
}

config::Config village() {
  config::Config c;
  c.node.id = "xinzhuang";
  c.cameras = {camera("gate", {"yard"}), camera("bridge"), camera("school", {"door", "fence"})};
  config::AreaConfig a;
  a.id = "entrance";
  a.cameras = {"gate"};
  c.areas = {a};
  return c;
}

app::StreamKeys keys(const config::Config& c) {
  app::StreamKeys k;
  for (const auto& cam : c.cameras) {
    if (cam.enabled) k[cam.id] = "key-" + cam.id;
  }
  return k;
}

TEST(ReloadPlan, AnUnchangedConfigChangesNothing) {
  const auto c = village();
  const auto plan = app::planReload(c, c, keys(c), keys(c));
  EXPECT_TRUE(plan.remove.empty() && plan.restart.empty() && plan.add.empty() && plan.retune.empty());
  EXPECT_TRUE(plan.at_restart.empty());
  EXPECT_FALSE(plan.log_level_changed);
  EXPECT_EQ(plan.summary(3), "3 camera(s) running; added: none; restarted: none; removed: none; zones retuned in place: none");
}

TEST(ReloadPlan, CamerasAreRemovedRestartedAddedAndRetunedByTheirKeysAndZones) {
  const auto before = village();
  auto after = before;
  after.cameras.erase(after.cameras.begin() + 1);  // bridge goes
  after.cameras.push_back(camera("river"));        // river comes
  after.cameras[1].detection.zones.pop_back();     // school loses its fence zone, same stream
  after.cameras[0].detection.min_area = 0.01;      // gate: same zones, other threshold
  auto wanted = keys(after);
  wanted["gate"] = "key-gate";  // unchanged stream
  auto running = keys(before);
  running["school"] = wanted["school"];
  const auto plan = app::planReload(before, after, running, wanted);
  EXPECT_EQ(plan.remove, std::vector<std::string>{"bridge"});
  EXPECT_EQ(plan.add, std::vector<std::string>{"river"});
  EXPECT_TRUE(plan.restart.empty());
  EXPECT_EQ(plan.retune, (std::vector<std::string>{"gate", "school"}));
  ASSERT_EQ(plan.zones_gone.size(), 1u);
  EXPECT_EQ(plan.zones_gone.at("school"), std::vector<std::string>{"fence"});
}

TEST(ReloadPlan, AChangedStreamKeyRestartsOnlyThatCamera) {
  const auto c = village();
  auto wanted = keys(c);
  wanted["bridge"] = "key-bridge-at-another-rate";
  const auto plan = app::planReload(c, c, keys(c), wanted);
  EXPECT_EQ(plan.restart, std::vector<std::string>{"bridge"});
  EXPECT_TRUE(plan.remove.empty() && plan.add.empty() && plan.retune.empty());
}

TEST(ReloadPlan, ADisabledCameraStopsAndAGoneAreaEndsItsAlerts) {
  const auto before = village();
  auto after = before;
  after.cameras[2].enabled = false;
  after.areas.clear();
  const auto plan = app::planReload(before, after, keys(before), keys(after));
  EXPECT_EQ(plan.remove, std::vector<std::string>{"school"});
  EXPECT_EQ(plan.areas_gone, std::vector<std::string>{"entrance"});
}

TEST(ReloadPlan, SectionsARunningNodeCannotTakeOverAreNamedNeverTheirValues) {
  const auto before = village();
  auto after = before;
  after.view_quality.raise_after = config::Seconds(30);
  after.snapshots.jpeg_quality = 60;
  after.http.port = 9999;
  after.mqtt.enabled = before.mqtt.enabled;
  after.mqtt.keepalive = config::Seconds(10);
  after.mqtt.password = "s3cret-new";
  after.mqtt.tls = config::TlsConfig{};
  after.mqtt.status_interval = config::Seconds(5);
  after.mqtt.outbox_max_alerts = 5;
  after.mqtt.reconnect_max = config::Seconds(5);
  after.logging.level = LogLevel::Debug;
  const auto plan = app::planReload(before, after, keys(before), keys(after));
  EXPECT_EQ(plan.at_restart,
            (std::vector<std::string>{"mqtt.keepalive", "mqtt.reconnect_max", "mqtt.password_file", "mqtt.tls",
                                      "mqtt.status_interval", "mqtt.outbox", "view_quality", "snapshots", "http"}));
  EXPECT_TRUE(plan.log_level_changed);  // applied at once, not listed
  const auto line = plan.summary(3);
  EXPECT_NE(line.find("; applies at the next restart: mqtt.keepalive, "), std::string::npos) << line;
  EXPECT_EQ(line.find("s3cret"), std::string::npos) << line;
}

TEST(ReloadPlan, NodeIdentityAndStateDirApplyAtRestart) {
  const auto before = village();
  auto after = before;
  after.node.village = "Other";
  after.state_dir = "/tmp/elsewhere";
  after.alerts.language = config::Language::En;
  EXPECT_EQ(app::sectionsNeedingRestart(before, after), (std::vector<std::string>{"node", "state_dir", "alerts"}));
  after = before;
  after.mqtt.enabled = !before.mqtt.enabled;
  after.mqtt.keepalive = config::Seconds(1);
  EXPECT_EQ(app::sectionsNeedingRestart(before, after), std::vector<std::string>{"mqtt"});
}

TEST(ZoneAlerts, AnIntrusionNamesItsZoneObjectsAndWhetherAPersonWasConfirmed) {
  events::ZoneEventFacts f{"gate", "East gate", "yard", "Yard", config::ZoneKind::Intrusion,
                           {{0.1, 0.2, 0.3, 0.4}}, true, 2};
  const auto a = events::zoneAlert(f);
  EXPECT_EQ(a.type, events::AlertType::Intrusion);
  EXPECT_EQ(a.reason_code, "person");
  EXPECT_EQ(a.zone_id, "yard");
  EXPECT_EQ(a.objects.size(), 1u);
  EXPECT_EQ(a.suppressed, 2u);
  EXPECT_EQ(a.detail, "1 object(s) in zone yard");
  EXPECT_EQ(events::subjectOf(a), events::zoneSubject("gate", "yard"));
  f.person.reset();
  EXPECT_EQ(events::zoneAlert(f).reason_code, "object");
  f.kind = config::ZoneKind::Motion;
  EXPECT_EQ(events::zoneAlert(f).type, events::AlertType::Motion);
  EXPECT_EQ(events::zoneAlert(f).reason_code, "motion");
}

TEST(OpenAlerts, OnlyAlertsWhoseSubjectLeftTheConfigEnd) {
  events::Alert cam;
  cam.type = events::AlertType::CameraOffline;
  cam.camera_id = "gate";
  events::Alert zone;
  zone.type = events::AlertType::Intrusion;
  zone.camera_id = "gate";
  zone.zone_id = "yard";
  events::Alert area;
  area.type = events::AlertType::CoverageLost;
  area.area_id = "bridge";
  const std::set<std::string> live{events::cameraSubject("gate"), events::areaSubject("bridge")};
  EXPECT_EQ(app::subjectsGone({cam, zone, area}, live), std::vector<std::string>{events::zoneSubject("gate", "yard")});
}

TEST(OpenAlerts, TheFileKeepsAlertsAcrossARestart) {
  testing::ScratchDir dir("open-alerts");
  const app::OpenAlertStore store(dir.path() / "open_alerts.json", {"xinzhuang", {}}, config::Language::En);
  EXPECT_TRUE(store.load().empty());
  events::Alert a;
  a.id = events::newAlertId();
  a.type = events::AlertType::ViewTampered;
  a.camera_id = "gate";
  a.camera_name = "East gate";
  a.issues = {"occluded"};
  a.started_at = kT0;
  store.save({a});
  const auto back = app::OpenAlertStore(dir.path() / "open_alerts.json", {"xinzhuang", {}}, config::Language::En).load();
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].id, a.id);
  EXPECT_EQ(back[0].issues, a.issues);
  EXPECT_EQ(back[0].started_at, kT0);
}

health::CameraHealth cameraHealth(const std::string& id, CameraState state, WallTime since = kT0) {
  health::CameraHealth h;
  h.id = id;
  h.state = state;
  h.since = since;
  h.reason = state == CameraState::Online ? "streaming" : "connection refused";
  return h;
}

TEST(NodeSummary, OneLineForSystemdAndTheLog) {
  health::CoverageReport report;
  EXPECT_EQ(app::statusLine({cameraHealth("a", CameraState::Online), cameraHealth("b", CameraState::Offline)}, report, 3),
            "1/2 cameras online; 3 alert(s) waiting for the broker");
  const auto all = app::camerasSummary({cameraHealth("a", CameraState::Online)}, kT0);
  EXPECT_TRUE(all.all_online);
  EXPECT_EQ(all.text, "all 1 camera(s) online");
  const auto some = app::camerasSummary(
      {cameraHealth("a", CameraState::Online), cameraHealth("b", CameraState::Offline, kT0 - 12min)}, kT0);
  EXPECT_FALSE(some.all_online);
  EXPECT_EQ(some.text, "1 of 2 camera(s) online; b offline for 12 min (connection refused)");
}

TEST(StatusPayloads, NodeStatusCountsEveryStateAndTheCoverage) {
  app::NodeFacts f;
  f.node.id = "xinzhuang";
  f.node.village = "Xinzhuang";
  f.version = "1.2.3";
  f.started_at = kT0;
  f.now = kT0 + 1h;
  f.cameras = {cameraHealth("a", CameraState::Online), cameraHealth("b", CameraState::Stalled)};
  f.cameras_disabled = 1;
  f.outbox_depth = 4;
  health::CoverageReport coverage;
  const auto s = app::nodeStatusOf(f, coverage);
  EXPECT_EQ(s.node_id, "xinzhuang");
  EXPECT_EQ(s.cameras_by_state.at("online"), 1);
  EXPECT_EQ(s.cameras_by_state.at("stalled"), 1);
  EXPECT_EQ(s.cameras_by_state.at("offline"), 0);
  EXPECT_EQ(s.cameras_disabled, 1);
  EXPECT_EQ(s.outbox_depth, 4u);
  EXPECT_FALSE(s.coverage_ratio.has_value());
}

TEST(StatusPayloads, AViewIsUnknownWithoutABaselineAndNamesItsIssues) {
  app::ViewState v;
  EXPECT_EQ(app::viewReportOf(v).state, "unknown");
  v.has_baseline = true;
  v.baseline_taken_at = kT0;
  EXPECT_EQ(app::viewReportOf(v).state, "ok");
  v.raised = {analysis::ViewIssue::Occluded};
  const auto r = app::viewReportOf(v);
  EXPECT_EQ(r.state, "tampered");
  EXPECT_EQ(r.issues, std::vector<std::string>{"occluded"});
  EXPECT_EQ(r.baseline_at, kT0);
}

TEST(Presence, CameraAndAreaStatesMapToUptime) {
  EXPECT_EQ(health::presenceOf(CameraState::Online), health::Presence::Up);
  EXPECT_EQ(health::presenceOf(CameraState::Connecting), health::Presence::Unknown);
  EXPECT_EQ(health::presenceOf(CameraState::Unauthorized), health::Presence::Down);
  EXPECT_EQ(health::presenceOf(health::AreaState::Covered), health::Presence::Up);
  EXPECT_EQ(health::presenceOf(health::AreaState::Uncovered), health::Presence::Down);
  EXPECT_EQ(health::presenceOf(health::AreaState::Unknown), health::Presence::Unknown);
}

// A camera unit never started: no pipeline runs, but its monitors take up
// the open alerts, and it posts nothing until its worker runs.
TEST(CameraUnit, StartsFromItsOpenAlertsAndPostsNothingBeforeItRuns) {
  cv::Mat view(180, 320, CV_8UC1);
  cv::randu(view, 0, 255);
  cv::GaussianBlur(view, view, {5, 5}, 0);
  app::ViewBaselines baselines;
  baselines.commissioning = analysis::StoredBaseline{analysis::makeBaseline({view, view, view}), kT0, 3};
  const auto cam = camera("gate", {"yard"});
  ingest::RenderedPipeline rendered;
  rendered.source = "videotestsrc";
  rendered.output = "fakesink name=sink";
  int posted = 0;
  SystemClock clock;
  {
    app::CameraUnit unit(cam, config::IngestConfig{}, rendered, baselines, {}, clock,
                         [&](app::CameraMessage) { ++posted; });
    EXPECT_EQ(unit.id(), "gate");
    EXPECT_TRUE(unit.detects());
    EXPECT_EQ(unit.streamKey(), app::CameraUnit::streamKey(cam, rendered, config::IngestConfig{}));
    EXPECT_TRUE(unit.initialView().has_baseline);
    EXPECT_TRUE(unit.initialView().raised.empty());
    events::Alert open;
    open.type = events::AlertType::ViewTampered;
    open.camera_id = "gate";
    open.issues = {"occluded", "not-an-issue"};
    events::Alert other = open;
    other.camera_id = "bridge";
    other.issues = {"blank"};
    unit.restore({open, other}, clock.steady());
    EXPECT_EQ(unit.initialView().raised, std::vector<analysis::ViewIssue>{analysis::ViewIssue::Occluded});
    ASSERT_TRUE(unit.detectionStats().has_value());
    EXPECT_EQ(unit.detectionStats()->frames, 0u);
  }  // destroyed without start: nothing to stop, nothing posted
  EXPECT_EQ(posted, 0);
}

TEST(CameraUnit, TheStreamKeyChangesWithWhatNeedsARestartOnly) {
  auto cam = camera("gate", {"yard"});
  ingest::RenderedPipeline rendered;
  rendered.source = "rtspsrc name=src";
  const config::IngestConfig ingest;
  const auto key = app::CameraUnit::streamKey(cam, rendered, ingest);
  auto retuned = cam;
  retuned.detection.zones[0].dwell = config::Seconds(9);
  EXPECT_EQ(app::CameraUnit::streamKey(retuned, rendered, ingest), key);
  auto faster = cam;
  faster.detection.fps = 12;
  EXPECT_NE(app::CameraUnit::streamKey(faster, rendered, ingest), key);
  auto moved = cam;
  moved.url = *config::parseRtspUrl("rtsp://127.0.0.1:8554/other").url;
  EXPECT_NE(app::CameraUnit::streamKey(moved, rendered, ingest), key);
  auto slower_stall = ingest;
  slower_stall.stall_timeout = config::Seconds(10);
  EXPECT_NE(app::CameraUnit::streamKey(cam, rendered, slower_stall), key);
}

}  // namespace
}  // namespace villagecam

namespace villagecam {
namespace {

// A textured yard (320x180) with a dark, person-sized figure standing in
// its lower right when `person`, at a brightness offset.
cv::Mat yard(bool person, int brightness, int frame) {
  cv::Mat f(180, 320, CV_8UC3);
  cv::theRNG().state = 23;
  cv::randu(f, 60, 180);
  cv::GaussianBlur(f, f, {0, 0}, 3);
  if (person) {
    cv::rectangle(f, {250, 120, 14, 40}, cv::Scalar(25, 30, 35), cv::FILLED);
    cv::rectangle(f, {253, 110, 9, 10}, cv::Scalar(60, 80, 120), cv::FILLED);
  }
  cv::Mat noise(f.size(), CV_16SC3), wide;
  cv::theRNG().state = 1000 + static_cast<std::uint64_t>(frame);
  cv::randn(noise, 0, 2);
  f.convertTo(wide, CV_16SC3, 1, brightness);
  wide += noise;
  wide.convertTo(f, CV_8UC3);
  return f;
}

// The camera reconnects after 10 s with the light stepped up (a cloud gone,
// the exposure reset) and someone now standing in the zone: judged against
// the background from before the gap, they are reported within dwell + 1 s.
// (Learning the first frame as a global change took them in as background.)
TEST(DetectionMonitorTest, AfterAReconnectSomeoneStandingInTheZoneIsFoundAgainstTheBackgroundBefore) {
  config::DetectionConfig c;
  config::ZoneConfig z;
  z.id = "yard";
  z.polygon = {{0.6, 0.5}, {1.0, 0.5}, {1.0, 1.0}, {0.6, 1.0}};
  c.zones = {z};
  app::DetectionMonitor monitor(c, 80);
  const SteadyTime t0{};
  int k = 0;
  for (; k < 50; ++k) {
    const auto events = monitor.onFrame(analysis::AnalysisFrame(yard(false, 0, k)), t0 + k * 200ms, WallTime{});
    ASSERT_TRUE(events.empty()) << "an empty yard, frame " << k;
  }
  const SteadyTime back = t0 + k * 200ms + 10s;
  std::optional<Duration> started;
  for (int j = 0; j < 25 && !started; ++j) {
    for (const auto& e : monitor.onFrame(analysis::AnalysisFrame(yard(true, 25, k + j)), back + j * 200ms, WallTime{})) {
      if (e.phase == analysis::ZonePhase::Start) started = j * 200ms;
    }
  }
  ASSERT_TRUE(started.has_value()) << "the person standing in the zone at the reconnect was never reported";
  EXPECT_LE(*started, 3s);
}

}  // namespace
}  // namespace villagecam
