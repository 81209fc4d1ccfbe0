// The MQTT contract as a library: every payload the node writes is read back
// by the readers into the same values and written again unchanged; every
// payload validates against its JSON Schema (python3-jsonschema, the
// reference the county checks with); the examples in docs/mqtt.md validate
// and read; a bad payload is refused naming the JSON path; a later minor
// version is read and another major refused.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "contract/payloads.hpp"
#include "contract/readers.hpp"
#include "contract/topics.hpp"
#include "scratch_dir.hpp"

namespace villagecam {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const WallTime kT0 = WallTime(std::chrono::milliseconds(1'795'000'000'123));

events::Alert sampleAlert() {
  events::Alert a;
  a.id = "4c1f7f5e-0c1b-4a43-9d52-1e9e2c1f0b7a";
  a.type = events::AlertType::Intrusion;
  a.severity = events::severityOf(a.type);
  a.phase = events::AlertPhase::Update;
  a.camera_id = "school";
  a.camera_name = "学校门口";
  a.zone_id = "gate";
  a.zone_name = "校门";
  a.objects = {{0.412, 0.305, 0.081, 0.297}};
  a.person = true;
  a.suppressed = 3;
  a.snapshot = events::SnapshotRef{"5f0b7c3e-1d2a-4b8c-9e6f-0a1b2c3d4e5f",
                                   contract::topics::cameraSnapshot("villagecam/x", "school"), kT0};
  a.started_at = kT0;
  a.updated_at = kT0 + 30s;
  a.reason_code = "person";
  a.detail = "1 object(s) in zone gate";
  a.message = events::renderMessage(a, config::Language::ZhCN);
  return a;
}

events::Alert sampleCoverageAlert() {
  events::Alert a;
  a.id = "0d6e5b1a-8f3c-4d2e-a1b7-6c9d0e4f2a31";
  a.type = events::AlertType::CoverageLost;
  a.severity = events::severityOf(a.type);
  a.phase = events::AlertPhase::End;
  a.area_id = "east-entrance";
  a.area_name = "村东入口";
  a.area_kind = "entrance";
  a.area_grid = "东片第3网格";
  a.causes = {{"gate-east", "村口东", "view_tampered", "blank"}};
  a.started_at = kT0;
  a.ended_at = kT0 + 95s;
  a.reason_code = "view_tampered";
  a.detail = "gate-east: view_tampered (blank)";
  a.message = events::renderMessage(a, config::Language::En);
  return a;
}

health::CameraHealth sampleHealth() {
  health::CameraHealth h;
  h.id = "gate";
  h.name = "村口";
  h.url = "rtsp://admin:***@10.0.0.7/ch1";
  h.gb_code = "41022510001320000001";
  h.state = health::CameraState::Stalled;
  h.since = kT0;
  h.reason = "no frames for 3 s";
  h.failure = "stalled";
  h.codec = "h264";
  h.width = 1280;
  h.height = 720;
  h.fps = 25;
  h.bitrate_kbps = 2048.5;
  h.keyframe_interval_s = 2;
  h.last_frame = kT0 - 3s;
  h.reconnects = 2;
  h.frames_received = 1000;
  h.frames_decoded = 80;
  h.frames_dropped = 1;
  return h;
}

health::UptimeStats sampleUptime() { return {{3000, 600, 0}, {80000, 6400, 0}, {500000, 4800, 100000}}; }

contract::CoverageSummary sampleCoverage() {
  contract::CoverageSummary c;
  c.node_id = "xinzhuang";
  c.place = {"Lankao County", "Xinzhuang township", "新庄村", "410225100201"};
  c.now = kT0;
  health::AreaCoverage bridge{"bridge", "河堤桥头", config::AreaKind::Bridge, 2.0, health::AreaState::Covered, true,
                              "", false, {{"bridge", "桥头", health::Watch::Yes, "ok", "watching"}}, ""};
  health::AreaCoverage gate{"east-entrance", "村东入口", config::AreaKind::Entrance, 1.0, health::AreaState::Uncovered,
                            true, "", false, {{"gate-east", "村口东", health::Watch::No, "view_tampered", "blank"}}, ""};
  health::AreaCoverage square{"square", "广场", config::AreaKind::Square, 1.0, health::AreaState::Unknown, true,
                              "", false, {{"square", "广场", health::Watch::Unknown, "connecting", "connecting"}}, ""};
  health::AreaCoverage school{"school", "小学门口", config::AreaKind::School, 1.0, health::AreaState::Unverified, false,
                              "school-gate: online; its view is not checked yet", true,
                              {{"school-gate", "校门", health::Watch::Unknown, "unverified",
                                "online; its view is not checked yet", true}}, ""};
  gate.grid = "东片第3网格";
  c.report.areas = {bridge, gate, square, school};
  c.report.weight_covered = 2;
  c.report.weight_unverified = 1;
  c.report.weight_known = 4;
  c.uncovered = {{"bridge", {0, 0}}, {"east-entrance", {12.5, 60.25}}, {"square", {0, 0}}, {"school", {1, 1}}};
  c.uncovered_total = {13.5, 61.25};
  return c;
}

contract::NodeStatus sampleNodeStatus() {
  contract::NodeStatus s;
  s.node_id = "xinzhuang";
  s.place = {"Lankao County", "Xinzhuang township", "新庄村", "410225100201"};
  s.version = "0.1.0";
  s.gb_code = "41022510001180000001";
  s.started_at = kT0;
  s.now = kT0 + 3600s;
  s.status_interval_s = 60;
  s.cameras_by_state = contract::countByState({sampleHealth()});
  s.cameras_disabled = 1;
  s.outbox_depth = 2;
  s.outbox_bytes = 1800;
  s.outbox_dropped = 0;
  s.coverage_ratio = 2.0 / 4.0;
  s.areas_total = 4;
  s.areas_covered = 1;
  s.areas_unverified = 1;
  s.coverage_unverified_share = 1.0 / 4.0;
  s.clock = {false, false, 1, 7200.5, kT0 + 60s};  // NTP stepped a clock that booted 2 h behind
  return s;
}

contract::Snapshot sampleSnapshot() {
  std::string jpeg = "\xff\xd8\xff\xe0";
  for (int i = 0; i < 299; ++i) jpeg += static_cast<char>(i * 7);  // not a multiple of 3: padding
  jpeg += "\xff\xd9";
  return {"5f0b7c3e-1d2a-4b8c-9e6f-0a1b2c3d4e5f", "gate", kT0, "view_tampered", 640, 360, jpeg};
}

TEST(ContractRoundTrip, AlertsReadBackToTheSameAlertAndPayload) {
  const contract::Origin origin{"xinzhuang", {"Lankao County", "Xinzhuang township", "新庄村", "410225100201"}};
  for (const auto& a : {sampleAlert(), sampleCoverageAlert()}) {
    const auto j = contract::alertJson(a, origin, config::Language::ZhCN);
    const auto message = contract::readAlertMessage(j);
    EXPECT_EQ(message.origin.node_id, "xinzhuang");
    EXPECT_EQ(message.origin.place, origin.place);
    const auto& back = message.alert;
    EXPECT_EQ(back.area_grid, a.area_grid);
    EXPECT_EQ(back.id, a.id);
    EXPECT_EQ(back.type, a.type);
    EXPECT_EQ(back.phase, a.phase);
    EXPECT_EQ(back.objects, a.objects);
    EXPECT_EQ(back.person, a.person);
    EXPECT_EQ(back.causes, a.causes);
    EXPECT_EQ(back.started_at, a.started_at);
    EXPECT_EQ(back.ended_at, a.ended_at);
    EXPECT_EQ(back.updated_at, a.updated_at);
    EXPECT_EQ(contract::alertJson(back, origin, config::Language::ZhCN), j);
  }
}

TEST(ContractRoundTrip, CameraStatusReadsBackToTheSameHealthUptimeViewAndDetection) {
  const contract::ViewReport view{"tampered", {"occluded", "colour_cast"}, 0.42, kT0 - 24h,
                                  contract::ViewMeasuresReport{0.93, 1.02, 0.88, 0.11, 1.4, 0, 0.45, 0.01}};
  const contract::DetectionReport detection{900, 4, 1, 2};
  const auto j = contract::cameraStatusJson(sampleHealth(), sampleUptime(), view, "xinzhuang", kT0, detection);
  const auto m = contract::readCameraStatus(j);
  EXPECT_EQ(m.node_id, "xinzhuang");
  EXPECT_EQ(m.health.id, "gate");
  EXPECT_EQ(m.health.gb_code, "41022510001320000001");
  EXPECT_EQ(m.health.state, health::CameraState::Stalled);
  EXPECT_EQ(m.health.frames_decoded, 80u);
  EXPECT_EQ(m.health.last_frame, kT0 - 3s);
  EXPECT_EQ(m.uptime.last_7d.unknown_s, 100000);
  EXPECT_EQ(m.view.issues, view.issues);
  EXPECT_EQ(m.view.covered_share, 0.42);
  EXPECT_EQ(m.view.measures, view.measures);
  ASSERT_TRUE(m.detection.has_value());
  EXPECT_EQ(m.detection->events, 4u);
  EXPECT_EQ(contract::cameraStatusJson(m.health, m.uptime, m.view, m.node_id, m.updated_at, m.detection), j);
  // A camera never seen streaming: no codec, size or detection.
  health::CameraHealth fresh;
  fresh.id = "new";
  fresh.since = kT0;
  const auto k = contract::cameraStatusJson(fresh, {}, {}, "xinzhuang", kT0);
  const auto n = contract::readCameraStatus(k);
  EXPECT_FALSE(n.detection.has_value());
  EXPECT_EQ(contract::cameraStatusJson(n.health, n.uptime, n.view, n.node_id, n.updated_at, n.detection), k);
}

TEST(ContractRoundTrip, NodeStatusCoverageAndSnapshotReadBackUnchanged) {
  const auto ns = contract::nodeStatusJson(sampleNodeStatus());
  EXPECT_EQ(contract::nodeStatusJson(contract::readNodeStatus(ns)), ns);
  EXPECT_EQ(ns["gb_code"], "41022510001180000001");
  const auto cov = contract::coverageJson(sampleCoverage());
  const auto c = contract::readCoverage(cov);
  EXPECT_EQ(c.report.ratio(), sampleCoverage().report.ratio());
  EXPECT_EQ(c.report.areas.at(1).cameras.at(0).watching, health::Watch::No);
  EXPECT_EQ(c.report.areas.at(1).grid, "东片第3网格");
  EXPECT_EQ(c.place, sampleCoverage().place);
  EXPECT_EQ(contract::coverageJson(c), cov);
  const auto shot = contract::snapshotJson(sampleSnapshot(), "xinzhuang");
  const auto s = contract::readSnapshot(shot);
  EXPECT_EQ(s.snapshot.jpeg, sampleSnapshot().jpeg);
  EXPECT_EQ(contract::snapshotJson(s.snapshot, s.node_id), shot);
}

contract::Command sampleCommand() {
  contract::Command c;
  c.id = "c7d1e2f3-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
  c.node_id = "xinzhuang";
  c.kind = contract::CommandKind::LiveStart;
  c.camera_id = "gate";
  c.issued_at = kT0;
  c.expires_at = kT0 + 10s;
  c.lease_until = kT0 + 30s;
  return c;
}

contract::Command sampleClipCommand() {
  contract::Command c = sampleCommand();
  c.kind = contract::CommandKind::ClipUpload;
  c.camera_id.clear();
  c.alert_id = "9a41c2d7-3b5e-4f60-8e2a-7d1c0b9f4e56";
  c.lease_until.reset();
  return c;
}

contract::CommandReply sampleReply() {
  contract::CommandReply r;
  r.command_id = sampleCommand().id;
  r.node_id = "xinzhuang";
  r.kind = contract::CommandKind::LiveStart;
  r.camera_id = "gate";
  r.status = contract::ReplyStatus::Refused;
  r.code = "over_bitrate";
  r.message = "超出本村上行带宽上限，请先关闭其他实时视频";
  r.at = kT0 + 1s;
  return r;
}

TEST(ContractRoundTrip, CommandsAndRepliesReadBackUnchanged) {
  for (const auto& c : {sampleCommand(), sampleClipCommand()}) {
    const auto j = contract::commandJson(c);
    EXPECT_EQ(contract::commandJson(contract::readCommand(j)), j);
  }
  const auto reply = contract::commandReplyJson(sampleReply(), config::Language::ZhCN);
  const auto m = contract::readCommandReply(reply);
  EXPECT_EQ(m.reply.code, "over_bitrate");
  EXPECT_EQ(contract::commandReplyJson(m.reply, m.language), reply);
}

// Every payload the writers make, checked by the schemas themselves.
TEST(ContractSchemas, EveryPayloadValidatesAgainstItsSchema) {
  testing::ScratchDir dir("contract");
  const std::string prefix = "villagecam/xinzhuang";
  std::ofstream out(dir.path() / "messages.jsonl");
  auto line = [&](const std::string& topic, const json& payload) {
    out << json{{"topic", topic}, {"payload", payload.dump()}}.dump() << '\n';
  };
  line(contract::topics::alerts(prefix), contract::alertJson(sampleAlert(), "xinzhuang", config::Language::ZhCN));
  line(contract::topics::alerts(prefix), contract::alertJson(sampleCoverageAlert(), "xinzhuang", config::Language::En));
  line(contract::topics::cameraStatus(prefix, "gate"),
       contract::cameraStatusJson(sampleHealth(), sampleUptime(),
                                  {"tampered", {"snow"}, std::nullopt, kT0,
                                   contract::ViewMeasuresReport{1.1, 0.6, 0.9, 0.02, 11.5, 0, 0.1, 0.004}},
                                  "xinzhuang", kT0, contract::DetectionReport{1, 2, 3, 4}));
  line(contract::topics::status(prefix), contract::nodeStatusJson(sampleNodeStatus()));
  line(contract::topics::coverage(prefix), contract::coverageJson(sampleCoverage()));
  line(contract::topics::cameraSnapshot(prefix, "gate"), contract::snapshotJson(sampleSnapshot(), "xinzhuang"));
  line(contract::topics::commands(prefix), contract::commandJson(sampleCommand()));
  line(contract::topics::commands(prefix), contract::commandJson(sampleClipCommand()));
  line(contract::topics::replies(prefix), contract::commandReplyJson(sampleReply(), config::Language::ZhCN));
  out.close();
  const std::string cmd = "python3 " VILLAGECAM_SOURCE_DIR "/tests/support/validate_payloads.py " VILLAGECAM_SOURCE_DIR
                          "/docs/schema " + (dir.path() / "messages.jsonl").string() + " > " +
                          (dir.path() / "report.txt").string() + " 2>&1";
  const int rc = std::system(cmd.c_str());
  std::ifstream report(dir.path() / "report.txt");
  const std::string text((std::istreambuf_iterator<char>(report)), {});
  EXPECT_EQ(rc, 0) << text;
  EXPECT_NE(text.find("validated 9 payloads, 0 invalid"), std::string::npos) << text;
}

std::vector<json> docExamples() {
  std::ifstream in(VILLAGECAM_SOURCE_DIR "/docs/mqtt.md");
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  std::vector<json> out;
  const std::regex block("```json\\n([\\s\\S]*?)```");
  for (std::sregex_iterator it(text.begin(), text.end(), block), end; it != end; ++it) out.push_back(json::parse((*it)[1].str()));
  return out;
}

TEST(ContractDocs, TheExamplesInTheDocsValidateAgainstTheSchemas) {
  const std::string cmd = "python3 " VILLAGECAM_SOURCE_DIR "/tests/support/validate_doc_examples.py " VILLAGECAM_SOURCE_DIR
                          "/docs/mqtt.md " VILLAGECAM_SOURCE_DIR "/docs/schema";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}

TEST(ContractDocs, TheExamplesInTheDocsReadAndWriteBackUnchanged) {
  const auto examples = docExamples();
  ASSERT_GE(examples.size(), 3u);
  for (const auto& j : examples) {
    if (j.at("schema").get<std::string>().starts_with("villagecam.command/")) {
      EXPECT_EQ(contract::commandJson(contract::readCommand(j)), j) << j.dump();
      continue;
    }
    if (j.at("schema").get<std::string>().starts_with("villagecam.command-reply/")) {
      const auto r = contract::readCommandReply(j);
      EXPECT_EQ(contract::commandReplyJson(r.reply, r.language), j) << j.dump();
      continue;
    }
    const auto m = contract::readAlertMessage(j);
    const auto language = j.at("language") == "en" ? config::Language::En : config::Language::ZhCN;
    EXPECT_EQ(contract::alertJson(m.alert, m.origin, language), j) << j.dump();
  }
}

std::string readError(const std::function<void()>& read) {
  try {
    read();
  } catch (const contract::PayloadError& e) {
    return e.what();
  }
  return "(read)";
}

TEST(ContractReaders, ABadPayloadIsRefusedNamingTheJsonPath) {
  const auto status = contract::cameraStatusJson(sampleHealth(), sampleUptime(), {}, "xinzhuang", kT0);
  const auto alert = contract::alertJson(sampleAlert(), "xinzhuang", config::Language::ZhCN);
  const auto coverage = contract::coverageJson(sampleCoverage());
  struct Case {
    std::function<void()> read;
    std::string error;
  };
  auto with = [](json j, const json::json_pointer& at, json value) {
    j[at] = std::move(value);
    return j;
  };
  auto without = [](json j, const std::string& key) {
    j.erase(key);
    return j;
  };
  const auto command = contract::commandJson(sampleCommand());
  const std::vector<Case> cases = {
      {[&] { contract::readCommand(with(command, "/command"_json_pointer, "format_disk")); },
       "command: /command: unknown value 'format_disk' (expected one of live_start, live_stop, clip_upload)"},
      {[&] { contract::readCommand(with(command, "/camera"_json_pointer, nullptr)); },
       "command: /camera: live_start names a camera"},
      {[&] { contract::readCommand(with(command, "/lease_until"_json_pointer, "2020-01-01T00:00:00.000Z")); },
       "command: /lease_until: before issued_at"},
      {[&] { contract::readCommand(with(command, "/camera"_json_pointer, "../gate")); },
       "command: /camera: expected an id (1-80 of A-Z a-z 0-9 _ . : -), got \"../gate\""},
      {[&] { contract::readCameraStatus(with(status, "/stream/fps"_json_pointer, "fast")); },
       "camera-status: /stream/fps: expected a number, got \"fast\""},
      {[&] { contract::readCameraStatus(with(status, "/state"_json_pointer, "asleep")); },
       "camera-status: /state: unknown value 'asleep' (expected one of connecting, online, stalled, offline, "
       "unauthorized)"},
      {[&] { contract::readCameraStatus(without(status, "uptime")); }, "camera-status: /: missing key 'uptime'"},
      {[&] { contract::readCameraStatus(with(status, "/since"_json_pointer, "yesterday")); },
       "camera-status: /since: expected an RFC 3339 time, got \"yesterday\""},
      {[&] { contract::readAlert(with(alert, "/phase"_json_pointer, "middle")); },
       "alert: /phase: unknown value 'middle' (expected one of start, update, end)"},
      {[&] { contract::readAlert(with(alert, "/objects/0/w"_json_pointer, nullptr)); },
       "alert: /objects/0/w: expected a number, got null"},
      {[&] { contract::readAlert(with(alert, "/schema"_json_pointer, "villagecam.alert/2")); },
       "alert: /schema: 'villagecam.alert/2' is not a version this reader knows (it reads villagecam.alert/1 and "
       "its minor versions)"},
      {[&] { contract::readCoverage(with(coverage, "/areas/1/state"_json_pointer, "half")); },
       "coverage: /areas/1/state: unknown value 'half' (expected one of covered, uncovered, unknown, unverified)"},
      {[&] { contract::readSnapshot(with(contract::snapshotJson(sampleSnapshot(), "x"), "/jpeg_base64"_json_pointer, "abc")); },
       "snapshot: /jpeg_base64: not base64 (its length is not a multiple of 4)"},
      {[&] { contract::readNodeStatus(with(contract::nodeStatusJson(sampleNodeStatus()), "/admin_code"_json_pointer,
                                            "410225000201")); },
       "node-status: /admin_code: '410225000201': township part '000' (digits 7-9) is zero, which makes it a "
       "county's code, not a village's"},
      {[&] { contract::readCameraStatus(with(status, "/gb_code"_json_pointer, "4102251000132000001x")); },
       "camera-status: /gb_code: a GB/T 28181 device code is 20 digits"},
      {[&] { contract::readNodeStatus(with(contract::nodeStatusJson(sampleNodeStatus()), "/gb_code"_json_pointer, 41)); },
       "node-status: /gb_code: expected a string, got 41"},
      {[&] { contract::parsePayload("{\"schema\":", "node-status"); }, ""},
  };
  for (const auto& c : cases) {
    const auto got = readError(c.read);
    if (c.error.empty()) {
      EXPECT_EQ(got.rfind("node-status: not JSON (", 0), 0u) << got;
    } else {
      EXPECT_EQ(got, c.error);
    }
  }
}

TEST(ContractReaders, ALaterMinorVersionIsReadAndItsNewFieldsIgnored) {
  auto j = contract::nodeStatusJson(sampleNodeStatus());
  j["schema"] = "villagecam.node-status/1.9";
  j["grid_leader"] = "王";
  EXPECT_EQ(contract::readNodeStatus(j).place.village, "新庄村");
  EXPECT_TRUE(contract::readsSchema("villagecam.alert/1", "villagecam.alert"));
  EXPECT_TRUE(contract::readsSchema("villagecam.alert/1.12", "villagecam.alert"));
  EXPECT_FALSE(contract::readsSchema("villagecam.alert/10", "villagecam.alert"));
  EXPECT_FALSE(contract::readsSchema("villagecam.coverage/1", "villagecam.alert"));
}

}  // namespace
}  // namespace villagecam

namespace villagecam {
namespace {

// Issue 13: a 1.0 node called an area watched only by unchecked views
// "covered" with verified false; read now, that area is unverified and out
// of the verified ratio. Its node status, without the 1.1 counts, reads too.
TEST(ContractReaders, AnOlderCoverageCountsItsUncheckedAreasAsUnverified) {
  auto j = contract::coverageJson(sampleCoverage());
  j["schema"] = "villagecam.coverage/1";
  j.erase("unverified_share");
  j.erase("areas_unverified");
  auto& school = j["areas"][3];
  school.erase("unverified_reason");
  school["state"] = "covered";
  school["verified"] = false;
  const auto c = contract::readCoverage(j);
  EXPECT_EQ(c.report.areas.at(3).state, health::AreaState::Unverified);
  EXPECT_DOUBLE_EQ(*c.report.ratio(), 2.0 / 4.0);
  EXPECT_DOUBLE_EQ(*c.report.unverifiedShare(), 1.0 / 4.0);

  auto ns = contract::nodeStatusJson(sampleNodeStatus());
  ns["schema"] = "villagecam.node-status/1";
  ns["coverage"].erase("unverified");
  ns["coverage"].erase("unverified_share");
  const auto s = contract::readNodeStatus(ns);
  EXPECT_EQ(s.areas_unverified, 0);
  EXPECT_FALSE(s.coverage_unverified_share);
}

// Issue 14: payloads from before the place keys (node-status/1.2,
// coverage/1.1, alert/1.2) read with what they had.
TEST(ContractReaders, PayloadsFromBeforeThePlaceKeysReadWithAnEmptyPlace) {
  auto ns = contract::nodeStatusJson(sampleNodeStatus());
  ns["schema"] = "villagecam.node-status/1.2";
  ns.erase("township");
  ns.erase("admin_code");
  ns.erase("gb_code");
  const auto s = contract::readNodeStatus(ns);
  EXPECT_EQ(s.place, (contract::Place{"Lankao County", "", "新庄村", ""}));
  EXPECT_EQ(s.gb_code, "");

  auto cs = contract::cameraStatusJson(sampleHealth(), sampleUptime(), {}, "xinzhuang", kT0);
  cs["schema"] = "villagecam.camera-status/1.5";  // from before the device codes
  cs.erase("gb_code");
  EXPECT_EQ(contract::readCameraStatus(cs).health.gb_code, "");

  auto cov = contract::coverageJson(sampleCoverage());
  cov["schema"] = "villagecam.coverage/1.1";
  for (const char* key : {"region", "township", "village", "admin_code"}) cov.erase(key);
  for (auto& area : cov["areas"]) area.erase("grid");
  const auto c = contract::readCoverage(cov);
  EXPECT_EQ(c.place, contract::Place{});
  EXPECT_EQ(c.report.areas.at(1).grid, "");

  auto alert = contract::alertJson(sampleCoverageAlert(), "xinzhuang", config::Language::En);
  alert["schema"] = "villagecam.alert/1.2";
  for (const char* key : {"region", "township", "village", "admin_code"}) alert.erase(key);
  alert["area"].erase("grid");
  const auto m = contract::readAlertMessage(alert);
  EXPECT_EQ(m.origin.node_id, "xinzhuang");
  EXPECT_EQ(m.origin.place, contract::Place{});
  EXPECT_EQ(m.alert.area_grid, "");
}

}  // namespace
}  // namespace villagecam
