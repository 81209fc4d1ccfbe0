// The console's live views (county/live/live_demand.hpp): which commands go
// to which node, when, and what each page is told, on a fake clock.
#include <gtest/gtest.h>

#include "live/live_demand.hpp"

namespace villagecam::county {
namespace {

using namespace std::chrono_literals;
using Kind = LiveOrder::Kind;

class LiveDemandTest : public ::testing::Test {
 protected:
  LiveDemandOptions options() {
    LiveDemandOptions o;
    o.id_prefix = "c1";
    o.max_pushes = 2;
    return o;
  }
  LiveDemand demand{options()};
  SteadyTime now{std::chrono::hours(1)};
  WallTime wall{std::chrono::hours(24 * 365 * 56)};

  void pass(Duration d) {
    now += d;
    wall += d;
  }
  std::vector<LiveOrder> take() { return demand.take(now, wall); }

  contract::CommandReply reply(const LiveOrder& to, contract::ReplyStatus status, std::string code = "") {
    contract::CommandReply r;
    r.command_id = to.command.id;
    r.node_id = to.node;
    r.kind = to.command.kind;
    r.camera_id = to.camera;
    r.status = status;
    r.code = std::move(code);
    r.at = wall;
    return r;
  }
};

TEST_F(LiveDemandTest, TwoPagesOnOneCameraAskTheNodeOnceAndTheLastToLeaveStopsIt) {
  EXPECT_EQ(demand.watch("v1", "gate", "page-a", false, now, wall).phase, LivePhase::Asking);
  auto orders = take();
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].kind, Kind::Ask);
  EXPECT_EQ(orders[0].command.kind, contract::CommandKind::LiveStart);
  EXPECT_EQ(orders[0].command.node_id, "v1");
  EXPECT_EQ(orders[0].command.camera_id, "gate");
  ASSERT_TRUE(orders[0].command.lease_until);
  EXPECT_EQ(*orders[0].command.lease_until - wall, 30s);
  EXPECT_EQ(orders[0].command.expires_at - wall, 10s);
  const auto first = orders[0];

  EXPECT_EQ(demand.watch("v1", "gate", "page-b", false, now, wall).viewers, 2);
  EXPECT_TRUE(take().empty()) << "the second page shares the push";

  EXPECT_TRUE(demand.replied("v1", reply(first, contract::ReplyStatus::Accepted), now));
  EXPECT_EQ(demand.status("v1", "gate")->phase, LivePhase::Starting);
  demand.receiving("v1", "gate", true, now);
  EXPECT_EQ(demand.status("v1", "gate")->phase, LivePhase::Playing);

  demand.leave("v1", "gate", "page-a");
  EXPECT_TRUE(take().empty());
  demand.leave("v1", "gate", "page-b");
  orders = take();
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].kind, Kind::Stop);
  EXPECT_EQ(orders[0].command.kind, contract::CommandKind::LiveStop);
  EXPECT_FALSE(demand.status("v1", "gate"));
  EXPECT_EQ(demand.pushes(), 0);
}

TEST_F(LiveDemandTest, AWatchedPushIsRenewedAndAPageClosedWithoutAWordLetsItStopAtItsLease) {
  demand.watch("v1", "gate", "page-a", false, now, wall);
  const auto first = take().at(0);
  demand.replied("v1", reply(first, contract::ReplyStatus::Accepted), now);
  demand.receiving("v1", "gate", true, now);
  for (int i = 0; i < 3; ++i) {  // the page renews every 5 s
    pass(5s);
    demand.watch("v1", "gate", "page-a", false, now, wall);
    const auto orders = take();
    if (i == 1) {
      ASSERT_EQ(orders.size(), 1u) << "renewed 10 s after the ask";
      EXPECT_EQ(orders[0].kind, Kind::Ask);
      EXPECT_NE(orders[0].command.id, first.command.id);
      EXPECT_EQ(*orders[0].command.lease_until - wall, 30s);
    } else {
      EXPECT_TRUE(orders.empty()) << i;
    }
  }
  pass(14s);  // the page went away: its lease (15 s) has not run out yet
  auto orders = take();
  ASSERT_EQ(orders.size(), 1u) << "a renewal is due while the viewer's lease holds";
  pass(1s);
  orders = take();
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].kind, Kind::Stop);
}

TEST_F(LiveDemandTest, ARefusalEndsTheViewWithItsCodeUntilTheOperatorAsksAgain) {
  demand.watch("v1", "gate", "page-a", false, now, wall);
  const auto first = take().at(0);
  EXPECT_TRUE(demand.replied("v1", reply(first, contract::ReplyStatus::Refused, "over_bitrate"), now));
  const auto s = demand.status("v1", "gate");
  EXPECT_EQ(s->phase, LivePhase::Refused);
  EXPECT_EQ(s->code, "over_bitrate");
  auto orders = take();
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].kind, Kind::Close) << "nothing was started: nothing to stop";
  pass(5s);
  EXPECT_EQ(demand.watch("v1", "gate", "page-a", false, now, wall).phase, LivePhase::Refused) << "not asked again by itself";
  EXPECT_TRUE(take().empty());
  EXPECT_EQ(demand.watch("v1", "gate", "page-a", true, now, wall).phase, LivePhase::Asking);
  orders = take();
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].kind, Kind::Ask);
}

TEST_F(LiveDemandTest, ANodeThatNeverAnswersEndsInNoAnswer) {
  demand.watch("v1", "gate", "page-a", false, now, wall);
  take();
  pass(5s);
  demand.watch("v1", "gate", "page-a", false, now, wall);
  EXPECT_TRUE(take().empty());
  pass(5s);
  demand.watch("v1", "gate", "page-a", false, now, wall);
  const auto orders = take();
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].kind, Kind::Stop) << "a late acceptance must not leave a push running";
  EXPECT_EQ(demand.status("v1", "gate")->phase, LivePhase::NoAnswer);
  EXPECT_EQ(demand.pushes(), 0);
}

TEST_F(LiveDemandTest, AnAcceptedPushWithoutVideoEndsInNoVideo) {
  demand.watch("v1", "gate", "page-a", false, now, wall);
  demand.replied("v1", reply(take().at(0), contract::ReplyStatus::Accepted), now);
  for (int i = 0; i < 3; ++i) {
    pass(5s);
    demand.watch("v1", "gate", "page-a", false, now, wall);
    take();
  }
  EXPECT_EQ(demand.status("v1", "gate")->phase, LivePhase::NoVideo);
}

TEST_F(LiveDemandTest, AnInterruptedPushIsAskedForAgainAndALateEndOfTheOldOneIsIgnored) {
  demand.watch("v1", "gate", "page-a", false, now, wall);
  const auto first = take().at(0);
  demand.replied("v1", reply(first, contract::ReplyStatus::Accepted), now);
  demand.receiving("v1", "gate", true, now);
  pass(1s);
  demand.receiving("v1", "gate", false, now);  // the uplink was cut
  EXPECT_EQ(demand.status("v1", "gate")->phase, LivePhase::Interrupted);
  EXPECT_TRUE(take().empty());
  pass(2s);
  auto orders = take();
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].kind, Kind::Ask);
  EXPECT_EQ(demand.status("v1", "gate")->asks, 2u);
  // The old push's end comes once the node's MQTT is back: not this push's.
  EXPECT_FALSE(demand.replied("v1", reply(first, contract::ReplyStatus::Ended, "link_lost"), now));
  EXPECT_EQ(demand.status("v1", "gate")->phase, LivePhase::Asking);
  demand.replied("v1", reply(orders[0], contract::ReplyStatus::Accepted), now);
  demand.receiving("v1", "gate", true, now);
  EXPECT_EQ(demand.status("v1", "gate")->phase, LivePhase::Playing);
  demand.replied("v1", reply(orders[0], contract::ReplyStatus::Ended, "camera_lost"), now);
  EXPECT_EQ(demand.status("v1", "gate")->phase, LivePhase::Ended);
  EXPECT_EQ(demand.status("v1", "gate")->code, "camera_lost");
}

TEST_F(LiveDemandTest, ALinkLostUnderAPlayingPushIsAskedForAgainButNotUnderOneThatNeverPlayed) {
  demand.watch("v1", "gate", "page-a", false, now, wall);
  const auto first = take().at(0);
  demand.replied("v1", reply(first, contract::ReplyStatus::Accepted), now);
  demand.receiving("v1", "gate", true, now);
  demand.replied("v1", reply(first, contract::ReplyStatus::Ended, "link_lost"), now);
  EXPECT_EQ(demand.status("v1", "gate")->phase, LivePhase::Interrupted);
  pass(2s);
  const auto retry = take().at(0);
  EXPECT_EQ(retry.kind, Kind::Ask);
  EXPECT_FALSE(retry.renewal);
  demand.replied("v1", reply(retry, contract::ReplyStatus::Accepted), now);
  demand.replied("v1", reply(retry, contract::ReplyStatus::Ended, "link_lost"), now);
  EXPECT_EQ(demand.status("v1", "gate")->phase, LivePhase::Ended) << "no video since the retry: no endless retries";
  EXPECT_EQ(demand.status("v1", "gate")->code, "link_lost");
}

TEST_F(LiveDemandTest, AReplyIsTakenOnlyFromTheNodeItWasAskedOf) {
  demand.watch("v1", "gate", "page-a", false, now, wall);
  const auto first = take().at(0);
  auto forged = reply(first, contract::ReplyStatus::Refused, "camera_offline");
  forged.node_id = "v2";
  EXPECT_FALSE(demand.replied("v2", forged, now)) << "another node answering for v1";
  forged.node_id = "v1";
  EXPECT_FALSE(demand.replied("v2", forged, now)) << "v1's id on v2's topic";
  EXPECT_EQ(demand.status("v1", "gate")->phase, LivePhase::Asking);
}

TEST_F(LiveDemandTest, MorePushesThanTheConsoleCarriesAreBusyNotAsked) {
  demand.watch("v1", "a", "p", false, now, wall);
  demand.watch("v1", "b", "p", false, now, wall);
  EXPECT_EQ(take().size(), 2u);
  EXPECT_EQ(demand.watch("v2", "c", "p", false, now, wall).phase, LivePhase::Busy);
  EXPECT_TRUE(take().empty());
  demand.leave("v1", "a", "p");
  take();
  EXPECT_EQ(demand.watch("v2", "c", "p", true, now, wall).phase, LivePhase::Asking);
}

TEST_F(LiveDemandTest, ARenewalRefusedAsExpiredLeavesThePushAlone) {
  demand.watch("v1", "gate", "page-a", false, now, wall);
  demand.replied("v1", reply(take().at(0), contract::ReplyStatus::Accepted), now);
  demand.receiving("v1", "gate", true, now);
  pass(10s);
  demand.watch("v1", "gate", "page-a", false, now, wall);
  const auto renewal = take().at(0);
  demand.replied("v1", reply(renewal, contract::ReplyStatus::Refused, "expired"), now);
  EXPECT_EQ(demand.status("v1", "gate")->phase, LivePhase::Playing);
}

}  // namespace
}  // namespace villagecam::county
