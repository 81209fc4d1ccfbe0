// The county's live picture and its rates, from payloads the contract's own
// writers make: what the console shows is what the nodes said, and the rates
// follow their one definition (county/live/rates.hpp, docs/county.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>

#include "contract/payloads.hpp"
#include "config/sections.hpp"
#include "contract/topics.hpp"
#include "live/picture.hpp"
#include "live/rates.hpp"
#include "live/views.hpp"
#include "util/time_format.hpp"

namespace villagecam::county {
namespace {

using namespace std::chrono_literals;
using health::CameraState;

const WallTime kWall0 = WallTime(std::chrono::hours(24 * 365 * 56));
const SteadyTime kSteady0 = SteadyTime(std::chrono::hours(1000));

struct Cam {
  std::string id;
  CameraState state;
  std::string view;  // ok, tampered, unknown
  std::string gb_code = "";  // its GB/T 28181 device code, if any
};

struct Area {
  std::string id;
  double weight;
  health::AreaState state;
  std::string grid;
};

contract::Place place(const std::string& township, const std::string& village, const std::string& code) {
  return {"兰考县", township, village, code};
}

FeedMessage statusOf(const std::string& node, const contract::Place& p, const std::vector<Cam>& cams, WallTime now,
                     int disabled = 0, bool retained = false, const std::string& gb_code = "") {
  contract::NodeStatus s;
  s.node_id = node;
  s.gb_code = gb_code;
  s.place = p;
  s.version = "test";
  s.started_at = now - 1h;
  s.now = now;
  std::vector<health::CameraHealth> hs;
  for (const auto& c : cams) {
    health::CameraHealth h;
    h.id = c.id;
    h.state = c.state;
    hs.push_back(h);
  }
  s.cameras_by_state = contract::countByState(hs);
  s.cameras_disabled = disabled;
  s.status_interval_s = 10;
  return {contract::topics::status("villagecam/" + node), contract::nodeStatusJson(s).dump(), retained};
}

FeedMessage cameraOf(const std::string& node, const Cam& c, WallTime now) {
  health::CameraHealth h;
  h.id = c.id;
  h.name = c.id + " camera";
  h.url = "rtsp://admin:***@10.0.0.7/ch1";
  h.gb_code = c.gb_code;
  h.state = c.state;
  h.since = now - 5min;
  h.reason = c.state == CameraState::Online ? "streaming" : "connection refused";
  if (c.state != CameraState::Online) h.failure = "refused";
  contract::ViewReport view;
  view.state = c.view;
  if (c.view == "tampered") view.issues = {"blank"};
  return {contract::topics::cameraStatus("villagecam/" + node, c.id),
          contract::cameraStatusJson(h, {}, view, node, now).dump(), true};
}

FeedMessage coverageOf(const std::string& node, const contract::Place& p, const std::vector<Area>& areas, WallTime now) {
  contract::CoverageSummary c;
  c.node_id = node;
  c.place = p;
  c.now = now;
  for (const auto& a : areas) {
    health::AreaCoverage ac;
    ac.id = a.id;
    ac.name = a.id;
    ac.weight = a.weight;
    ac.state = a.state;
    ac.verified = a.state != health::AreaState::Unverified;
    ac.grid = a.grid;
    c.report.areas.push_back(ac);
  }
  return {contract::topics::coverage("villagecam/" + node), contract::coverageJson(c).dump(), true};
}

FeedMessage state(const std::string& node, const char* word) {
  return {contract::topics::state("villagecam/" + node), word, true};
}

class Live : public ::testing::Test {
 protected:
  void apply(const FeedMessage& m) {
    const auto a = picture_.apply(m, now_, wall_);
    ASSERT_NE(a.kind, Applied::Kind::Bad) << a.error;
  }
  void advance(Duration d) {
    now_ += d;
    wall_ += std::chrono::duration_cast<WallTime::duration>(d);
  }
  // Two villages of one township, one of another; 6 cameras, 5 areas.
  void village() {
    const auto a = place("城关镇", "新庄村", "410225100201"), b = place("城关镇", "东坝头村", "410225100202"),
               c = place("谷营镇", "谷营村", "410225101201");
    apply(state("xz", "online"));
    apply(statusOf("xz", a, {{"gate", CameraState::Online, "ok"}, {"square", CameraState::Online, "tampered"},
                             {"bridge", CameraState::Offline, "ok"}}, wall_));
    apply(cameraOf("xz", {"gate", CameraState::Online, "ok"}, wall_));
    apply(cameraOf("xz", {"square", CameraState::Online, "tampered"}, wall_));
    apply(cameraOf("xz", {"bridge", CameraState::Offline, "ok"}, wall_));
    apply(coverageOf("xz", a, {{"entrance", 2, health::AreaState::Covered, "东片"},
                               {"square", 1, health::AreaState::Uncovered, ""},
                               {"bridge", 1, health::AreaState::Uncovered, ""}}, wall_));
    apply(state("db", "online"));
    apply(statusOf("db", b, {{"gate", CameraState::Online, "unknown"}}, wall_, /*disabled=*/1));
    apply(cameraOf("db", {"gate", CameraState::Online, "unknown"}, wall_));
    apply(coverageOf("db", b, {{"gate", 1, health::AreaState::Unverified, ""}}, wall_));
    apply(state("gy", "online"));
    apply(statusOf("gy", c, {{"road", CameraState::Online, "ok"}}, wall_));
    apply(cameraOf("gy", {"road", CameraState::Online, "ok"}, wall_));
    apply(coverageOf("gy", c, {{"road", 1, health::AreaState::Covered, ""}}, wall_));
  }

  SteadyTime now_ = kSteady0;
  WallTime wall_ = kWall0;
  LivePicture picture_{"villagecam", Seconds(60), Admission{{"410225"}}};
};

TEST_F(Live, TheRatesFollowTheirDefinitions) {
  village();
  const auto o = overview(picture_);
  const Counts& c = o.county;
  EXPECT_EQ(c.nodes, 3);
  EXPECT_EQ(c.cameras, 6);  // 5 enabled + 1 disabled: configured
  EXPECT_EQ(c.online, 4);
  EXPECT_EQ(c.intact, 2);      // gate (xz) and road; square is tampered, db's gate unchecked
  EXPECT_EQ(c.unverified, 1);  // db's gate: online, view not checked
  EXPECT_DOUBLE_EQ(*c.onlineRate(), 4.0 / 6);
  EXPECT_DOUBLE_EQ(*c.intactRate(), 2.0 / 6);
  EXPECT_DOUBLE_EQ(*c.unverifiedViewShare(), 1.0 / 6);
  // Weighted: covered 2 (entrance) + 1 (road) of 2+1+1+1+1.
  EXPECT_DOUBLE_EQ(*c.coverageRate(), 3.0 / 6);
  EXPECT_DOUBLE_EQ(*c.unverifiedAreaShare(), 1.0 / 6);
  ASSERT_EQ(o.townships.size(), 2u);
  EXPECT_EQ(o.townships[0].name, "城关镇");  // worst first
  EXPECT_EQ(o.townships[0].code, "410225100");
  EXPECT_EQ(o.townships[0].counts.cameras, 5);
  EXPECT_EQ(o.townships[1].name, "谷营镇");
  ASSERT_EQ(o.villages.size(), 3u);
  EXPECT_EQ(o.villages[0].name, "东坝头村");  // online 1/2
  EXPECT_EQ(o.villages[1].name, "新庄村");    // online 2/3
  EXPECT_EQ(o.villages[2].name, "谷营村");    // online 1/1
}

TEST_F(Live, ANodeWhoseWillSaysOfflineIsSilentItsCamerasNotOnlineItsAreasNotCovered) {
  village();
  apply(state("gy", "offline"));
  const auto* gy = picture_.node("gy");
  ASSERT_TRUE(gy);
  EXPECT_TRUE(picture_.silent(*gy));
  EXPECT_EQ(gy->silent_reason, "offline");
  const auto c = overview(picture_).county;
  EXPECT_EQ(c.nodes_silent, 1);
  EXPECT_EQ(c.cameras, 6);
  EXPECT_EQ(c.online, 3);
  EXPECT_EQ(c.areas_silent, 1);
  EXPECT_DOUBLE_EQ(*c.coverageRate(), 2.0 / 6);
  const auto problems = problemsJson(picture_);
  ASSERT_EQ(problems["silent_nodes"].size(), 1u);
  EXPECT_EQ(problems["silent_nodes"][0]["village"], "谷营村");
  EXPECT_EQ(problems["silent_nodes"][0]["reason"], "offline");
  // Its page says the same: its cameras are not known since it fell silent
  // (not "online" under a village at 0 % online), what they said kept apart.
  const auto page = villageJson(picture_, "gy");
  ASSERT_EQ(page["cameras"].size(), 1u);
  EXPECT_EQ(page["cameras"][0]["state"], "unknown");
  EXPECT_EQ(page["cameras"][0]["last_reported_state"], "online");
  EXPECT_EQ(page["cameras"][0]["since"], toRfc3339(wall_));
  EXPECT_EQ(page["silent_reason"], "offline");
  // Back online with a status: heard again.
  apply(state("gy", "online"));
  EXPECT_FALSE(picture_.silent(*picture_.node("gy")));
}

TEST_F(Live, ANodeWithoutAStatusForThreeIntervalsIsSilentUntilOneComes) {
  village();
  const auto a = place("城关镇", "新庄村", "410225100201");
  advance(29s);  // the interval the status says: 10 s
  EXPECT_TRUE(picture_.checkSilence(now_, wall_).empty());
  apply(statusOf("xz", a, {{"gate", CameraState::Online, "ok"}}, wall_));
  advance(29s);
  EXPECT_EQ(picture_.checkSilence(now_, wall_), (std::vector<std::string>{"db", "gy"}));
  advance(2s);
  EXPECT_EQ(picture_.checkSilence(now_, wall_), (std::vector<std::string>{"xz"}));
  EXPECT_EQ(picture_.node("xz")->silent_reason, "no_status");
  EXPECT_EQ(picture_.node("xz")->silent_since, wall_);
  apply(statusOf("xz", a, {{"gate", CameraState::Online, "ok"}}, wall_));
  EXPECT_FALSE(picture_.silent(*picture_.node("xz")));
}

TEST_F(Live, ARetainedStatusIsAsOldAsItSays) {
  // The console restarts; the broker hands it a dead node's last status,
  // published 10 minutes ago with no will (the broker lost the session).
  apply(state("xz", "online"));
  const auto p = place("", "新庄村", "410225100201");
  apply(statusOf("xz", p, {{"gate", CameraState::Online, "ok"}}, wall_ - 10min, 0, true));
  EXPECT_TRUE(picture_.silent(*picture_.node("xz")));
  // A fresh retained one is heard.
  apply(statusOf("xz", p, {{"gate", CameraState::Online, "ok"}}, wall_ - 2s, 0, true));
  EXPECT_FALSE(picture_.silent(*picture_.node("xz")));
}

TEST_F(Live, OpenAlertsFollowStartUpdateAndEndAndALateStartDoesNotUndoAnUpdate) {
  village();
  events::Alert a;
  a.id = "a1";
  a.type = events::AlertType::Intrusion;
  a.severity = events::Severity::Warning;
  a.camera_id = "gate";
  a.zone_id = "z";
  a.started_at = wall_;
  a.reason_code = "person";
  const contract::Origin origin{"xz", place("城关镇", "新庄村", "410225100201")};
  auto publish = [&](const events::Alert& alert) {
    apply({"villagecam/xz/alerts", contract::alertJson(alert, origin, config::Language::En).dump(), false});
  };
  publish(a);
  ASSERT_EQ(picture_.openAlerts().size(), 1u);
  auto update = a;
  update.phase = events::AlertPhase::Update;
  update.updated_at = wall_ + 30s;
  publish(update);
  publish(a);  // delivered again (at least once)
  EXPECT_EQ(picture_.openAlerts().at("xz/a1").alert.phase, events::AlertPhase::Update);
  const auto open = openAlertsJson(picture_);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0]["village"], "新庄村");
  auto end = a;
  end.phase = events::AlertPhase::End;
  end.ended_at = wall_ + 60s;
  publish(end);
  EXPECT_TRUE(picture_.openAlerts().empty());
}

TEST_F(Live, ABadPayloadIsRefusedNamingTheTopicAndPathAndChangesNothing) {
  village();
  const auto before = summaryJson(picture_, "兰考县", wall_);
  auto bad = cameraOf("xz", {"gate", CameraState::Online, "ok"}, wall_);
  auto j = nlohmann::json::parse(bad.payload);
  j["state"] = "asleep";
  bad.payload = j.dump();
  const auto a = picture_.apply(bad, now_, wall_);
  EXPECT_EQ(a.kind, Applied::Kind::Bad);
  EXPECT_EQ(a.error, "villagecam/xz/cameras/gate/status: camera-status: /state: unknown value 'asleep' (expected one of "
                     "connecting, online, stalled, offline, unauthorized)");
  EXPECT_EQ(picture_.apply({"villagecam/xz/state", "maybe", true}, now_, wall_).error,
            "villagecam/xz/state: state: expected online or offline, got 'maybe'");
  EXPECT_EQ(summaryJson(picture_, "兰考县", wall_), before);
  // Topics of other trees are none of its business.
  EXPECT_EQ(picture_.apply({"other/xz/status", "{}", true}, now_, wall_).kind, Applied::Kind::Ignored);
  // The node shows what was refused, escaped.
  ASSERT_TRUE(picture_.node("xz")->refused);
  EXPECT_EQ(picture_.node("xz")->refused->count, 2u);
  EXPECT_EQ(problemsJson(picture_)["node_problems"][0]["refused"]["topic"], "villagecam/xz/state");
}

events::Alert intrusion(const std::string& id, WallTime at) {
  events::Alert a;
  a.id = id;
  a.type = events::AlertType::Intrusion;
  a.severity = events::Severity::Warning;
  a.camera_id = "gate";
  a.zone_id = "z";
  a.started_at = at;
  a.reason_code = "person";
  return a;
}

FeedMessage alertOn(const std::string& topic_node, const std::string& named_node, const events::Alert& a,
                    const contract::Place& p) {
  return {"villagecam/" + topic_node + "/alerts",
          contract::alertJson(a, contract::Origin{named_node, p}, config::Language::En).dump(), false};
}

TEST_F(Live, ANodeSpeaksOnlyForItself) {
  village();
  const auto xz = place("城关镇", "新庄村", "410225100201");
  apply(statusOf("evil", place("城关镇", "恶村", "410225100299"), {{"gate", CameraState::Online, "ok"}}, wall_));
  ASSERT_NE(picture_.node("evil"), nullptr);  // admitted: its own admin code, under the county's prefix
  const auto before = summaryJson(picture_, "兰考县", wall_);
  // An alert, a status, a coverage, a camera status and a snapshot naming xz on evil's topics.
  auto refused = [&](const FeedMessage& m, const std::string& says) {
    const auto a = picture_.apply(m, now_, wall_);
    EXPECT_EQ(a.kind, Applied::Kind::Bad) << m.topic;
    EXPECT_NE(a.error.find(says), std::string::npos) << a.error;
  };
  refused(alertOn("evil", "xz", intrusion("a1", wall_), xz), "alert: /node: 'xz' is not the node of this topic ('evil')");
  refused({"villagecam/evil/status", statusOf("xz", xz, {}, wall_).payload, true}, "node-status: /node: 'xz' is not");
  refused({"villagecam/evil/coverage", coverageOf("xz", xz, {}, wall_).payload, true}, "coverage: /node: 'xz' is not");
  refused({"villagecam/evil/cameras/gate/status", cameraOf("xz", {"gate", CameraState::Offline, "ok"}, wall_).payload, true},
          "camera-status: /node: 'xz' is not");
  // A snapshot of xz's camera on evil's topic, and on xz's topic for another camera.
  contract::Snapshot shot{"5f0b7c3e-1d2a-4b8c-9e6f-0a1b2c3d4e5f", "gate", wall_, "periodic", 16, 16,
                          std::string("\xff\xd8\xff\xe0 jpeg \xff\xd9", 12)};
  refused({"villagecam/evil/cameras/gate/snapshot", contract::snapshotJson(shot, "xz").dump(), true},
          "snapshot: /node: 'xz' is not the node of this topic ('evil')");
  refused({"villagecam/xz/cameras/square/snapshot", contract::snapshotJson(shot, "xz").dump(), true},
          "snapshot: /camera: 'gate' is not the camera of this topic ('square')");
  // Not a JPEG, whatever it says.
  shot.jpeg = "GIF89a not a jpeg at all";
  refused({"villagecam/xz/cameras/gate/snapshot", contract::snapshotJson(shot, "xz").dump(), true},
          "snapshot: /jpeg_base64: not a JPEG image");
  // A camera status for another camera than its topic's.
  refused({"villagecam/xz/cameras/gate/status", cameraOf("xz", {"square", CameraState::Offline, "ok"}, wall_).payload, true},
          "camera-status: /camera: 'square' is not the camera of this topic ('gate')");
  EXPECT_EQ(summaryJson(picture_, "兰考县", wall_)["rates"], before["rates"]);
  EXPECT_TRUE(picture_.openAlerts().empty());
  // Its own alert with another node's alert id closes nothing of that node's.
  apply(alertOn("xz", "xz", intrusion("a1", wall_), xz));
  auto end = intrusion("a1", wall_);
  end.phase = events::AlertPhase::End;
  end.ended_at = wall_ + 1s;
  apply(alertOn("evil", "evil", end, place("城关镇", "恶村", "410225100299")));
  EXPECT_EQ(picture_.openAlerts().count("xz/a1"), 1u);
}

TEST_F(Live, AnUnknownNodeWaitsForAdmissionAndCountsInNoRate) {
  village();
  const auto before = summaryJson(picture_, "兰考县", wall_);
  // Another county's code, and the code of a village already admitted: both wait.
  const auto other = place("某镇", "某村", "410226100201");
  apply(statusOf("stranger", other, {{"a", CameraState::Offline, "ok"}}, wall_));
  apply(statusOf("twin", place("城关镇", "新庄村", "410225100201"), {{"a", CameraState::Offline, "ok"}}, wall_));
  for (int i = 0; i < 50; ++i) apply(cameraOf("twin", {"c" + std::to_string(i), CameraState::Offline, "ok"}, wall_));
  apply(alertOn("twin", "twin", intrusion("t1", wall_), other));
  EXPECT_EQ(picture_.node("stranger"), nullptr);
  EXPECT_EQ(picture_.node("twin"), nullptr);
  ASSERT_EQ(picture_.pending().size(), 2u);
  EXPECT_EQ(picture_.pending().at("twin").cameras.size(), 50u);
  EXPECT_EQ(picture_.pending().at("twin").ignored_while_pending, 1u);
  EXPECT_TRUE(picture_.openAlerts().empty());
  EXPECT_EQ(summaryJson(picture_, "兰考县", wall_)["rates"], before["rates"]);
  const auto pending = pendingJson(picture_);
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0]["node"], "stranger");
  EXPECT_EQ(pending[0]["claimed_place"]["code"], "410226100201");
  // Payloads refused from new ids leave nothing behind.
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(picture_.apply({"villagecam/n" + std::to_string(i) + "/status", "{\"schema\": 1}", true}, now_, wall_).kind,
              Applied::Kind::Bad);
  }
  EXPECT_EQ(picture_.pending().size(), 2u);
  // An admin admits the stranger: it counts from now, where it was admitted.
  picture_.admit("stranger", other);
  EXPECT_EQ(summaryJson(picture_, "兰考县", wall_)["nodes"]["total"], 4);
  EXPECT_EQ(picture_.pending().size(), 1u);
}

TEST_F(Live, PendingNodesAreBounded) {
  LivePicture picture("villagecam", Seconds(60), Admission{{}, 2});
  for (const char* id : {"a", "b"}) {
    EXPECT_EQ(picture.apply(statusOf(id, place("", id, ""), {}, wall_), now_, wall_).kind, Applied::Kind::NodeStatus);
  }
  const auto third = picture.apply(statusOf("c", place("", "c", ""), {}, wall_), now_, wall_);
  EXPECT_EQ(third.kind, Applied::Kind::Bad);
  EXPECT_NE(third.error.find("2 nodes already wait for admission"), std::string::npos) << third.error;
}

TEST_F(Live, AnAdmittedNodesPlaceChangesOnlyByAnAdminsWord) {
  village();
  const auto elsewhere = place("谷营镇", "谷营村", "410225101201");
  apply(statusOf("xz", elsewhere, {{"gate", CameraState::Online, "ok"}}, wall_));
  const auto* xz = picture_.node("xz");
  EXPECT_EQ(xz->place.township, "城关镇");
  ASSERT_TRUE(xz->claimed_place);
  EXPECT_EQ(xz->claimed_place->township, "谷营镇");
  EXPECT_EQ(problemsJson(picture_)["node_problems"][0]["claimed_place"]["township"], "谷营镇");
  // Its alerts count where it was admitted.
  apply(alertOn("xz", "xz", intrusion("a1", wall_), elsewhere));
  EXPECT_EQ(picture_.openAlerts().at("xz/a1").origin.place.township, "城关镇");
  picture_.admit("xz", elsewhere);
  EXPECT_EQ(picture_.node("xz")->place.township, "谷营镇");
  EXPECT_FALSE(picture_.node("xz")->claimed_place);
}

TEST_F(Live, HostilePayloadsAreRefusedNeverThrowAndAreShownAsTheNodesProblem) {
  village();
  const auto before = summaryJson(picture_, "兰考县", wall_);
  auto status = nlohmann::json::parse(statusOf("xz", place("城关镇", "新庄村", "410225100201"), {}, wall_).payload);
  auto with = [&](const std::string& key, const std::string& raw) {
    auto j = status;
    j.erase(key);
    auto text = j.dump();
    text.insert(text.size() - 1, ",\"" + key + "\":" + raw);
    return text;
  };
  const std::string deep = std::string(20, '[') + std::string(20, ']');
  auto counts = [&](int offline) {
    auto j = status;
    j["cameras"]["offline"] = offline;
    return j.dump();
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {with("status_interval_s", "1e999"), "not JSON"},
      {with("status_interval_s", "1e300"), "number out of range"},
      {with("status_interval_s", "-5"), "expected 0 < seconds <= 86400"},
      {with("village", "\"" + std::string(300, 'x') + "\""), "a name is at most 200 bytes"},
      {with("village", "\"a\\nb\""), "no control characters"},
      {with("version", "\"" + std::string(70000, 'v') + "\""), "more than the 65536 a node-status payload may have"},
      {with("cameras", deep), "nested deeper than 12 levels"},
      {with("village", "\"\xff\xfe\""), "not JSON"},
      {"\"just a string\"", "expected an object"},
      {counts(2147483647), "expected 0 to 512"},
      {counts(-5), "expected 0 to 512"},
      {with("village", "\"a\u2028b\""), "no control characters"},
  };
  for (const auto& [payload, says] : cases) {
    Applied a;
    EXPECT_NO_THROW(a = picture_.apply({"villagecam/xz/status", payload, true}, now_, wall_));
    EXPECT_EQ(a.kind, Applied::Kind::Bad) << says;
    EXPECT_NE(a.error.find(says), std::string::npos) << a.error;
    EXPECT_LT(a.error.size(), 800u);
    EXPECT_EQ(a.error.find('\n'), std::string::npos);
  }
  EXPECT_EQ(summaryJson(picture_, "兰考县", wall_)["rates"], before["rates"]);
  EXPECT_EQ(picture_.node("xz")->refused->count, cases.size());
}

TEST_F(Live, NoAdmittedNodeWeighsMoreThanANodeCan) {
  village();
  const auto before = summaryJson(picture_, "兰考县", wall_);
  const auto xz = place("城关镇", "新庄村", "410225100201");
  auto heavy = coverageOf("xz", xz, {{"entrance", 2, health::AreaState::Covered, ""}}, wall_);
  auto j = nlohmann::json::parse(heavy.payload);
  j["areas"][0]["weight"] = 1e12;
  heavy.payload = j.dump();
  const auto a = picture_.apply(heavy, now_, wall_);
  EXPECT_EQ(a.kind, Applied::Kind::Bad);
  EXPECT_NE(a.error.find("/areas/0/weight: expected 0.01 to 1000"), std::string::npos) << a.error;
  EXPECT_EQ(summaryJson(picture_, "兰考县", wall_)["rates"], before["rates"]);
  // Open alerts: at most so many a node; an end always goes through.
  LivePicture picture("villagecam", Seconds(60), Admission{{"410225"}, 10, 512, 3});
  picture.apply(statusOf("xz", xz, {}, wall_), now_, wall_);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(picture.apply(alertOn("xz", "xz", intrusion("a" + std::to_string(i), wall_), xz), now_, wall_).kind,
              Applied::Kind::Alert);
  }
  EXPECT_EQ(picture.apply(alertOn("xz", "xz", intrusion("a3", wall_), xz), now_, wall_).kind, Applied::Kind::Bad);
  auto end = intrusion("a0", wall_);
  end.phase = events::AlertPhase::End;
  end.ended_at = wall_ + 1s;
  EXPECT_EQ(picture.apply(alertOn("xz", "xz", end, xz), now_, wall_).kind, Applied::Kind::Alert);
  EXPECT_EQ(picture.apply(alertOn("xz", "xz", intrusion("a3", wall_), xz), now_, wall_).kind, Applied::Kind::Alert);
  EXPECT_EQ(picture.openAlerts().size(), 3u);
}

TEST_F(Live, CredentialsInFreeTextAreRedacted) {
  village();
  auto m = cameraOf("xz", {"bridge", CameraState::Offline, "ok"}, wall_);
  auto j = nlohmann::json::parse(m.payload);
  j["reason"] = "cannot reach rtsp://admin:hunter2@10.0.0.7/ch1";
  m.payload = j.dump();
  apply(m);
  EXPECT_EQ(picture_.node("xz")->cameras.at("bridge").reason, "cannot reach rtsp://admin:***@10.0.0.7/ch1");
  auto a = intrusion("a2", wall_);
  a.message = "see rtsp://u:secret@cam/1";
  apply(alertOn("xz", "xz", a, place("城关镇", "新庄村", "410225100201")));
  EXPECT_EQ(picture_.openAlerts().at("xz/a2").alert.message, "see rtsp://u:***@cam/1");
}

TEST_F(Live, ACameraWhoseRetainedTopicIsClearedLeavesThePicture) {
  village();
  apply({"villagecam/xz/cameras/bridge/status", "", true});
  EXPECT_EQ(picture_.node("xz")->cameras.count("bridge"), 0u);
}

TEST_F(Live, TheApiSaysWhatIsBrokenSinceWhenAndNeverACameraUrl) {
  village();
  const auto problems = problemsJson(picture_);
  ASSERT_EQ(problems["offline_cameras"].size(), 1u);
  EXPECT_EQ(problems["offline_cameras"][0]["camera"], "bridge");
  EXPECT_EQ(problems["offline_cameras"][0]["since"], toRfc3339(wall_ - 5min));
  EXPECT_EQ(problems["offline_cameras"][0]["failure"], "refused");  // the code the pages put in words
  EXPECT_EQ(villageJson(picture_, "xz")["cameras"][0]["failure"], "refused");  // bridge, first by id
  ASSERT_EQ(problems["tampered_views"].size(), 1u);
  EXPECT_EQ(problems["tampered_views"][0]["issues"], nlohmann::json::array({"blank"}));
  ASSERT_EQ(problems["uncovered_areas"].size(), 2u);
  ASSERT_EQ(problems["unverified_views"].size(), 1u);
  const auto summary = summaryJson(picture_, "兰考县", wall_);
  EXPECT_EQ(summary["cameras"]["configured"], 6);
  EXPECT_EQ(summary["rates"]["online"], 0.6667);
  EXPECT_EQ(summary["rates"]["unverified_views"], 0.1667);
  for (const auto& text : {summary.dump(), problems.dump(), villagesJson(picture_).dump(), openAlertsJson(picture_).dump()}) {
    EXPECT_EQ(text.find("rtsp"), std::string::npos) << text;
    EXPECT_EQ(text.find("admin:"), std::string::npos) << text;
  }
}

// The device codes the nodes publish are on the village page and the lists,
// and found by the console's search, a whole code first.
TEST_F(Live, SearchFindsVillagesAndCamerasByDeviceCodeNameOrIdBestFirst) {
  village();
  const auto a = place("城关镇", "新庄村", "410225100201");
  apply(statusOf("xz", a, {{"gate", CameraState::Online, "ok"}, {"square", CameraState::Online, "tampered"},
                           {"bridge", CameraState::Offline, "ok"}}, wall_, 0, false, "41022510001180000001"));
  apply(cameraOf("xz", {"gate", CameraState::Online, "ok", "41022510001320000001"}, wall_));
  apply(cameraOf("xz", {"bridge", CameraState::Offline, "ok", "41022510001320000011"}, wall_));
  apply(cameraOf("gy", {"road", CameraState::Online, "ok", "41022510101320000001"}, wall_));

  const auto v = villageJson(picture_, "xz");
  EXPECT_EQ(v["gb_code"], "41022510001180000001");
  EXPECT_EQ(v["cameras"][1]["id"], "gate");
  EXPECT_EQ(v["cameras"][1]["gb_code"], "41022510001320000001");
  EXPECT_TRUE(v["cameras"][2]["gb_code"].is_null());  // square: none configured
  EXPECT_EQ(problemsJson(picture_)["offline_cameras"][0]["gb_code"], "41022510001320000011");
  EXPECT_TRUE(villageJson(picture_, "db")["gb_code"].is_null());

  auto found = [&](const std::string& q) {
    std::vector<std::string> out;
    const auto answer = searchJson(picture_, q);
    for (const auto& r : answer["results"]) {
      out.push_back(r["kind"].get<std::string>() + ":" + r["node"].get<std::string>() +
                    (r["kind"] == "camera" ? "/" + r["camera"].get<std::string>() : ""));
    }
    return out;
  };
  using V = std::vector<std::string>;
  // A whole code: that camera only.
  EXPECT_EQ(found("41022510001320000001"), V{"camera:xz/gate"});
  const auto gate = searchJson(picture_, "41022510001320000001")["results"][0];
  EXPECT_EQ(gate["gb_code"], "41022510001320000001");
  EXPECT_EQ(gate["matched"], "gb_code");
  EXPECT_EQ(gate["village"], "新庄村");
  EXPECT_EQ(gate["state"], "online");
  // The start of a code: the node and its coded cameras, the node's code first by its length.
  EXPECT_EQ(found("4102251000"), (V{"village:xz", "camera:xz/bridge", "camera:xz/gate"}));
  // A code's tail; a name in Chinese; an id in any case.
  EXPECT_EQ(found("1320000011"), V{"camera:xz/bridge"});
  EXPECT_EQ(found("谷营"), V{"village:gy"});
  EXPECT_EQ(found("ROAD"), V{"camera:gy/road"});
  EXPECT_EQ(found("gate"), (V{"camera:db/gate", "camera:xz/gate"}));  // by id, whole; both villages
  EXPECT_TRUE(found("").empty());
  EXPECT_TRUE(found("no such thing").empty());
  // Bounded: at most `limit`, and how many more.
  const auto few = searchJson(picture_, "a", 2);
  EXPECT_EQ(few["results"].size(), 2u);
  EXPECT_GT(few["more"].get<int>(), 0);
}

// The pages show every code of the contract through these words: each
// language has words for every code, and the Chinese ones are Chinese.
TEST(Words, EveryCodeHasWordsInBothLanguagesAndTheChineseOnesAreChinese) {
  const auto words = wordsJson();
  ASSERT_TRUE(words.contains("zh-CN"));
  ASSERT_TRUE(words.contains("en"));
  for (const char* kind : {"failure", "issue", "camera_state", "area_state", "cause", "silence", "alert_type", "reply_code", "live_phase", "clip_phase"}) {
    ASSERT_TRUE(words["zh-CN"].contains(kind)) << kind;
    ASSERT_FALSE(words["zh-CN"][kind].empty()) << kind;
    for (const auto& [code, zh] : words["zh-CN"][kind].items()) {
      ASSERT_TRUE(words["en"][kind].contains(code)) << kind << "." << code << " has no English words";
      auto text = zh.get<std::string>();
      for (const char* codec : {"H.264", "H.265"}) {  // codec names stay as they are
        for (auto at = text.find(codec); at != std::string::npos; at = text.find(codec)) text.erase(at, 5);
      }
      EXPECT_TRUE(std::none_of(text.begin(), text.end(), [](char ch) { return std::isalpha(static_cast<unsigned char>(ch)); }))
          << kind << "." << code << ": '" << text << "' is not Chinese";
    }
    EXPECT_EQ(words["en"][kind].size(), words["zh-CN"][kind].size()) << kind;
  }
  // Every code the contract's schemas name has words.
  for (const char* failure : {"unauthorized", "not_found", "refused", "unreachable", "timeout", "stream_ended",
                              "unsupported_codec", "stalled", "other"}) {
    EXPECT_TRUE(words["zh-CN"]["failure"].contains(failure)) << failure;
  }
  for (const auto& issue : config::kViewIssueNames) EXPECT_TRUE(words["zh-CN"]["issue"].contains(issue)) << issue;
  std::ifstream schema_file(VILLAGECAM_SOURCE_DIR "/docs/schema/command-reply.json");
  const auto schema = nlohmann::json::parse(schema_file);
  for (const auto& code : schema["properties"]["code"]["oneOf"][0]["enum"]) {
    EXPECT_TRUE(words["zh-CN"]["reply_code"].contains(code.get<std::string>())) << code;
  }
}

}  // namespace
}  // namespace villagecam::county
