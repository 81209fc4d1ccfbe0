// The MQTT contract as the county sees it, from the real node binary against a
// real mosquitto: schema-valid payloads, alert start/end under one id, the
// last will, retained truth after a broker restart, cleared topics of removed
// cameras, mqtt-test's plain-words failures, and the example ACL.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>
#include <fstream>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/wait.h>

#include "child_process.hpp"
#include "scratch_dir.hpp"
#include "mosquitto.hpp"
#include "mqtt_subscriber.hpp"
#include "test_cameras.hpp"

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
    std::ofstream(file) << "node: {id: " << node << "}\nstate_dir: " << (dir_ / "state").string()
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

TEST_F(MqttNode, ALensCapMakesTheViewTamperedInTheCameraStatusAndTakingItOffClearsIt) {
  Mosquitto broker;
  TestCameras cams({CameraSpec{.name = "gate"}});
  const auto config = writeConfig(brokerYaml(broker), "  - {id: gate, rtsp_url: \"" + cams.url("gate") + "\"}\n");
  std::ofstream(config, std::ios::app) << "view_quality: {check_interval: 0.5s, raise_after: 2s, clear_after: 2s}\n";
  auto [code, out] = runCommand({nodeBinary(), "baseline", "--config", config.string(), "--frames", "5", "--seconds", "2"});
  ASSERT_EQ(code, 0) << out;
  MqttSubscriber county(broker.uri(), "villagecam/n1/cameras/gate/status");
  auto node = runNode(config);
  auto view = [](const std::string& state, const std::string& issue) {
    return json([=](const nlohmann::json& j) {
      if (j["view"]["state"] != state) return false;
      if (issue.empty()) return j["view"]["issues"].empty();
      const auto& issues = j["view"]["issues"];
      return std::find(issues.begin(), issues.end(), issue) != issues.end();
    });
  };
  // Online and judged against the baseline for longer than the hysteresis: still fine.
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/cameras/gate/status",
                                   json([](const nlohmann::json& j) { return j["state"] == "online"; })), 20s));
  std::this_thread::sleep_for(4s);  // observation: nothing may be raised on a good view
  ASSERT_TRUE(county.on("villagecam/n1/cameras/gate/status").size() > 0);
  for (const auto& m : county.messages()) {
    EXPECT_NE(nlohmann::json::parse(m.payload)["view"]["state"], "tampered") << m.payload;
  }
  cams.cap("gate");
  const auto capped_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(county.waitUntil(has("villagecam/n1/cameras/gate/status", view("tampered", "blank")), 20s)) << node->output();
  EXPECT_LT(std::chrono::steady_clock::now() - capped_at, 2s + 2s);  // within the hysteresis plus 2 s
  cams.uncap("gate");
  ASSERT_TRUE(county.waitUntil([&](const Messages& ms) {
    bool tampered = false;  // an "ok" that comes after the "tampered"
    for (const auto& m : ms) {
      const auto j = nlohmann::json::parse(m.payload);
      if (j["view"]["state"] == "tampered") tampered = true;
      if (tampered && j["view"]["state"] == "ok") return true;
    }
    return false;
  }, 20s)) << node->output();
  const auto [valid, report] = county.validateAgainstSchemas(dir_);
  EXPECT_TRUE(valid) << report;
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
  std::pair<int, std::string> mqttTest(const fs::path& config) {
    return runCommand({nodeBinary(), "mqtt-test", "--config", config.string(), "--timeout", "5"});
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
    std::string what, mqtt, node, words;
  };
  const std::vector<Case> cases{
      {"wrong CA", "  brokers: [" + broker.uri() + "]\n  username: n1\n  password_file: " + write("p1", "n1-secret") +
                       "\n  tls: {ca_file: " + pki.other_ca_cert.string() + "}\n", "n1", "TLS verification failed"},
      {"wrong password", "  brokers: [" + broker.uri() + "]\n  username: n1\n  password_file: " + write("p2", "nope") +
                             "\n  tls: {ca_file: " + pki.ca_cert.string() + "}\n", "n1", "bad credentials"},
      {"ACL: n2's credentials for n1's prefix", "  brokers: [" + broker.uri() + "]\n  username: n2\n  password_file: " +
                                                    write("p3", "n2-secret") + "\n  tls: {ca_file: " +
                                                    pki.ca_cert.string() + "}\n", "n1", "not authorised by the broker's ACL"},
      {"nothing listening", "  brokers: [tcp://127.0.0.1:1]\n", "n1", "connection refused"},
  };
  for (const auto& c : cases) {
    auto [code, out] = mqttTest(writeConfig(c.mqtt, camera, c.node));
    EXPECT_EQ(code, 1) << c.what << "\n" << out;
    EXPECT_NE(out.find(c.words), std::string::npos) << c.what << "\n" << out;
    EXPECT_EQ(out.find("secret"), std::string::npos) << c.what << ": a password leaked\n" << out;
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
