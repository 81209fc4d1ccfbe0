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

}  // namespace
}  // namespace villagecam
