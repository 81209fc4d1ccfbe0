// The MQTT contract as the county sees it, from the real node binary against a
// real mosquitto: schema-valid payloads, alert start/end under one id, the
// last will, retained truth after a broker restart, cleared topics of removed
// cameras, mqtt-test's plain-words failures, and the example ACL.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <thread>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>
#include <mqtt/async_client.h>
#include <signal.h>
#include <sys/wait.h>

#include "child_process.hpp"
#include "scratch_dir.hpp"
#include "mosquitto.hpp"
#include "push/push_receiver.hpp"
#include "mqtt_subscriber.hpp"
#include "raw_http.hpp"
#include "test_cameras.hpp"
#include "util/time_format.hpp"

namespace villagecam {
namespace {

using namespace std::chrono_literals;
using namespace villagecam::testing;
namespace fs = std::filesystem;
using Messages = std::vector<ReceivedMessage>;

class MqttNode : public ::testing::Test {
 protected:

  fs::path writeConfig(const std::string& mqtt_yaml, const std::string& cameras_yaml, const std::string& node = "n1") {
    const fs::path file = dir_ / ("villagecam-" + std::to_string(++configs_) + ".yaml");
    std::ofstream(file) << "node: {id: " << node << ", township: 城关镇, village: 新庄村, admin_code: \"410225100201\", "
                        << "gb_code: \"41022510001180000001\", trust_unsynchronised_clock: true}\nstate_dir: " << (dir_ / "state").string()
                        << "\nuptime_flush_interval: 1s\nalerts: {language: en}\n"
                        << "ingest: {stall_timeout: 2s, backoff_max: 2s, connect_timeout: 4s, pipelines_dir: "
                        << pipelinesSourceDir() << "}\nmqtt:\n" << mqtt_yaml << "cameras:\n" << cameras_yaml;
    return file;
  }
  static std::string brokerYaml(const Mosquitto& b) {
    return "  brokers: [" + b.uri() + "]\n  keepalive: 5s\n  reconnect_min: 1s\n  reconnect_max: 2s\n"
           "  status_interval: 5s\n";
  }
  std::unique_ptr<ChildProcess> runNode(const fs::path& config) {
    return std::make_unique<ChildProcess>(std::vector<std::string>{nodeBinary(), "run", "--config", config.string()});
  }
  static std::function<bool(const Messages&)> has(const std::string& topic,
                                                  std::function<bool(const std::string&)> payload) {
    return [=](const Messages& ms) {
      for (const auto& m : ms) {
        if (m.topic == topic && payload(m.payload)) return true;
      }
      return false;
    };
  }
  static std::function<bool(const std::string&)> is(const std::string& text) {
    return [=](const std::string& p) { return p == text; };
  }
  static std::function<bool(const std::string&)> json(std::function<bool(const nlohmann::json&)> f) {
    return [=](const std::string& p) { return !p.empty() && f(nlohmann::json::parse(p)); };
  }

  // A program of the system by name (ffprobe), to the end; its exit code and output.
  static std::pair<int, std::string> runTool(std::vector<std::string> argv) {
    argv[0] = "/usr/bin/" + argv[0];
    ChildProcess p(std::move(argv));
    const auto status = p.wait(30s);
    p.waitForEndOfOutput(5s);
    return {status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1, p.output()};
  }

  ScratchDir dir_{"mqtt"};
  int configs_ = 0;
};

TEST_F(MqttNode, PublishesSchemaValidPayloadsAndAlertsWithAStartAndAnEnd) {
  Mosquitto broker;
  TestCameras cams({CameraSpec{.name = "gate"}, CameraSpec{.name = "bridge", .codec = "h265"}});
  MqttSubscriber county(broker.uri(), "villagecam/n1/#");
  const auto config = writeConfig(brokerYaml(broker), "  - {id: gate, rtsp_url: \"" + cams.url("gate") +
                                                          "\"}\n  - {id: bridge, name: Bridge, rtsp_url: \"" +
                                                          cams.url("bridge") + "\"}\n  - {id: dead, rtsp_url: "
                                                          "\"rtsp://admin:hunter2@127.0.0.1:1/x\"}\n");
  auto node = runNode(config);
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/state", is("online")), 20s)) << node->output();
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/cameras/bridge/status",
                                   json([](const nlohmann::json& j) { return j["state"] == "online"; })), 20s)) << node->output();
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json([](const nlohmann::json& j) {
    return j["camera"]["id"] == "dead" && j["phase"] == "start" && j["reason"] == "refused";
  })), 20s));

  cams.stop("bridge");
  std::string id;
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json([&](const nlohmann::json& j) {
    if (j["camera"]["id"] != "bridge" || j["phase"] != "start") return false;
    id = j["id"];
    return j["type"] == "camera_offline" && j["severity"] == "critical";
  })), 20s)) << node->output();
  cams.start("bridge");
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json([&](const nlohmann::json& j) {
    return j["id"] == id && j["phase"] == "end" && j["duration_s"].get<double>() > 0 &&
           j["message"].get<std::string>().find("back online") != std::string::npos;
  })), 20s)) << node->output();
  // A periodic status round with measured stream values.
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/cameras/gate/status", json([](const nlohmann::json& j) {
    return j["stream"]["fps"].get<double>() > 5 && j["stream"]["codec"] == "h264";
  })), 20s));

  node->signal(SIGTERM);
  ASSERT_TRUE(node->wait(5s));
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/state", is("offline")), 5s));

  const auto [valid, report] = county.validateAgainstSchemas(dir_);
  EXPECT_TRUE(valid) << report;
  for (const auto& m : county.messages()) EXPECT_EQ(m.payload.find("hunter2"), std::string::npos) << m.payload;
}

// Issue 4's promise: a covered lens raises view_tampered (with its kind and a
// snapshot) and coverage_lost for the camera's area within the hysteresis
// plus 2 s; both end when the cover comes off.
class CoverageNode : public MqttNode {
 protected:
  void SetUp() override {
    cams_ = std::make_unique<TestCameras>(std::vector<CameraSpec>{CameraSpec{.name = "gate"}});
    // Every frame decoded: the promise is hysteresis + 2 s, and a key-frame
    // camera (the default without zones) adds up to one key-frame interval.
    config_ = writeConfig(brokerYaml(broker_), "  - {id: gate, name: East gate, rtsp_url: \"" + cams_->url("gate") +
                                                   "\", analysis: {mode: full}, gb_code: \"41022510001320000007\"}\n");
    std::ofstream(config_, std::ios::app)
        << "view_quality: {check_interval: 0.5s, raise_after: 2s, clear_after: 2s}\n"
        << "areas:\n  - {id: east-entrance, name: East entrance, kind: entrance, weight: 2, grid: 东片第3网格, "
           "cameras: [gate]}\n";
    auto [code, out] = runCommand({nodeBinary(), "baseline", "--config", config_.string(), "--frames", "5", "--seconds", "2"});
    ASSERT_EQ(code, 0) << out;
  }
  static std::function<bool(const nlohmann::json&)> alert(const std::string& type, const std::string& phase,
                                                          std::string* id = nullptr) {
    return [=](const nlohmann::json& j) {
      if (j["type"] != type || j["phase"] != phase || (id && !id->empty() && j["id"] != *id)) return false;
      if (id && id->empty()) *id = j["id"];
      return true;
    };
  }
  static std::function<bool(const nlohmann::json&)> area(const std::string& state) {
    return [=](const nlohmann::json& j) { return j["areas"][0]["state"] == state; };
  }
  Mosquitto broker_;
  std::unique_ptr<TestCameras> cams_;
  fs::path config_;
};

TEST_F(CoverageNode, ACoveredLensRaisesViewTamperedAndCoverageLostWithASnapshotAndBothEndWhenUncovered) {
  MqttSubscriber county(broker_.uri(), "villagecam/n1/#");
  auto node = runNode(config_);
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/coverage", json(area("covered"))), 20s)) << node->output();
  std::this_thread::sleep_for(4s);  // observation: a good view raises nothing over twice the hysteresis
  for (const auto& m : county.on("villagecam/n1/alerts")) ADD_FAILURE() << "unexpected alert: " << m.payload;

  cams_->cap("gate");
  const auto capped_at = std::chrono::steady_clock::now();
  std::string tamper_id, lost_id;
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json(alert("view_tampered", "start", &tamper_id))), 20s))
      << node->output();
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json(alert("coverage_lost", "start", &lost_id))), 20s));
  EXPECT_LT(std::chrono::steady_clock::now() - capped_at, 2s + 2s);  // within the hysteresis plus 2 s
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/coverage", json(area("uncovered"))), 5s));
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/cameras/gate/status", json([](const nlohmann::json& j) {
    return j["view"]["state"] == "tampered" && j["view"]["issues"] == nlohmann::json::array({"blank"});
  })), 5s));
  // The device codes travel in the statuses too (camera-status/1.6, node-status/1.4).
  for (const auto& m : county.on("villagecam/n1/cameras/gate/status")) {
    EXPECT_EQ(nlohmann::json::parse(m.payload)["gb_code"], "41022510001320000007");
  }
  ASSERT_FALSE(county.on("villagecam/n1/status").empty());
  EXPECT_EQ(nlohmann::json::parse(county.on("villagecam/n1/status").back().payload)["gb_code"], "41022510001180000001");

  nlohmann::json tamper, lost;
  for (const auto& m : county.on("villagecam/n1/alerts")) {
    const auto j = nlohmann::json::parse(m.payload);
    if (j["id"] == tamper_id) tamper = j;
    if (j["id"] == lost_id) lost = j;
  }
  EXPECT_EQ(tamper["issues"], nlohmann::json::array({"blank"}));
  // As GB/T 28181 names it (alert/1.8): 图像遮挡报警 under 2022, 视频异常检测报警
  // under 2016, about the camera's device; the area's about the node.
  EXPECT_EQ(tamper["gb28181"], (nlohmann::json{{"alarm_method", 5}, {"alarm_type", 13}, {"alarm_type_2016", 11},
                                               {"alarm_priority", 2}, {"event_type", nullptr},
                                               {"device_code", "41022510001320000007"},
                                               {"node_code", "41022510001180000001"}}));
  EXPECT_EQ(lost["gb28181"]["alarm_method"], 7);
  EXPECT_EQ(lost["gb28181"]["device_code"], "41022510001180000001");
  EXPECT_EQ(lost["area"]["id"], "east-entrance");
  EXPECT_EQ(lost["area"]["grid"], "东片第3网格");  // the place travels with the alert (alert/1.3)
  EXPECT_EQ(lost["township"], "城关镇");
  EXPECT_EQ(lost["admin_code"], "410225100201");
  EXPECT_EQ(lost["causes"][0]["code"], "view_tampered");
  EXPECT_NE(lost["message"].get<std::string>().find("East entrance"), std::string::npos) << lost;
  // The snapshot the alert names came on its own topic just before the
  // alert, and is the camera's retained latest.
  ASSERT_TRUE(tamper["snapshot"].is_object()) << tamper;
  const std::string snapshot_id = tamper["snapshot"]["id"];
  EXPECT_EQ(tamper["snapshot"]["topic"], "villagecam/n1/snapshots/" + snapshot_id);
  {
    int snapshot_at = -1, alert_at = -1, i = 0;
    for (const auto& m : county.messages()) {
      if (m.topic == "villagecam/n1/snapshots/" + snapshot_id && snapshot_at < 0) snapshot_at = i;
      if (m.topic == "villagecam/n1/alerts" && m.payload.find(tamper_id) != std::string::npos && alert_at < 0) alert_at = i;
      ++i;
    }
    ASSERT_GE(snapshot_at, 0) << "the snapshot never came on its own topic";
    EXPECT_LT(snapshot_at, alert_at) << "the snapshot comes before the alert that names it";
    const auto own = nlohmann::json::parse(county.on("villagecam/n1/snapshots/" + snapshot_id).front().payload);
    EXPECT_EQ(own["reason"], "view_tampered");
    EXPECT_EQ(own["camera"], "gate");
  }
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/cameras/gate/snapshot", json([&](const nlohmann::json& j) {
    return j["id"] == snapshot_id && j["width"] == 640 && j["reason"] == "view_tampered";
  })), 5s));
  MqttSubscriber late(broker_.uri(), "villagecam/n1/cameras/gate/snapshot");  // retained: a late subscriber gets it
  ASSERT_TRUE(late.waitUntil(has("villagecam/n1/cameras/gate/snapshot",
                                 json([&](const nlohmann::json& j) { return j["id"] == snapshot_id; })), 5s));

  cams_->uncap("gate");
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json(alert("view_tampered", "end", &tamper_id))), 20s))
      << node->output();
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json(alert("coverage_lost", "end", &lost_id))), 20s));
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/coverage", json([](const nlohmann::json& j) {
    return j["areas"][0]["state"] == "covered" && j["ratio"] == 1.0 &&
           j["areas"][0]["uncovered_minutes"]["today"].get<double>() > 0;
  })), 20s));
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/status", json([](const nlohmann::json& j) {
    return j["coverage"]["ratio"] == 1.0 && j["coverage"]["areas"] == 1;
  })), 10s));
  node->signal(SIGTERM);
  ASSERT_TRUE(node->wait(5s));
  const auto [valid, report] = county.validateAgainstSchemas(dir_);
  EXPECT_TRUE(valid) << report;
}

// Issue 13: a picture that stops while the camera goes on encoding it is
// "frozen", from the pictures in analysis mode full and from the encoded
// stream alone in mode health; it ends when the picture moves again.
TEST_F(CoverageNode, AFrozenPictureThatIsStillEncodedRaisesFrozenAndEndsWhenItMoves) {
  MqttSubscriber county(broker_.uri(), "villagecam/n1/#");
  auto node = runNode(config_);
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/coverage", json(area("covered"))), 20s)) << node->output();
  cams_->still("gate");
  const auto stilled_at = std::chrono::steady_clock::now();
  std::string id;
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json(alert("view_tampered", "start", &id))), 20s))
      << node->output();
  // Half the 3 s stillness window, raise_after, one check interval, and 1.5 s
  // for a loaded machine (two test processes share two cores).
  EXPECT_LT(std::chrono::steady_clock::now() - stilled_at, 1500ms + 2s + 500ms + 1500ms) << node->output();
  // The camera's status says frozen. The alert's first issue is usually
  // frozen too, but in about one run in four on a loaded machine it starts
  // with occluded (38-41 % "covered") and frozen joins it. Not yet
  // explained: the held frame may lack one of the compositor's layers (its
  // 6 % noise), or the node may misread a held picture's texture. Left
  // open in issue 26's note, to be found from the alert's snapshot.
  EXPECT_TRUE(county.waitUntil(has("villagecam/n1/cameras/gate/status", json([](const nlohmann::json& j) {
    const auto& issues = j["view"]["issues"];
    return std::find(issues.begin(), issues.end(), "frozen") != issues.end();
  })), 10s)) << node->output();
  for (const auto& m : county.on("villagecam/n1/alerts")) {
    const auto j = nlohmann::json::parse(m.payload);
    if (j["id"] == id && j["issues"] != nlohmann::json::array({"frozen"})) {
      std::cout << "the alert started with " << j["issues"].dump() << " (covered " << j["covered_share"] << ")\n";
    }
  }
  cams_->move("gate");
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json(alert("view_tampered", "end", &id))), 20s))
      << node->output();
  node->signal(SIGTERM);
  ASSERT_TRUE(node->wait(5s));
}

TEST_F(MqttNode, AHealthModeCameraSeesAFrozenPictureInItsEncodedStream) {
  Mosquitto broker;
  TestCameras cams({CameraSpec{.name = "gate"}});
  const auto config = writeConfig(brokerYaml(broker), "  - {id: gate, name: East gate, rtsp_url: \"" +
                                                          cams.url("gate") + "\", analysis: {mode: health}}\n");
  std::ofstream(config, std::ios::app) << "view_quality: {check_interval: 0.5s, raise_after: 2s, clear_after: 2s}\n";
  MqttSubscriber county(broker.uri(), "villagecam/n1/#");
  auto node = runNode(config);
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/cameras/gate/status", json([](const nlohmann::json& j) {
    return j["state"] == "online";
  })), 20s)) << node->output();
  // The stream's own history first: its delta frames while the picture lives.
  // The stream is judged against its own key frames of the last 10 s: wait
  // until the node has received 11 s of it (the camera sends 10 frames a second).
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/cameras/gate/status", json([](const nlohmann::json& j) {
    return j["frames"]["received"].get<int>() >= 110;
  })), 30s)) << node->output();
  for (const auto& m : county.on("villagecam/n1/alerts")) ADD_FAILURE() << "unexpected alert: " << m.payload;
  cams.still("gate");
  const auto stilled_at = std::chrono::steady_clock::now();
  auto frozen = [](const std::string& phase) {
    return [=](const nlohmann::json& j) {
      return j["type"] == "view_tampered" && j["phase"] == phase && j["issues"] == nlohmann::json::array({"frozen"});
    };
  };
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json(frozen("start"))), 20s)) << node->output();
  // The 2 s of delta frames, raise_after, one check interval, 2 s for a loaded machine.
  EXPECT_LT(std::chrono::steady_clock::now() - stilled_at, 2s + 2s + 500ms + 2s);
  cams.move("gate");
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json(frozen("end"))), 20s)) << node->output();
  node->signal(SIGTERM);
  ASSERT_TRUE(node->wait(5s));
}

// Issue 25: a camera that sends one frame in four stutters, judged from its
// encoded stream's timestamps: in mode health (one key frame decoded a
// minute) as in mode full; the status shows the cadence, and the stutter
// ends when every frame comes again.
TEST_F(MqttNode, ACameraSendingOneFrameInFourStuttersInEveryModeAndRecovers) {
  Mosquitto broker;
  TestCameras cams({CameraSpec{.name = "gate"}, CameraSpec{.name = "lane"}});
  const auto config = writeConfig(
      brokerYaml(broker), "  - {id: gate, name: East gate, rtsp_url: \"" + cams.url("gate") +
                              "\", analysis: {mode: health}}\n  - {id: lane, name: Lane, rtsp_url: \"" + cams.url("lane") +
                              "\", analysis: {mode: full}}\n");
  std::ofstream(config, std::ios::app) << "view_quality: {check_interval: 0.5s, raise_after: 2s, clear_after: 2s}\n";
  MqttSubscriber county(broker.uri(), "villagecam/n1/#");
  auto node = runNode(config);
  // The stream's own rate first: 10 frames a second, learned over 5 s.
  auto cadence = [](const std::string& camera, const std::function<bool(const nlohmann::json&)>& want) {
    return has("villagecam/n1/cameras/" + camera + "/status", json([=](const nlohmann::json& j) {
                 return j["view"].contains("cadence") && j["view"]["cadence"].is_object() && want(j["view"]["cadence"]);
               }));
  };
  auto flowing = [](const nlohmann::json& c) {
    return std::abs(c["own_frame_rate"].get<double>() - 10) < 1 && c["frame_rate"].get<double>() > 8;
  };
  for (const std::string camera : {"gate", "lane"}) {
    ASSERT_TRUE(county.waitUntil(cadence(camera, flowing), 30s)) << camera << "\n" << node->output();
  }
  for (const auto& m : county.on("villagecam/n1/alerts")) ADD_FAILURE() << "unexpected alert: " << m.payload;
  auto stutter = [](const std::string& camera, const std::string& phase) {
    return [=](const nlohmann::json& j) {
      return j["type"] == "view_tampered" && j["camera"]["id"] == camera && j["phase"] == phase &&
             j["issues"] == nlohmann::json::array({"stutter"});
    };
  };
  cams.stutter("gate");
  cams.stutter("lane");
  const auto began = std::chrono::steady_clock::now();
  for (const std::string camera : {"gate", "lane"}) {
    ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json(stutter(camera, "start"))), 30s))
        << camera << "\n" << node->output();
  }
  // Two thirds of the 10 s window, raise_after, a check interval, 3 s for a loaded machine.
  EXPECT_LT(std::chrono::steady_clock::now() - began, 7s + 2s + 500ms + 3s);
  ASSERT_TRUE(county.waitUntil(cadence("lane", [](const nlohmann::json& c) {
    return c["frame_rate"].get<double>() < 3 && std::abs(c["own_frame_rate"].get<double>() - 10) < 1;
  }), 20s)) << node->output();
  cams.smooth("gate");
  cams.smooth("lane");
  for (const std::string camera : {"gate", "lane"}) {
    ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json(stutter(camera, "end"))), 30s))
        << camera << "\n" << node->output();
  }
  node->signal(SIGTERM);
  ASSERT_TRUE(node->wait(5s));
  const auto [valid, report] = county.validateAgainstSchemas(dir_);
  EXPECT_TRUE(valid) << report;
}

// Issue 13: coverage counts checked views only. A camera online without a
// baseline leaves its area unverified (with the reason), out of the verified
// ratio and counted in the unverified share; a health-mode camera verifies
// its view from one key frame each health_check_interval, so its area is
// covered, and a lens capped under it is raised and its area lost.
TEST_F(MqttNode, OnlyCheckedViewsCountAsCoverageAndAHealthModeCameraChecksItsViewFromAKeyFrame) {
  Mosquitto broker;
  TestCameras cams({CameraSpec{.name = "gate"}, CameraSpec{.name = "lane"}, CameraSpec{.name = "fresh"}});
  const auto config = writeConfig(
      brokerYaml(broker),
      "  - {id: gate, rtsp_url: \"" + cams.url("gate") + "\", analysis: {mode: full}}\n" +
          "  - {id: lane, rtsp_url: \"" + cams.url("lane") + "\", analysis: {mode: health}}\n" +
          "  - {id: fresh, rtsp_url: \"" + cams.url("fresh") + "\"}\n");
  std::ofstream(config, std::ios::app)
      << "view_quality: {check_interval: 0.5s, health_check_interval: 5s, raise_after: 2s, clear_after: 2s}\n"
      << "areas:\n  - {id: a-gate, kind: entrance, cameras: [gate]}\n  - {id: a-lane, kind: road, cameras: [lane]}\n"
      << "  - {id: a-fresh, kind: square, cameras: [fresh]}\n";
  for (const char* id : {"gate", "lane"}) {  // fresh is left without one, as a camera added after commissioning
    auto [code, out] = runCommand({nodeBinary(), "baseline", "--config", config.string(), "--camera", id, "--frames",
                                   "5", "--seconds", "2"});
    ASSERT_EQ(code, 0) << out;
  }
  MqttSubscriber county(broker.uri(), "villagecam/n1/#");
  auto node = runNode(config);
  auto states = [](const char* gate, const char* lane, const char* fresh) {
    return [=](const nlohmann::json& j) {
      return j["areas"][0]["state"] == gate && j["areas"][1]["state"] == lane && j["areas"][2]["state"] == fresh;
    };
  };
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/coverage", json(states("covered", "covered", "unverified"))), 20s))
      << node->output();
  const auto coverage = nlohmann::json::parse(county.on("villagecam/n1/coverage").back().payload);
  EXPECT_EQ(coverage["schema"], "villagecam.coverage/1.2");
  EXPECT_DOUBLE_EQ(coverage["ratio"].get<double>(), 0.6667);
  EXPECT_DOUBLE_EQ(coverage["unverified_share"].get<double>(), 0.3333);
  EXPECT_EQ(coverage["areas_unverified"], 1);
  EXPECT_NE(coverage["areas"][2]["unverified_reason"].get<std::string>().find("fresh: online; no view baseline yet"),
            std::string::npos)
      << coverage.dump();
  EXPECT_EQ(coverage["areas"][2]["watching"], nlohmann::json::array());
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/status", json([](const nlohmann::json& j) {
    return j["coverage"]["unverified"] == 1 && j["coverage"]["unverified_share"] == 0.3333;
  })), 10s));
  EXPECT_NE(node->output().find("its areas count as unverified"), std::string::npos) << node->output();

  cams.cap("lane");
  const auto capped_at = std::chrono::steady_clock::now();
  auto lane_tampered = [](const std::string& phase) {
    return [=](const nlohmann::json& j) {
      return j["type"] == "view_tampered" && j["phase"] == phase && j["camera"]["id"] == "lane";
    };
  };
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json(lane_tampered("start"))), 30s)) << node->output();
  // The next sample (health_check_interval, plus up to a 2 s GOP for its key
  // frame), raise_after, 2 s for a loaded machine.
  EXPECT_LT(std::chrono::steady_clock::now() - capped_at, 5s + 2s + 2s + 2s);
  for (const auto& m : county.on("villagecam/n1/alerts")) {
    const auto a = nlohmann::json::parse(m.payload);
    if (lane_tampered("start")(a)) {
      EXPECT_EQ(a["issues"], nlohmann::json::array({"blank"})) << a.dump();
    }
  }
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/coverage", json(states("covered", "uncovered", "unverified"))), 5s));
  cams.uncap("lane");
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json(lane_tampered("end"))), 30s)) << node->output();
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/coverage", json(states("covered", "covered", "unverified"))), 5s));

  // All along, lane decoded a picture every few seconds, not its stream.
  const auto lane = nlohmann::json::parse(county.on("villagecam/n1/cameras/lane/status").back().payload);
  EXPECT_LE(lane["frames"]["decoded"].get<long>() * 10, lane["frames"]["received"].get<long>()) << lane.dump();
  node->signal(SIGTERM);
  ASSERT_TRUE(node->wait(5s));
  const auto [valid, report] = county.validateAgainstSchemas(dir_);
  EXPECT_TRUE(valid) << report;
}

// Coverage survives a restart: an area lost before stays lost (no new start,
// no false "restored" while the camera reconnects), its alert ends under the
// id it started with, and the uncovered minutes carry on.
TEST_F(CoverageNode, ALostAreaStaysLostAcrossARestartAndItsMinutesCarryOn) {
  MqttSubscriber county(broker_.uri(), "villagecam/n1/#");
  auto node = runNode(config_);
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/coverage", json(area("covered"))), 20s)) << node->output();
  cams_->cap("gate");
  std::string lost_id;
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json(alert("coverage_lost", "start", &lost_id))), 20s))
      << node->output();
  // Some uncovered time, as the periodic coverage round (every 5 s here) reports it.
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/coverage", json([](const nlohmann::json& j) {
    return j["uncovered_minutes"]["today"].get<double>() > 0;
  })), 20s));
  node->signal(SIGTERM);
  ASSERT_TRUE(node->wait(5s));
  double minutes_before = 0;
  for (const auto& m : county.on("villagecam/n1/coverage")) {
    minutes_before = std::max(minutes_before, nlohmann::json::parse(m.payload)["uncovered_minutes"]["today"].get<double>());
  }

  MqttSubscriber after(broker_.uri(), "villagecam/n1/#");
  node = runNode(config_);
  // Back online with the cap still on: the area is still uncovered, and its minutes went on from where they were.
  ASSERT_TRUE(after.waitUntil(has("villagecam/n1/coverage", json([&](const nlohmann::json& j) {
    return j["areas"][0]["state"] == "uncovered" && j["areas"][0]["cameras"][0]["code"] == "view_tampered" &&
           j["uncovered_minutes"]["today"].get<double>() >= minutes_before && minutes_before > 0;
  })), 20s)) << node->output() << "minutes before the restart: " << minutes_before << "; after: "
             << (after.on("villagecam/n1/coverage").empty() ? "none" : after.on("villagecam/n1/coverage").back().payload);
  cams_->uncap("gate");
  ASSERT_TRUE(after.waitUntil(has("villagecam/n1/alerts", json(alert("coverage_lost", "end", &lost_id))), 20s))
      << node->output();
  node->signal(SIGTERM);
  ASSERT_TRUE(node->wait(5s));
  for (const auto& m : after.on("villagecam/n1/alerts")) {
    const auto j = nlohmann::json::parse(m.payload);
    EXPECT_FALSE(j["phase"] == "start") << "a second start after the restart: " << m.payload;
  }
  const auto [valid, report] = after.validateAgainstSchemas(dir_);
  EXPECT_TRUE(valid) << report;
}

// Issue 13: an intruder who stands still in a zone is one event until they
// leave, though the background model would have learnt them within seconds;
// the end comes within clear_after (+ 1 s, + 2 s for a loaded machine) of
// leaving.
TEST_F(MqttNode, AnIntruderWhoStandsStillInAZoneIsOneEventUntilTheyLeave) {
  Mosquitto broker;
  TestCameras cams({CameraSpec{.name = "square"}});
  const std::string zone = "{id: well, name: Old well, kind: intrusion, polygon: [[0.55, 0.55], [1, 0.55], [1, 1], "
                           "[0.55, 1]], dwell: 2s, clear_after: 3s, cooldown: 5s}";
  const auto config = writeConfig(brokerYaml(broker), "  - {id: square, rtsp_url: \"" + cams.url("square") +
                                                          "\", detection: {fps: 5, zones: [" + zone + "]}}\n");
  MqttSubscriber county(broker.uri(), "villagecam/n1/#");
  auto node = runNode(config);
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/cameras/square/status", json([](const nlohmann::json& j) {
    return j["detection"]["frames"].get<int>() >= 20;  // the model has learnt the scene
  })), 30s)) << node->output();
  auto intrusion = [](const std::string& phase) {
    return [=](const nlohmann::json& j) { return j["type"] == "intrusion" && j["phase"] == phase; };
  };
  cams.enter("square");
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json(intrusion("start"))), 15s)) << node->output();
  cams.stand("square");
  // Observation: standing for 25 s, four times what the model takes to learn a still object at 5 frames a second.
  std::this_thread::sleep_for(25s);
  std::string ended;
  for (const auto& m : county.on("villagecam/n1/alerts")) {
    if (intrusion("end")(nlohmann::json::parse(m.payload))) ended = m.payload;
  }
  EXPECT_EQ(ended, "") << "ended while they stood there\n" << node->output();
  cams.leave("square");
  const auto left = std::chrono::steady_clock::now();
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json(intrusion("end"))), 15s)) << node->output();
  EXPECT_LT(std::chrono::steady_clock::now() - left, 3s + 1s + 2s);
  int starts = 0;
  for (const auto& m : county.on("villagecam/n1/alerts")) starts += intrusion("start")(nlohmann::json::parse(m.payload));
  EXPECT_EQ(starts, 1);
  node->signal(SIGTERM);
  ASSERT_TRUE(node->wait(5s));
}

// Issue 5's promise: movement inside an intrusion zone while its schedule is
// active raises exactly one alert, with a start, a snapshot and an end; the
// same outside the zone's schedule raises none. The test cameras' ball in the
// upper left moves all the time, outside the zones.
TEST_F(MqttNode, AnIntruderInAnActiveZoneRaisesOneAlertWithASnapshotAndNoneOutsideTheSchedule) {
  Mosquitto broker;
  TestCameras cams({CameraSpec{.name = "river"}, CameraSpec{.name = "school"}});
  // A schedule that is off now: a whole day, three days from today.
  const std::time_t t = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&t, &local);
  static const char* days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  const std::string off_day = days[((local.tm_wday + 6) % 7 + 3) % 7];
  const std::string zone = "{id: bank, name: River bank, kind: intrusion, polygon: [[0.55, 0.55], [1, 0.55], [1, 1], "
                           "[0.55, 1]], dwell: 1s, clear_after: 2s, cooldown: 5s";
  const auto config = writeConfig(
      brokerYaml(broker),
      "  - {id: river, rtsp_url: \"" + cams.url("river") + "\", detection: {fps: 5, zones: [" + zone + "}]}}\n" +
          "  - {id: school, rtsp_url: \"" + cams.url("school") + "\", detection: {fps: 5, zones: [" + zone +
          ", schedule: [{days: " + off_day + ", from: \"00:00\", to: \"24:00\"}]}]}}\n");
  MqttSubscriber county(broker.uri(), "villagecam/n1/#");
  auto node = runNode(config);
  for (const auto* cam : {"river", "school"}) {
    ASSERT_TRUE(county.waitUntil(has(std::string("villagecam/n1/cameras/") + cam + "/status",
                                     json([](const nlohmann::json& j) { return j["state"] == "online"; })), 20s))
        << node->output();
  }
  // Let the background model learn the scene, with the upper-left ball moving all along.
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/cameras/river/status", json([](const nlohmann::json& j) {
    return j["detection"]["frames"].get<int>() >= 20;
  })), 30s)) << node->output();

  cams.enter("river");
  cams.enter("school");
  const auto entered = std::chrono::steady_clock::now();
  std::string id;
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json([&](const nlohmann::json& j) {
    if (j["type"] != "intrusion" || j["phase"] != "start") return false;
    id = j["id"];
    return true;
  })), 20s)) << node->output();
  EXPECT_LT(std::chrono::steady_clock::now() - entered, 1s + 2s) << "the dwell (1 s) plus 2 s";
  cams.leave("river");
  cams.leave("school");
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json([&](const nlohmann::json& j) {
    return j["id"] == id && j["phase"] == "end";
  })), 20s)) << node->output();

  nlohmann::json start;
  int starts = 0, ends = 0;
  for (const auto& m : county.on("villagecam/n1/alerts")) {
    const auto j = nlohmann::json::parse(m.payload);
    EXPECT_EQ(j["camera"]["id"], "river") << "nothing from the zone outside its schedule, nothing else: " << m.payload;
    if (j["phase"] == "start") {
      ++starts;
      start = j;
    }
    ends += j["phase"] == "end";
  }
  EXPECT_EQ(starts, 1);
  EXPECT_EQ(ends, 1);
  EXPECT_EQ(start["zone"]["id"], "bank");
  ASSERT_FALSE(start["objects"].empty());
  EXPECT_GE(start["objects"][0]["x"].get<double>(), 0.5) << start;
  ASSERT_TRUE(start["snapshot"].is_object()) << start;
  const std::string snapshot_id = start["snapshot"]["id"];
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/cameras/river/snapshot", json([&](const nlohmann::json& j) {
    return j["id"] == snapshot_id && j["reason"] == "intrusion";
  })), 5s));
  node->signal(SIGTERM);
  ASSERT_TRUE(node->wait(5s));
  const auto [valid, report] = county.validateAgainstSchemas(dir_);
  EXPECT_TRUE(valid) << report;
}

// Issue 24: an intrusion yields an evidence clip: the alert names it
// (planned on its start), the node writes it as an MP4 of pre_roll +
// post_roll that ffprobe reads, starting at a key frame with timestamps in
// order, lists it at /clips and serves it with range requests; a kill -9
// while a clip is written leaves nothing half-written listed.
TEST_F(MqttNode, AnIntrusionYieldsAnEvidenceClipThatPlayersReadAndAKillLeavesNoTornOne) {
  Mosquitto broker;
  TestCameras cams({CameraSpec{.name = "river"}});
  const auto config = writeConfig(
      brokerYaml(broker), "  - {id: river, rtsp_url: \"" + cams.url("river") +
                              "\", detection: {fps: 5, zones: [{id: bank, kind: intrusion, polygon: [[0.55, 0.55], "
                              "[1, 0.55], [1, 1], [0.55, 1]], dwell: 1s, clear_after: 1s, cooldown: 1s}]}}\n");
  std::ofstream(config, std::ios::app) << "clips: {pre_roll: 3s, post_roll: 6s}\nhttp: {listen: 127.0.0.1:0}\n";
  MqttSubscriber county(broker.uri(), "villagecam/n1/#");
  auto node = runNode(config);
  const auto http_line = node->waitForSubstring("HTTP endpoint on http://127.0.0.1:", 20s);
  ASSERT_TRUE(http_line) << node->output();
  const int http_port = std::stoi(http_line->substr(http_line->find("127.0.0.1:") + 10));
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/cameras/river/status", json([](const nlohmann::json& j) {
    return j["detection"]["frames"].get<int>() >= 20;
  })), 30s)) << node->output();

  cams.enter("river");
  nlohmann::json start;
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json([&](const nlohmann::json& j) {
    if (j["type"] != "intrusion" || j["phase"] != "start") return false;
    start = j;
    return true;
  })), 20s)) << node->output();
  cams.leave("river");  // a short event: the clip is its rolls
  const std::string id = start["id"];
  ASSERT_TRUE(start["clip"].is_object()) << start;
  EXPECT_EQ(start["schema"], "villagecam.alert/1.8");
  EXPECT_EQ(start["clip"]["id"], id);
  EXPECT_EQ(start["clip"]["status"], "recording");
  const auto planned = *fromRfc3339(start["clip"]["end"].get<std::string>()) -
                       *fromRfc3339(start["clip"]["start"].get<std::string>());
  EXPECT_EQ(planned, std::chrono::seconds(9));
  ASSERT_TRUE(node->waitForSubstring("clip " + id + " of river written", 30s)) << node->output();
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json([&](const nlohmann::json& j) {
    return j["id"] == id && j["phase"] == "end";
  })), 20s)) << node->output();

  // Listed, and served whole and by range.
  const auto listed = rawRequest(http_port, "GET /clips HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(listed.find("\"/clips/" + id + ".mp4\""), std::string::npos) << listed;
  const fs::path file = dir_ / "state" / "clips" / (id + ".mp4");
  ASSERT_TRUE(fs::exists(file));
  auto [code, probe] = runTool({"ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                                "format=duration:stream=codec_name", "-of", "default=nw=1", file.string()});
  EXPECT_EQ(code, 0) << probe;
  EXPECT_NE(probe.find("codec_name=h264"), std::string::npos) << probe;
  const double duration = std::stod(probe.substr(probe.find("duration=") + 9));
  EXPECT_NEAR(duration, 9.0, 0.5) << "pre_roll + post_roll";
  auto [frames_code, frames] = runTool({"ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                                        "frame=key_frame,pts_time", "-of", "csv=p=0", file.string()});
  ASSERT_EQ(frames_code, 0) << frames;
  std::istringstream rows(frames);
  std::string row;
  double last = -1;
  int count = 0;
  while (std::getline(rows, row)) {
    if (row.empty()) continue;
    const auto comma = row.find(',');
    if (count == 0) {
      EXPECT_EQ(row.substr(0, comma), "1") << "the first frame is a key frame";
    }
    const double pts = std::stod(row.substr(comma + 1));
    EXPECT_GT(pts, last) << "timestamps in order, at frame " << count;
    last = pts;
    ++count;
  }
  EXPECT_GE(count, 80);  // 9 s at 10 frames a second
  const auto ranged = rawRequest(http_port, "GET /clips/" + id +
                                                ".mp4 HTTP/1.1\r\nHost: x\r\nRange: bytes=100-199\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(statusOf(ranged), 206) << ranged.substr(0, 300);
  std::ifstream in(file, std::ios::binary);
  std::string expected(100, '\0');
  in.seekg(100);
  in.read(expected.data(), 100);
  EXPECT_EQ(ranged.substr(ranged.find("\r\n\r\n") + 4), expected);
  EXPECT_EQ(statusOf(rawRequest(http_port, "GET /clips/../state.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
            404);

  // A second intrusion, and the node killed while its clip is written.
  ASSERT_TRUE(node->waitForSubstring("alert end intrusion", 10s));
  const auto before = node->lines().size();
  cams.enter("river");
  ASSERT_TRUE(node->waitForLine([](const std::string& l) { return l.find("started:") != std::string::npos; }, 20s,
                                before))
      << node->output();
  node->signal(SIGKILL);
  node->wait(5s);
  bool part_left = false;
  for (const auto& e : fs::directory_iterator(dir_ / "state" / "clips")) part_left |= e.path().extension() == ".part";
  EXPECT_TRUE(part_left) << "killed while writing: the test did not catch a clip half-written";
  cams.leave("river");
  auto again = runNode(config);
  ASSERT_TRUE(again->waitForSubstring("unfinished or unrecorded clip file(s) from before the last stop removed", 20s))
      << again->output();
  const auto http_again = again->waitForSubstring("HTTP endpoint on http://127.0.0.1:", 40s);
  ASSERT_TRUE(http_again) << again->output();
  const int port_again = std::stoi(http_again->substr(http_again->find("127.0.0.1:") + 10));
  const auto after = rawRequest(port_again, "GET /clips HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(nlohmann::json::parse(after.substr(after.find("\r\n\r\n") + 4))["clips"].size(), 1u) << after;
  for (const auto& e : fs::directory_iterator(dir_ / "state" / "clips")) EXPECT_NE(e.path().extension(), ".part");
  again->signal(SIGTERM);
  ASSERT_TRUE(again->wait(10s));
  const auto [valid, report] = county.validateAgainstSchemas(dir_);
  EXPECT_TRUE(valid) << report;
}

// SIGHUP: unchanged cameras keep streaming with no reconnect, zones change
// without restarting the stream, removed cameras stop (topics cleared), new
// ones start; a config with a mistake is rejected and the running one stays.
TEST_F(MqttNode, AReloadKeepsUnchangedCamerasStreamingRetunesZonesAndRejectsABadConfig) {
  Mosquitto broker;
  TestCameras cams({CameraSpec{.name = "gate"}, CameraSpec{.name = "river"}, CameraSpec{.name = "bridge"},
                    CameraSpec{.name = "school"}});
  auto camera = [&](const std::string& id, const std::string& extra = "") {
    return "  - {id: " + id + ", rtsp_url: \"" + cams.url(id) + "\"" + extra + "}\n";
  };
  auto zone = [](const std::string& id, const std::string& polygon) {
    return ", detection: {zones: [{id: " + id + ", kind: intrusion, polygon: " + polygon +
           ", dwell: 1s, clear_after: 2s}]}";
  };
  const std::string lower_left = "[[0, 0.55], [0.45, 0.55], [0.45, 1], [0, 1]]";
  const std::string lower_right = "[[0.55, 0.55], [1, 0.55], [1, 1], [0.55, 1]]";
  const auto config = writeConfig(brokerYaml(broker), camera("gate") + camera("river", zone("meadow", lower_left)) +
                                                          camera("bridge"));
  const std::string v1 = [&] { std::ifstream in(config); return std::string(std::istreambuf_iterator<char>(in), {}); }();
  MqttSubscriber county(broker.uri(), "villagecam/n1/#");
  auto node = runNode(config);
  auto online = [&](const std::string& id) {
    return has("villagecam/n1/cameras/" + id + "/status", json([](const nlohmann::json& j) { return j["state"] == "online"; }));
  };
  for (const auto* id : {"gate", "river", "bridge"}) ASSERT_TRUE(county.waitUntil(online(id), 20s)) << node->output();
  auto latest = [&](const std::string& id) {
    const auto ms = county.on("villagecam/n1/cameras/" + id + "/status");
    return ms.empty() || ms.back().payload.empty() ? nlohmann::json() : nlohmann::json::parse(ms.back().payload);
  };

  // A typo: rejected, everything keeps running.
  std::ofstream(config, std::ios::trunc) << v1 << "  - {id: school, rtsp_ulr: x}\n";
  node->signal(SIGHUP);
  ASSERT_TRUE(node->waitForSubstring("reload rejected", 10s)) << node->output();
  EXPECT_NE(node->output().find("cameras[3].rtsp_ulr: unknown key (did you mean 'rtsp_url'?)"), std::string::npos)
      << node->output();

  const auto before = latest("gate");
  const auto river_before = latest("river");
  std::ofstream(config, std::ios::trunc) << v1.substr(0, v1.find("cameras:\n")) << "cameras:\n"
                                         << camera("gate") + camera("river", zone("bank", lower_right)) + camera("school");
  node->signal(SIGHUP);
  ASSERT_TRUE(node->waitForSubstring("reloaded:", 10s)) << node->output();
  ASSERT_TRUE(county.waitUntil(online("school"), 20s)) << node->output();
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/cameras/bridge/status", is("")), 10s)) << "bridge's topic cleared";
  // The gate camera went on: later statuses count more frames and no reconnect.
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/cameras/gate/status", json([&](const nlohmann::json& j) {
    return j["frames"]["received"].get<long>() > before["frames"]["received"].get<long>() + 20;
  })), 20s));
  const auto after = latest("gate");
  EXPECT_EQ(after["reconnects"], before["reconnects"]) << after;
  // "since" is reported in wall time from a steady clock: equal within a few milliseconds.
  auto same_time = [](const nlohmann::json& a, const nlohmann::json& b) {
    const auto ta = fromRfc3339(a.get<std::string>()), tb = fromRfc3339(b.get<std::string>());
    return ta && tb && std::chrono::abs(*ta - *tb) < 100ms;
  };
  EXPECT_TRUE(same_time(after["since"], before["since"])) << "online all along: " << after["since"] << " vs " << before["since"];
  const auto river_after = latest("river");
  EXPECT_EQ(river_after["reconnects"], river_before["reconnects"]);
  EXPECT_TRUE(same_time(river_after["since"], river_before["since"])) << "zones changed without restarting the stream";

  // The new zone is live: an intruder in the lower right raises an alert there.
  cams.enter("river");
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json([](const nlohmann::json& j) {
    return j["type"] == "intrusion" && j["phase"] == "start" && j["zone"]["id"] == "bank";
  })), 20s)) << node->output();
  node->signal(SIGTERM);
  ASSERT_TRUE(node->wait(5s));
  const auto [valid, report] = county.validateAgainstSchemas(dir_);
  EXPECT_TRUE(valid) << report;
}

// Issue 7: switching a camera's analysis mode is a config change that
// restarts that camera's stream alone. After the switch to health the camera
// still counts every frame it receives but decodes none; the other camera
// streams on with no reconnect.
TEST_F(MqttNode, ASwitchOfAnalysisModeRestartsOnlyThatCamera) {
  Mosquitto broker;
  TestCameras cams({CameraSpec{.name = "gate"}, CameraSpec{.name = "square"}});
  auto camera = [&](const std::string& id, const std::string& mode) {
    return "  - {id: " + id + ", rtsp_url: \"" + cams.url(id) + "\", analysis: {mode: " + mode + "}}\n";
  };
  const auto config = writeConfig(brokerYaml(broker), camera("gate", "keyframes") + camera("square", "keyframes"));
  const std::string v1 = [&] { std::ifstream in(config); return std::string(std::istreambuf_iterator<char>(in), {}); }();
  MqttSubscriber county(broker.uri(), "villagecam/n1/cameras/+/status");
  auto node = runNode(config);
  auto status = [&](const std::string& id, std::function<bool(const nlohmann::json&)> ok) {
    return county.waitUntil(has("villagecam/n1/cameras/" + id + "/status", json(std::move(ok))), 20s);
  };
  ASSERT_TRUE(status("gate", [](const nlohmann::json& j) { return j["frames"]["decoded"].get<long>() > 0; }))
      << node->output();
  ASSERT_TRUE(status("square", [](const nlohmann::json& j) { return j["frames"]["decoded"].get<long>() > 0; }));
  auto latest = [&](const std::string& id) {
    const auto ms = county.on("villagecam/n1/cameras/" + id + "/status");
    return nlohmann::json::parse(ms.back().payload);
  };
  const auto square_before = latest("square");

  std::string v2 = v1;
  v2.replace(v2.find("mode: keyframes"), std::string("mode: keyframes").size(), "mode: health");  // gate's
  std::ofstream(config, std::ios::trunc) << v2;
  node->signal(SIGHUP);
  ASSERT_TRUE(node->waitForSubstring("restarted: gate;", 10s)) << node->output();
  EXPECT_NE(node->output().find("added: none; restarted: gate; removed: none"), std::string::npos) << node->output();

  // gate, restarted in health mode: frames keep arriving (30 is 3 s of them),
  // and only its first key frame is decoded (the next sample is a minute
  // away). Before the switch every status counted decoded key frames.
  ASSERT_TRUE(status("gate", [](const nlohmann::json& j) {
    const auto decoded = j["frames"]["decoded"].get<long>();
    return j["state"] == "online" && j["frames"]["received"].get<long>() >= 30 && decoded >= 1 && decoded <= 2;
  })) << node->output();
  // square went on all along.
  ASSERT_TRUE(status("square", [&](const nlohmann::json& j) {
    return j["frames"]["received"].get<long>() > square_before["frames"]["received"].get<long>() + 20;
  }));
  const auto square_after = latest("square");
  EXPECT_EQ(square_after["reconnects"], square_before["reconnects"]);
  // "since" is wall time derived from a steady clock: equal within a few milliseconds.
  const auto since_before = fromRfc3339(square_before["since"].get<std::string>());
  const auto since_after = fromRfc3339(square_after["since"].get<std::string>());
  ASSERT_TRUE(since_before && since_after);
  EXPECT_LT(std::chrono::abs(*since_after - *since_before), 100ms) << "online all along";
  node->signal(SIGTERM);
  ASSERT_TRUE(node->wait(5s));
}

// The county's commands (docs/mqtt.md, Commands), to the real node over a
// real broker: each is answered on the replies topic with the contract's
// code, in the node's alert language; one that cannot be read is ignored
// and the node answers the next. (The push itself is not built yet: with no
// link to the county configured, a live view is refused as such.)
TEST_F(MqttNode, TheCountysCommandsAreAnsweredWithTheirCodesAndAnUnreadableOneIsIgnored) {
  Mosquitto broker;
  TestCameras cams({CameraSpec{.name = "gate"}});
  MqttSubscriber replies(broker.uri(), "villagecam/n1/replies");
  MqttSubscriber status(broker.uri(), "villagecam/n1/status");
  auto node = runNode(writeConfig(brokerYaml(broker), "  - {id: gate, rtsp_url: \"" + cams.url("gate") + "\"}\n"));
  // The node subscribes as it connects, before it publishes its status: the
  // broker takes one client's packets in order.
  ASSERT_TRUE(status.waitUntil(has("villagecam/n1/status", json([](const nlohmann::json&) { return true; })), 20s))
      << node->output();
  ::mqtt::async_client county(broker.uri(), "county-console");
  county.connect()->wait();
  auto send = [&](const std::string& payload) {
    county.publish("villagecam/n1/commands", payload.data(), payload.size(), 1, false)->wait();
  };
  const auto now = std::chrono::system_clock::now();
  auto command = [&](const std::string& id, const std::string& kind, const std::string& node_id, WallTime issued) {
    nlohmann::json c = {{"schema", "villagecam.command/1.0"}, {"id", id}, {"node", node_id}, {"command", kind},
                        {"camera", kind == "clip_upload" ? nlohmann::json(nullptr) : nlohmann::json("gate")},
                        {"alert", kind == "clip_upload" ? nlohmann::json("a-1") : nlohmann::json(nullptr)},
                        {"issued_at", toRfc3339(issued)}, {"expires_at", toRfc3339(issued + 10s)},
                        {"lease_until", kind == "live_start" ? nlohmann::json(toRfc3339(issued + 30s)) : nlohmann::json(nullptr)}};
    return c.dump();
  };
  send("{\"schema\": \"villagecam.command/1.0\", \"command\": \"format_disk\"");  // not even JSON
  send(command("c-live", "live_start", "n1", now));
  send(command("c-other", "live_start", "n2", now));
  send(command("c-stale", "live_start", "n1", now - 60s));
  send(command("c-clip", "clip_upload", "n1", now));
  auto answered = [&](const std::string& id, const std::string& status_word, const std::string& code) {
    return replies.waitUntil(has("villagecam/n1/replies", json([=](const nlohmann::json& j) {
      return j["command_id"] == id && j["status"] == status_word && j["code"] == code && j["language"] == "en" &&
             !j["message"].get<std::string>().empty();
    })), 15s);
  };
  EXPECT_TRUE(answered("c-live", "refused", "no_county_link")) << node->output();
  EXPECT_TRUE(answered("c-other", "refused", "not_for_this_node"));
  EXPECT_TRUE(answered("c-stale", "refused", "expired"));
  EXPECT_TRUE(answered("c-clip", "refused", "no_county_link"));
  EXPECT_TRUE(node->waitForSubstring("a command that cannot be read was ignored", 5s));
  EXPECT_EQ(replies.messages().size(), 4u);
  const auto [valid, report] = replies.validateAgainstSchemas(dir_);
  EXPECT_TRUE(valid) << report;
  county.disconnect()->wait();
}

// Live video end to end: the county asks, the node pushes its camera's
// stream from its one connection over one outbound TCP connection into the
// county's receiver (RTSP RECORD), which a player decodes; nobody renews the
// lease, so the push ends and the node says why.
TEST_F(MqttNode, ALiveStartPushesTheCameraToTheCountyUntilItsLeaseRunsOut) {
  Mosquitto broker;
  TestCameras cams({CameraSpec{.name = "gate"}});
  county::PushReceiver receiver({.host = "127.0.0.1", .port = 0, .hls_dir = dir_ / "county-live"},
                                {{"n1", "n1-push-secret"}});
  const int port = receiver.start();
  receiver.expect("n1", "gate");
  std::ofstream(dir_ / "push-password") << "n1-push-secret\n";
  MqttSubscriber replies(broker.uri(), "villagecam/n1/replies");
  MqttSubscriber status(broker.uri(), "villagecam/n1/cameras/gate/status");
  const std::string link = "county_link: {url: \"rtsp://127.0.0.1:" + std::to_string(port) + "\", password_file: " +
                           (dir_ / "push-password").string() + ", max_bitrate_kbps: 20000}\n";
  auto node = runNode(writeConfig(brokerYaml(broker) + "", "  - {id: gate, rtsp_url: \"" + cams.url("gate") + "\"}\n" + link));
  ASSERT_TRUE(status.waitUntil(has("villagecam/n1/cameras/gate/status",
                                   json([](const nlohmann::json& j) { return j["state"] == "online"; })), 20s))
      << node->output();
  ::mqtt::async_client county(broker.uri(), "county-console");
  county.connect()->wait();
  const auto now = std::chrono::system_clock::now();
  const nlohmann::json start = {{"schema", "villagecam.command/1.0"}, {"id", "c-live"}, {"node", "n1"},
                                {"command", "live_start"}, {"camera", "gate"}, {"alert", nullptr},
                                {"issued_at", toRfc3339(now)}, {"expires_at", toRfc3339(now + 10s)},
                                {"lease_until", toRfc3339(now + 8s)}};
  const auto payload = start.dump();
  county.publish("villagecam/n1/commands", payload.data(), payload.size(), 1, false)->wait();
  ASSERT_TRUE(replies.waitUntil(has("villagecam/n1/replies", json([](const nlohmann::json& j) {
    return j["command_id"] == "c-live" && j["status"] == "accepted";
  })), 10s)) << node->output();
  const auto playlist = receiver.state("n1", "gate")->playlist;
  const auto until = std::chrono::steady_clock::now() + 15s;
  auto segments = [&] {
    std::ifstream in(playlist);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    int n = 0;
    for (auto at = text.find("#EXTINF"); at != std::string::npos; at = text.find("#EXTINF", at + 1)) ++n;
    return n;
  };
  while (segments() < 2 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(100ms);
  ASSERT_GE(segments(), 2) << node->output();
  EXPECT_TRUE(receiver.state("n1", "gate")->receiving);
  const auto [rc, probe] = runTool({"ffprobe", "-v", "error", "-read_intervals", "%+1", "-count_frames", "-select_streams",
                                    "v:0", "-show_entries", "stream=codec_name,nb_read_frames", "-of", "json",
                                    playlist.string()});
  ASSERT_EQ(rc, 0) << probe;
  EXPECT_NE(probe.find("\"h264\""), std::string::npos) << probe;
  // Nobody renews the lease: the push ends within a tick of it, and the node says so.
  ASSERT_TRUE(replies.waitUntil(has("villagecam/n1/replies", json([](const nlohmann::json& j) {
    return j["command_id"] == "c-live" && j["status"] == "ended" && j["code"] == "lease_over";
  })), 15s)) << node->output();
  const auto ended_by = std::chrono::steady_clock::now() + 10s;
  while (receiver.state("n1", "gate")->receiving && std::chrono::steady_clock::now() < ended_by) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_FALSE(receiver.state("n1", "gate")->receiving) << "the county still receives a push nobody watches";
  EXPECT_EQ(receiver.state("n1", "gate")->pushes, 1u);
  const auto [valid, report] = replies.validateAgainstSchemas(dir_);
  EXPECT_TRUE(valid) << report;
  EXPECT_EQ(node->output().find("n1-push-secret"), std::string::npos);
  county.disconnect()->wait();
}

TEST_F(MqttNode, TheLastWillSaysOfflineWhenTheNodeIsKilled) {
  Mosquitto broker;
  MqttSubscriber county(broker.uri(), "villagecam/n1/state");
  auto node = runNode(writeConfig(brokerYaml(broker), "  - {id: a, rtsp_url: \"rtsp://127.0.0.1:1/a\"}\n"));
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/state", is("online")), 20s)) << node->output();
  const auto killed_at = std::chrono::steady_clock::now();
  node->signal(SIGKILL);
  // The broker notices after 1.5 keepalives (5 s here).
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/state", is("offline")), 15s));
  EXPECT_LT(std::chrono::steady_clock::now() - killed_at, 10s);
}

TEST_F(MqttNode, RetainedTopicsAreTrueAgainAfterTheBrokerRestarts) {
  Mosquitto broker;
  TestCameras cams({CameraSpec{.name = "gate"}});
  auto node = runNode(writeConfig(brokerYaml(broker), "  - {id: gate, rtsp_url: \"" + cams.url("gate") + "\"}\n"));
  {
    MqttSubscriber county(broker.uri(), "villagecam/n1/#");
    ASSERT_TRUE(county.waitUntil(has("villagecam/n1/cameras/gate/status",
                                     json([](const nlohmann::json& j) { return j["state"] == "online"; })), 20s)) << node->output();
  }
  broker.restart();  // no persistence: every retained message is gone
  MqttSubscriber county(broker.uri(), "villagecam/n1/#");
  EXPECT_TRUE(county.waitUntil(has("villagecam/n1/state", is("online")), 20s)) << node->output();
  EXPECT_TRUE(county.waitUntil(has("villagecam/n1/status", json([](const nlohmann::json& j) { return j["cameras"]["online"] == 1; })), 20s));
  EXPECT_TRUE(county.waitUntil(has("villagecam/n1/cameras/gate/status",
                                   json([](const nlohmann::json& j) { return j["state"] == "online"; })), 20s));
}

TEST_F(MqttNode, ACameraRemovedFromTheConfigHasItsRetainedTopicCleared) {
  Mosquitto broker;
  const std::string two = "  - {id: a, rtsp_url: \"rtsp://127.0.0.1:1/a\"}\n  - {id: b, rtsp_url: \"rtsp://127.0.0.1:1/b\"}\n";
  {
    MqttSubscriber county(broker.uri(), "villagecam/n1/#");
    auto node = runNode(writeConfig(brokerYaml(broker), two));
    ASSERT_TRUE(county.waitUntil(has("villagecam/n1/cameras/b/status", json([](const nlohmann::json&) { return true; })), 20s));
    node->signal(SIGTERM);
    ASSERT_TRUE(node->wait(5s));
  }
  MqttSubscriber county(broker.uri(), "villagecam/n1/cameras/b/status");
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/cameras/b/status", json([](const nlohmann::json&) { return true; })),
                               10s));  // the retained status is there
  auto node = runNode(writeConfig(brokerYaml(broker), "  - {id: a, rtsp_url: \"rtsp://127.0.0.1:1/a\"}\n"));
  EXPECT_TRUE(county.waitUntil(has("villagecam/n1/cameras/b/status", is("")), 20s)) << node->output();
  MqttSubscriber later(broker.uri(), "villagecam/n1/cameras/+/status");
  ASSERT_TRUE(later.waitUntil(has("villagecam/n1/cameras/a/status", json([](const nlohmann::json&) { return true; })), 10s));
  EXPECT_TRUE(later.on("villagecam/n1/cameras/b/status").empty());
}

class MqttTestCommand : public MqttNode {
 protected:
  std::pair<int, std::string> mqttTest(const fs::path& config, const std::string& lang = "C.UTF-8") {
    return runCommand({nodeBinary(), "mqtt-test", "--config", config.string(), "--timeout", "5"},
                      {"LC_ALL=", "LC_MESSAGES=", "LANG=" + lang});
  }
  std::string exampleAcl() {
    std::ifstream in(VILLAGECAM_SOURCE_DIR "/docs/county/mosquitto.acl");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

TEST_F(MqttTestCommand, SucceedsWithTlsPasswordAndTheExampleAcl) {
  const auto pki = makeTestPki(dir_ / "pki");
  Mosquitto broker({{{"n1", "n1-secret"}, {"county-consumer", "c"}}, exampleAcl(), pki.ca_cert, pki.server_cert, pki.server_key});
  std::ofstream(dir_ / "mqtt-password") << "n1-secret\n";
  const auto config = writeConfig("  brokers: [" + broker.uri() + "]\n  username: n1\n  password_file: " +
                                      (dir_ / "mqtt-password").string() + "\n  tls: {ca_file: " + pki.ca_cert.string() + "}\n",
                                  "  - {id: a, rtsp_url: \"rtsp://127.0.0.1:1/a\"}\n");
  auto [code, out] = mqttTest(config);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("mqtt-test: OK"), std::string::npos) << out;
  EXPECT_EQ(out.find("n1-secret"), std::string::npos);
  auto [zh_code, zh] = mqttTest(config, "zh_CN.UTF-8");
  EXPECT_EQ(zh_code, 0) << zh;
  EXPECT_NE(zh.find("mqtt-test：正常：以 villagecam-n1-test 连接 ssl://127.0.0.1:"), std::string::npos) << zh;
  EXPECT_NE(zh.find("；已发布并读回 villagecam/n1/"), std::string::npos) << zh;
}

TEST_F(MqttTestCommand, WorksOverMqtt5AndWithAClientCertificate) {
  const auto pki = makeTestPki(dir_ / "pki");
  Mosquitto broker({{{"n1", "n1-secret"}}, exampleAcl(), pki.ca_cert, pki.server_cert, pki.server_key,
                    /*require_client_certificate=*/true});
  std::ofstream(dir_ / "mqtt-password") << "n1-secret\n";
  const std::string common = "  brokers: [" + broker.uri() + "]\n  username: n1\n  password_file: " +
                             (dir_ / "mqtt-password").string() + "\n  protocol: \"5\"\n  tls: {ca_file: " +
                             pki.ca_cert.string();
  auto [code, out] = mqttTest(writeConfig(common + ", cert_file: " + pki.client_cert.string() +
                                              ", key_file: " + pki.client_key.string() + "}\n",
                                          "  - {id: a, rtsp_url: \"rtsp://127.0.0.1:1/a\"}\n"));
  EXPECT_EQ(code, 0) << out;
  // Without the client certificate the broker refuses the TLS handshake.
  auto [refused, why] = mqttTest(writeConfig(common + "}\n", "  - {id: a, rtsp_url: \"rtsp://127.0.0.1:1/a\"}\n"));
  EXPECT_EQ(refused, 1) << why;
}

TEST_F(MqttNode, TheNodeSpeaksMqtt5Too) {
  Mosquitto broker;
  MqttSubscriber county(broker.uri(), "villagecam/n1/#");
  auto node = runNode(writeConfig(brokerYaml(broker) + "  protocol: \"5\"\n", "  - {id: a, rtsp_url: \"rtsp://127.0.0.1:1/a\"}\n"));
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/state", is("online")), 20s)) << node->output();
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", json([](const nlohmann::json& j) {
    return j["camera"]["id"] == "a" && j["phase"] == "start";
  })), 20s)) << node->output();
  node->signal(SIGKILL);
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/state", is("offline")), 15s));  // the will, in MQTT 5 too
}

TEST_F(MqttTestCommand, NamesEachFailureInPlainWords) {
  const auto pki = makeTestPki(dir_ / "pki");
  Mosquitto broker({{{"n1", "n1-secret"}, {"n2", "n2-secret"}}, exampleAcl(), pki.ca_cert, pki.server_cert, pki.server_key});
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  };
  const std::string camera = "  - {id: a, rtsp_url: \"rtsp://127.0.0.1:1/a\"}\n";
  struct Case {
    std::string what, mqtt, node, words, chinese;
  };
  const std::vector<Case> cases{
      {"wrong CA", "  brokers: [" + broker.uri() + "]\n  username: n1\n  password_file: " + write("p1", "n1-secret") +
                       "\n  tls: {ca_file: " + pki.other_ca_cert.string() + "}\n", "n1", "TLS verification failed",
       "mqtt-test：失败：TLS 校验失败：MQTT 服务器的证书不受所配置的 CA 信任"},
      {"wrong password", "  brokers: [" + broker.uri() + "]\n  username: n1\n  password_file: " + write("p2", "nope") +
                             "\n  tls: {ca_file: " + pki.ca_cert.string() + "}\n", "n1", "bad credentials",
       "mqtt-test：失败：认证失败：MQTT 服务器拒绝了用户名或密码"},
      {"ACL: n2's credentials for n1's prefix", "  brokers: [" + broker.uri() + "]\n  username: n2\n  password_file: " +
                                                    write("p3", "n2-secret") + "\n  tls: {ca_file: " +
                                                    pki.ca_cert.string() + "}\n", "n1", "not authorised by the broker's ACL",
       "mqtt-test：失败：MQTT 服务器的 ACL "},
      {"nothing listening", "  brokers: [tcp://127.0.0.1:1]\n", "n1", "connection refused",
       "mqtt-test：失败：tcp://127.0.0.1:1：连接被拒绝：127.0.0.1:1 拒绝连接（该端口无服务监听）"},
  };
  for (const auto& c : cases) {
    auto [code, out] = mqttTest(writeConfig(c.mqtt, camera, c.node));
    EXPECT_EQ(code, 1) << c.what << "\n" << out;
    EXPECT_NE(out.find(c.words), std::string::npos) << c.what << "\n" << out;
    EXPECT_EQ(out.find("secret"), std::string::npos) << c.what << ": a password leaked\n" << out;
    auto [zh_code, zh] = mqttTest(writeConfig(c.mqtt, camera, c.node), "zh_CN.UTF-8");
    EXPECT_EQ(zh_code, 1) << c.what << "\n" << zh;
    EXPECT_NE(zh.find(c.chinese), std::string::npos) << c.what << "\n" << zh;
  }
}

TEST_F(MqttTestCommand, TheExampleAclKeepsANodeInsideItsPrefix) {
  Mosquitto broker({{{"n1", "p1"}, {"county-consumer", "c"}}, exampleAcl()});
  MqttSubscriber county(broker.uri(), "villagecam/#", "county-consumer", "c");
  ::mqtt::async_client n1(broker.uri(), "n1-client", nullptr);
  ::mqtt::connect_options opts;
  opts.set_user_name("n1");
  opts.set_password("p1");
  n1.connect(opts)->wait();
  n1.publish("villagecam/n2/alerts", std::string("forged"), 1, false)->wait();
  n1.publish("elsewhere/alerts", std::string("forged"), 1, false)->wait();
  n1.publish("villagecam/n1/alerts", std::string("mine"), 1, false)->wait();
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", is("mine")), 10s));
  for (const auto& m : county.messages()) EXPECT_NE(m.payload, "forged") << m.topic;
  // And a consumer may only read.
  ::mqtt::async_client consumer(broker.uri(), "consumer-writer", nullptr);
  opts.set_user_name("county-consumer");
  opts.set_password("c");
  consumer.connect(opts)->wait();
  consumer.publish("villagecam/n1/alerts", std::string("from a consumer"), 1, false)->wait();
  n1.publish("villagecam/n1/alerts", std::string("mine again"), 1, false)->wait();
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/alerts", is("mine again")), 10s));
  for (const auto& m : county.messages()) EXPECT_NE(m.payload, "from a consumer");
  n1.disconnect()->wait();
  consumer.disconnect()->wait();
}

}  // namespace
}  // namespace villagecam
