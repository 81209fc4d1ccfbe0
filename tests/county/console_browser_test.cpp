// The console in a real browser (tests/county/browser/console.spec.mjs):
// Debian's chromium driven by playwright-core against a console fed by the
// simulator; screenshots of each page are kept in <build>/test-artifacts/county-console.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <fstream>
#include <mqtt/async_client.h>
#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "console_fixture.hpp"
#include "contract/payloads.hpp"
#include "mosquitto.hpp"
#include "scratch_dir.hpp"
#include "test_cameras.hpp"

namespace villagecam {
namespace {

using namespace std::chrono_literals;
using namespace villagecam::testing;
using nlohmann::json;

constexpr const char* kPassword = "村口 camera 7 browser";
constexpr const char* kAdminPassword = "乡镇 admin 9 browser";

// A node of another county (its admin code is not under the console's
// prefix): it waits for an admin, who admits it from the operators page.
void publishStranger(const Mosquitto& broker) {
  contract::NodeStatus s;
  s.node_id = "stranger";
  s.place = {"某县", "某镇", "外来村", "410226100201"};
  s.version = "test";
  s.started_at = s.now = std::chrono::system_clock::now();
  s.status_interval_s = 60;
  s.cameras_by_state = contract::countByState({});
  const auto payload = contract::nodeStatusJson(s).dump();
  ::mqtt::async_client client(broker.uri(), "stranger-box");
  client.connect()->wait();
  client.publish("villagecam/stranger/status", payload.data(), payload.size(), 1, true)->wait();
  client.disconnect()->wait();
}

TEST(CountyConsoleInABrowser, LogsInShowsTheTruthTakesALiveAlertAndExportsCsv) {
  ScratchDir dir("county-browser");
  Mosquitto broker;
  const auto config = dir / "county.yaml";
  std::ofstream(config) << "county: {name: 模拟县}\nstate_dir: " << (dir / "state").string() << "\nmqtt:\n  brokers: ["
                        << broker.uri() << "]\n  reconnect_min: 1s\n  reconnect_max: 2s\nhttp: {listen: \"127.0.0.1:0\"}\n"
                        << "admission: {admin_code_prefixes: [\"410225\"]}\n";
  ChildProcess add({VILLAGECAM_COUNTY_BIN, "add-user", "--config", config.string(), "--name", "wang", "--role", "viewer"});
  add.writeLine(kPassword);
  add.closeInput();
  ASSERT_EQ(add.wait(30s).value_or(-1), 0) << add.output();
  ChildProcess add_admin({VILLAGECAM_COUNTY_BIN, "add-user", "--config", config.string(), "--name", "zhang", "--role", "admin"});
  add_admin.writeLine(kAdminPassword);
  add_admin.closeInput();
  ASSERT_EQ(add_admin.wait(30s).value_or(-1), 0) << add_admin.output();
  // The alert simulators below send no status: admitted by hand, as an installer would.
  for (const char* node : {"alerting", "alerting-live"}) {
    ChildProcess admit({VILLAGECAM_COUNTY_BIN, "admit-node", "--config", config.string(), "--node", node});
    ASSERT_EQ(admit.wait(30s).value_or(-1), 0) << admit.output();
  }
  ChildProcess console({VILLAGECAM_COUNTY_BIN, "run", "--config", config.string()});
  const auto line = console.waitForSubstring("console on http://127.0.0.1:", 15s);
  ASSERT_TRUE(line) << console.output();
  const std::string base = "http://127.0.0.1:" + std::to_string(std::stoi(line->substr(line->find("127.0.0.1:") + 10)));

  ChildProcess sim({VILLAGECAM_COUNTY_SIM_BIN, "--broker", broker.uri(), "--nodes", "12", "--cameras", "6",
                    "--villages-per-township", "4", "--offline-share", "0.1", "--tampered-share", "0.1",
                    "--silent", "2", "--silent-after", "0", "--interval", "5", "--seed", "21"});
  ASSERT_TRUE(sim.waitForSubstring("\"silent\":2", 20s)) << sim.output();
  json truth;
  for (const auto& l : sim.lines()) {
    if (l.find("\"event\":\"truth\"") != std::string::npos) truth = json::parse(l);
  }
  // Some history for the alert list and its CSV: a node raises 20 alerts.
  ChildProcess history({alertSimBinary(), "--broker", broker.uri(), "--state", (dir / "node-a").string(), "--prefix",
                        "villagecam/alerting", "--count", "20"});
  ASSERT_TRUE(history.waitForSubstring("DRAINED sent=20", 20s)) << history.output();
  // That node is a node of the county too (it says online, with no camera).
  truth["nodes"] = truth["nodes"].get<int>() + 1;
  truth["townships"][""] = json::object();  // and it names no township
  truth["cameras_per_village"] = 6;

  publishStranger(broker);
  const std::string artifacts = VILLAGECAM_ARTIFACTS_DIR "/county-console";
  ChildProcess browser({"/usr/bin/node", VILLAGECAM_SOURCE_DIR "/tests/county/browser/console.spec.mjs", base, "wang",
                        kPassword, truth.dump(), artifacts, "zhang", kAdminPassword});
  ASSERT_TRUE(browser.waitForSubstring("READY", 90s)) << browser.output() << console.output();
  ChildProcess live({alertSimBinary(), "--broker", broker.uri(), "--state", (dir / "node-b").string(), "--prefix",
                     "villagecam/alerting-live", "--count", "1"});
  ASSERT_TRUE(live.waitForSubstring("DRAINED sent=1", 20s)) << live.output();
  browser.writeLine("LIVE-SENT");
  const auto status = browser.wait(120s);
  browser.waitForEndOfOutput(5s);
  ASSERT_TRUE(status) << browser.output();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << browser.output();
  EXPECT_NE(browser.output().find("ALL CHECKS PASSED"), std::string::npos) << browser.output();
}

// Live video end to end: a real node with a test camera, pushing into the
// console when a page asks (tests/county/browser/live.spec.mjs): the
// <video> plays, two pages cost the village one push and the camera one
// connection, an offline camera is refused in words, and closing both pages
// stops the push. Screenshots in <build>/test-artifacts/county-live.
TEST(CountyConsoleInABrowser, PlaysACameraLiveFromARealNodeAndStopsWhenNobodyWatches) {
  ScratchDir dir("county-browser-live");
  Mosquitto broker;
  TestCameras cams({CameraSpec{.name = "gate"}, CameraSpec{.name = "lane"}});
  std::ofstream(dir / "push-passwords.yaml") << "n1: n1-push-password-browser\n";
  std::ofstream(dir / "push-password") << "n1-push-password-browser\n";
  Console console(dir.path(), broker,
                  "live: {listen: \"127.0.0.1:0\", push_passwords_file: " + (dir / "push-passwords.yaml").string() +
                      "}\nclips: {max_bytes: 64MB}\n");
  const auto live_line = console.process().waitForSubstring("nodes push to rtsp://127.0.0.1:", 10s);
  ASSERT_TRUE(live_line) << console.process().output();
  const int live_port = std::stoi(live_line->substr(live_line->find("127.0.0.1:") + 10));

  const auto node_config = writeNodeConfig(
      dir.path(), broker, live_port, dir / "push-password",
      "  - {id: gate, name: 村口, rtsp_url: \"" + cams.url("gate") + "\"}\n  - {id: lane, name: 小巷, rtsp_url: \"" +
          cams.url("lane") + "\"}\n  - {id: dead, name: 桥头, rtsp_url: \"rtsp://127.0.0.1:1/x\"}\n",
      "clips: {enabled: true, pre_roll: 3s, post_roll: 2s, alert_types: [camera_stalled]}\n");
  ChildProcess node({nodeBinary(), "run", "--config", node_config.string()});
  const auto village = console.waitFor("/api/villages/n1", [](const json& v) {
    for (const auto& c : v["cameras"]) if (c["id"] == "gate" && c["state"] == "online") return true;
    return false;
  }, 30s);
  ASSERT_FALSE(village.is_null()) << node.output() << console.process().output();

  const std::string base = "http://127.0.0.1:" + std::to_string(console.port());
  const std::string artifacts = VILLAGECAM_ARTIFACTS_DIR "/county-live";
  ChildProcess browser({"/usr/bin/node", VILLAGECAM_SOURCE_DIR "/tests/county/browser/live.spec.mjs", base, "tester",
                        Console::kPassword, "n1", "gate", "dead", artifacts});
  const auto first_frame = browser.waitForSubstring("FIRST-FRAME", 60s);
  ASSERT_TRUE(first_frame) << browser.output() << node.output() << console.process().output();
  std::cout << *first_frame << "\n";
  if (getenv("VC_DEBUG_LIVE")) std::cout << node.output() << console.process().output() << browser.output();
  ASSERT_TRUE(browser.waitForSubstring("TWO-PAGES", 60s)) << browser.output() << node.output();
  // One push for both pages, and the camera's one connection (the node's) for all of it.
  auto count = [](const std::string& text, const std::string& what) {
    int n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count(node.output(), "pushing gate to "), 1) << node.output();
  EXPECT_EQ(cams.connections()["rtsp"], 2) << "one connection a camera (gate and lane), whoever watches";
  browser.writeLine("CHECKED");
  ASSERT_TRUE(browser.waitForSubstring("CLOSED", 60s)) << browser.output();
  const auto closed_at = std::chrono::steady_clock::now();
  // The pages said they left: the console stops the push at once (well within the node's lease).
  EXPECT_TRUE(node.waitForSubstring("live push of gate stopped", 30s)) << node.output() << console.process().output();
  EXPECT_LT(std::chrono::steady_clock::now() - closed_at, 20s);
  browser.writeLine("STOPPED");

  // The lane camera's picture stops: a camera_stalled alert whose clip holds what it saw last.
  cams.freeze("lane");
  std::string alert;
  console.waitFor("/api/alerts", [&](const json& rows) {
    for (const auto& r : rows) {
      if (r["type"] == "camera_stalled" && r["clip"].is_string()) alert = r["clip"];
    }
    return !alert.empty();
  }, 30s);
  ASSERT_FALSE(alert.empty()) << node.output();
  browser.writeLine("CLIP " + alert);
  const auto played = browser.waitForSubstring("CLIP-PLAYED", 90s);
  ASSERT_TRUE(played) << browser.output() << node.output() << console.process().output();
  std::cout << *played << "\n";
  const auto status = browser.wait(60s);
  browser.waitForEndOfOutput(5s);
  ASSERT_TRUE(status) << browser.output();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << browser.output() << console.process().output();
  EXPECT_NE(browser.output().find("ALL CHECKS PASSED"), std::string::npos) << browser.output();
  // No credential in either side's log.
  EXPECT_EQ(node.output().find("n1-push-password-browser"), std::string::npos);
  EXPECT_EQ(console.process().output().find("n1-push-password-browser"), std::string::npos);
}

}  // namespace
}  // namespace villagecam
