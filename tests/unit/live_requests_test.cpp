// The node's decisions on the county's live-video commands: what it starts,
// renews, refuses (with the contract's code) and ends, without a camera or
// a broker (app/live_requests.hpp).
#include <gtest/gtest.h>

#include "app/live_requests.hpp"

namespace villagecam::app {
namespace {

using namespace std::chrono_literals;
using contract::CommandKind;
using contract::ReplyStatus;

const WallTime kWall = WallTime(std::chrono::milliseconds(1'795'000'000'000));
const SteadyTime kNow = SteadyTime(std::chrono::hours(100));

contract::Command start(const std::string& id, const std::string& camera, WallTime issued = kWall,
                        Duration lease = 30s) {
  contract::Command c;
  c.id = id;
  c.node_id = "xinzhuang";
  c.kind = CommandKind::LiveStart;
  c.camera_id = camera;
  c.issued_at = issued;
  c.expires_at = issued + 10s;
  c.lease_until = issued + std::chrono::duration_cast<WallTime::duration>(lease);
  return c;
}

contract::Command stop(const std::string& id, const std::string& camera) {
  auto c = start(id, camera);
  c.kind = CommandKind::LiveStop;
  c.lease_until.reset();
  return c;
}

const LiveCameraFacts kOnline{true, true, "h264", 1500};
const LiveLimits kLimits{true, 4000};

TEST(LiveRequests, AStartPushesOnceAndLaterStartsOnlyRenewItsLease) {
  LiveRequests r;
  auto d = r.decide(start("c1", "gate"), "xinzhuang", kOnline, kLimits, kNow, kWall);
  EXPECT_EQ(d.status, ReplyStatus::Accepted);
  EXPECT_TRUE(d.start);
  EXPECT_EQ(d.push_command, "c1");
  // A second operator's page, 20 s later: the same push, its lease moved on.
  d = r.decide(start("c2", "gate", kWall + 20s), "xinzhuang", kOnline, kLimits, kNow + 20s, kWall + 20s);
  EXPECT_EQ(d.status, ReplyStatus::Accepted);
  EXPECT_FALSE(d.start);
  EXPECT_EQ(d.push_command, "c1");
  EXPECT_TRUE(r.expire(kNow + 40s).empty());  // the first lease would have ended at 30 s
  const auto ended = r.expire(kNow + 50s);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].camera, "gate");
  EXPECT_EQ(ended[0].push_command, "c1");
  EXPECT_FALSE(r.pushing("gate"));
}

TEST(LiveRequests, EachRefusalHasItsCode) {
  LiveRequests r;
  auto code = [&](const contract::Command& c, LiveCameraFacts facts, LiveLimits limits = kLimits,
                  WallTime wall = kWall) {
    const auto d = r.decide(c, "xinzhuang", facts, limits, kNow, wall);
    EXPECT_FALSE(d.start);
    return d.status == ReplyStatus::Refused ? d.code : "(accepted)";
  };
  auto other = start("c1", "gate");
  other.node_id = "dongba";
  EXPECT_EQ(code(other, kOnline), "not_for_this_node");
  EXPECT_EQ(code(start("c2", "gate"), kOnline, kLimits, kWall + 11s), "expired");  // held 11 s by an outage
  EXPECT_EQ(code(start("c3", "gate"), kOnline, LiveLimits{false, 4000}), "no_county_link");
  EXPECT_EQ(code(start("c4", "nowhere"), LiveCameraFacts{}), "unknown_camera");
  EXPECT_EQ(code(start("c5", "gate"), LiveCameraFacts{true, false, "h264", 0}), "camera_offline");
  EXPECT_EQ(code(start("c6", "gate"), LiveCameraFacts{true, true, "h265", 1000}), "unsupported_codec");
  EXPECT_EQ(code(start("c7", "gate"), LiveCameraFacts{true, true, "h264", 4500}), "over_bitrate");
  EXPECT_FALSE(r.pushing("gate"));
}

TEST(LiveRequests, TheOutgoingCapCountsEveryPushAndAStopFreesItsShare) {
  LiveRequests r;
  EXPECT_TRUE(r.decide(start("c1", "gate"), "xinzhuang", kOnline, kLimits, kNow, kWall).start);
  EXPECT_TRUE(r.decide(start("c2", "square"), "xinzhuang", kOnline, kLimits, kNow, kWall).start);
  // 1500 + 1500 pushed; another 1500 would pass 4000.
  auto d = r.decide(start("c3", "bridge"), "xinzhuang", kOnline, kLimits, kNow, kWall);
  EXPECT_EQ(d.code, "over_bitrate");
  // A camera not measured yet counts as a full 4 Mbit/s stream.
  EXPECT_EQ(r.decide(start("c4", "road"), "xinzhuang", LiveCameraFacts{true, true, "h264", 0}, LiveLimits{true, 6000},
                     kNow, kWall)
                .code,
            "over_bitrate");
  d = r.decide(stop("c5", "gate"), "xinzhuang", kOnline, kLimits, kNow + 1s, kWall + 1s);
  EXPECT_EQ(d.status, ReplyStatus::Ended);
  EXPECT_EQ(d.code, "stopped");
  EXPECT_TRUE(d.stop);
  EXPECT_EQ(d.push_command, "c1");
  EXPECT_TRUE(r.decide(start("c6", "bridge"), "xinzhuang", kOnline, kLimits, kNow + 2s, kWall + 2s).start);
  EXPECT_DOUBLE_EQ(r.pushedKbps(), 3000);
}

TEST(LiveRequests, ALeaseIsCountedFromWhenItWasHeardCappedAndNotMovedByAWallClockStep) {
  LiveRequests r;
  // The county asks for an hour: two minutes at most.
  r.decide(start("c1", "gate", kWall, 1h), "xinzhuang", kOnline, kLimits, kNow, kWall);
  EXPECT_EQ(r.nextExpiry(), kNow + 2min);
  // A command issued by a county clock 10 min ahead (its own times agree
  // with each other): the lease is its length from when it was heard.
  LiveRequests s;
  auto c = start("c2", "gate", kWall + 10min);
  c.expires_at = kWall + 10min + 10s;
  s.decide(c, "xinzhuang", kOnline, kLimits, kNow, kWall);
  EXPECT_EQ(s.nextExpiry(), kNow + 30s);
}

TEST(LiveRequests, APushThatEndsOnItsOwnIsForgottenAndAStopOfNothingIsAnswered) {
  LiveRequests r;
  r.decide(start("c1", "gate"), "xinzhuang", kOnline, kLimits, kNow, kWall);
  const auto e = r.ended("gate");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->push_command, "c1");
  EXPECT_FALSE(r.ended("gate"));
  const auto d = r.decide(stop("c2", "gate"), "xinzhuang", kOnline, kLimits, kNow, kWall);
  EXPECT_EQ(d.status, ReplyStatus::Ended);
  EXPECT_FALSE(d.stop);
}

}  // namespace
}  // namespace villagecam::app
