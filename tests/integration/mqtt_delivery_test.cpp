// No alert lost: 1,000 alerts raised while the uplink is down all arrive, in
// order, when it returns, even if the node is killed during the outage; the
// outbox bound drops the oldest and says how many. A real mosquitto, a TCP
// relay standing for the uplink, and the node's real Outbox and Publisher (in
// villagecam-alert-sim).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <signal.h>

#include "child_process.hpp"
#include "scratch_dir.hpp"
#include "mosquitto.hpp"
#include "mqtt_subscriber.hpp"
#include "tcp_proxy.hpp"
#include "test_cameras.hpp"

namespace villagecam {
namespace {

using namespace std::chrono_literals;
using namespace villagecam::testing;
namespace fs = std::filesystem;

class Delivery : public ::testing::Test {
 protected:

  std::unique_ptr<ChildProcess> sim(int port, long count, long max_alerts = 100000) {
    return std::make_unique<ChildProcess>(std::vector<std::string>{
        alertSimBinary(), "--broker", "tcp://127.0.0.1:" + std::to_string(port), "--state", dir_.string(),
        "--count", std::to_string(count), "--prefix", "villagecam/sim", "--max-alerts", std::to_string(max_alerts)});
  }

  // Camera numbers of the alerts received, first arrival of each id only.
  static std::vector<int> firstArrivals(const std::vector<ReceivedMessage>& messages) {
    std::vector<int> out;
    std::set<std::string> seen;
    for (const auto& m : messages) {
      const auto j = nlohmann::json::parse(m.payload);
      if (!seen.insert(j["id"].get<std::string>()).second) continue;  // a duplicate: consumers dedupe by id
      out.push_back(std::stoi(j["camera"]["id"].get<std::string>().substr(3)));
    }
    return out;
  }

  // Alerts 1..n arrived, each at least once, first arrivals in order.
  static void expectAllInOrder(const MqttSubscriber& county, int n) {
    ASSERT_TRUE(county.waitUntil(distinctAtLeast(n), 120s)) << county.messages().size() << " received";
    const auto order = firstArrivals(county.messages());
    ASSERT_EQ(order.size(), static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) ASSERT_EQ(order[i], i + 1) << "out of order at " << i;
  }

  static std::function<bool(const std::vector<ReceivedMessage>&)> distinctAtLeast(size_t n) {
    return [n](const std::vector<ReceivedMessage>& ms) {
      std::set<std::string> ids;
      for (const auto& m : ms) ids.insert(nlohmann::json::parse(m.payload)["id"].get<std::string>());
      return ids.size() >= n;
    };
  }

  ScratchDir dir_{"delivery"};
};

TEST_F(Delivery, ThousandAlertsRaisedDuringAnOutageAllArriveInOrder) {
  Mosquitto broker;
  TcpProxy uplink(broker.port());
  MqttSubscriber county(broker.uri(), "villagecam/sim/alerts");
  uplink.cut();
  auto node = sim(uplink.port(), 1000);
  ASSERT_TRUE(node->waitForSubstring("RAISED 1000", 120s)) << node->output();
  EXPECT_TRUE(county.messages().empty());
  uplink.restore();
  expectAllInOrder(county, 1000);
  ASSERT_TRUE(node->waitForSubstring("DRAINED", 30s));
}

TEST_F(Delivery, AlertsSurviveAKill9OfTheNodeDuringTheOutage) {
  Mosquitto broker;
  TcpProxy uplink(broker.port());
  MqttSubscriber county(broker.uri(), "villagecam/sim/alerts");
  uplink.cut();
  {
    auto node = sim(uplink.port(), 1000);
    ASSERT_TRUE(node->waitForSubstring("RAISED 1000", 120s)) << node->output();
    node->signal(SIGKILL);
    ASSERT_TRUE(node->wait(10s));
  }
  auto restarted = sim(uplink.port(), 0);  // raises nothing new: only what is on disk
  uplink.restore();
  expectAllInOrder(county, 1000);
}

TEST_F(Delivery, AFullOutboxDropsTheOldestAndCountsThem) {
  Mosquitto broker;
  TcpProxy uplink(broker.port());
  MqttSubscriber county(broker.uri(), "villagecam/sim/alerts");
  uplink.cut();
  auto node = sim(uplink.port(), 150, /*max_alerts=*/100);
  ASSERT_TRUE(node->waitForSubstring("RAISED 150 dropped=50", 60s)) << node->output();
  uplink.restore();
  ASSERT_TRUE(county.waitUntil(distinctAtLeast(100), 60s));
  const auto order = firstArrivals(county.messages());
  ASSERT_EQ(order.size(), 100u);
  EXPECT_EQ(order.front(), 51);  // 1..50 were the oldest
  EXPECT_EQ(order.back(), 150);
  EXPECT_TRUE(node->waitForSubstring("outbox full", 1s)) << node->output();
}

}  // namespace
}  // namespace villagecam
