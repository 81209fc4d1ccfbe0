#include <gtest/gtest.h>

#include "health/uptime_ledger.hpp"
#include "util/wall_clock_watch.hpp"

namespace villagecam::health {
namespace {

using namespace std::chrono_literals;

const WallTime kStart = WallTime(std::chrono::hours(24 * 365 * 56));  // on a minute boundary

TEST(UptimeLedger, CountsUpAndDownAndLeavesTheRestUnknown) {
  UptimeLedger l;
  l.record("gate", kStart, kStart + 30min, true);
  l.record("gate", kStart + 30min, kStart + 45min, false);
  const auto w = l.window("gate", kStart + 1h, std::chrono::hours(1));
  EXPECT_DOUBLE_EQ(w.up_s, 1800);
  EXPECT_DOUBLE_EQ(w.down_s, 900);
  EXPECT_DOUBLE_EQ(w.unknown_s, 900);
  EXPECT_DOUBLE_EQ(*w.ratio(), 2.0 / 3.0);
}

TEST(UptimeLedger, TheCurrentMinuteCountsWholeWhateverTheTime) {
  UptimeLedger l;
  l.record("gate", kStart, kStart + 10s, true);
  const auto w = l.window("gate", kStart + 15s, std::chrono::hours(1));  // 15 s into the minute
  EXPECT_DOUBLE_EQ(w.up_s, 10);
  EXPECT_DOUBLE_EQ(w.unknown_s, 3590);
}

TEST(UptimeLedger, TheWindowsFirstMinuteCountsInProportion) {
  UptimeLedger l;
  l.record("gate", kStart, kStart + 60s, true);
  const auto w = l.window("gate", kStart + 60min + 30s, std::chrono::hours(1));  // starts mid-minute
  EXPECT_DOUBLE_EQ(w.up_s, 30);
}

TEST(UptimeLedger, NothingKnownHasNoRatio) {
  UptimeLedger l;
  EXPECT_FALSE(l.window("gate", kStart, std::chrono::hours(1)).ratio().has_value());
}

TEST(UptimeLedger, WindowsCoverTheirOwnSpans) {
  UptimeLedger l;
  l.record("gate", kStart, kStart + 48h, true);
  l.record("gate", kStart + 48h, kStart + 50h, false);
  const auto s = l.stats("gate", kStart + 50h);
  EXPECT_DOUBLE_EQ(*s.last_1h.ratio(), 0.0);
  EXPECT_NEAR(*s.last_24h.ratio(), 22.0 / 24.0, 1e-9);
  EXPECT_NEAR(*s.last_7d.ratio(), 48.0 / 50.0, 1e-9);
  EXPECT_NEAR(s.last_7d.unknown_s, (168 - 50) * 3600.0, 1e-6);
}

TEST(UptimeLedger, AMinuteNeverHoldsMoreThanAMinute) {
  UptimeLedger l;
  l.record("gate", kStart, kStart + 60s, true);
  l.record("gate", kStart, kStart + 60s, false);  // overlapping report: ignored past full
  const auto w = l.window("gate", kStart + 60s, 60s);
  EXPECT_DOUBLE_EQ(w.up_s + w.down_s, 60);
}

TEST(UptimeLedger, SurvivesARoundTripThroughJsonCompactly) {
  UptimeLedger l;
  l.record("gate", kStart, kStart + 7 * 24h, true);
  l.record("bridge", kStart + 10min, kStart + 10min + 2500ms, false);
  const std::string json = l.toJson();
  EXPECT_LT(json.size(), 400u) << json;  // a week of steady uptime is one run
  const UptimeLedger back = UptimeLedger::fromJson(json);
  const auto now = kStart + 7 * 24h;
  EXPECT_DOUBLE_EQ(back.window("gate", now, 168h).up_s, l.window("gate", now, 168h).up_s);
  EXPECT_DOUBLE_EQ(back.window("bridge", now, 168h).down_s, 2.5);
}

TEST(UptimeLedger, PrunesWhatIsOlderThanAWeek) {
  UptimeLedger l;
  l.record("gate", kStart, kStart + 1h, true);
  l.prune(kStart + 24h * 9);
  EXPECT_TRUE(l.cameras().empty());
}

TEST(UptimeLedger, RejectsAMalformedDocument) {
  EXPECT_THROW(UptimeLedger::fromJson("{\"version\": 1"), std::runtime_error);
  EXPECT_THROW(UptimeLedger::fromJson(R"({"version":1,"bucket_seconds":60,"cameras":{"a":{"first_minute":0,"runs":[[1,60000,1]]}}})"),
               std::runtime_error);
  EXPECT_THROW(UptimeLedger::fromJson(R"({"version":2,"bucket_seconds":60,"cameras":{}})"), std::runtime_error);
}

}  // namespace
}  // namespace villagecam::health

namespace villagecam::health {
namespace {

// Issue 13: a camera up all along, ticked once a second as the node does,
// while NTP steps the wall clock by +2 h, then by -30 min. Up time is what
// the monotonic clock says passed; the jumped-over 2 h stay unknown, the
// minutes the clock went back over are not booked twice, each step is told.
TEST(WallClockWatch, AStepOfTheWallClockIsNeitherUpNorDownTime) {
  ManualClock clock(kStart);
  WallClockWatch watch;
  UptimeLedger ledger;
  std::vector<Duration> steps;
  auto tick = [&] {
    clock.advance(1s);
    const auto span = watch.advance(clock.steady(), clock.wall());
    if (span.step) steps.push_back(*span.step);
    ledger.record("gate", span.from, span.to, true);
  };
  EXPECT_FALSE(watch.advance(clock.steady(), clock.wall()).step);  // the node starts
  for (int i = 0; i < 600; ++i) tick();                              // 10 min
  clock.stepWall(2h);
  for (int i = 0; i < 600; ++i) tick();                              // 10 min more, 2 h later by the wall
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_NEAR(toSeconds(steps[0]), 7200, 0.01);
  const auto day = ledger.window("gate", clock.wall(), std::chrono::hours(24));
  EXPECT_DOUBLE_EQ(day.up_s, 1200) << "20 minutes passed, not 2 h 20 min";
  EXPECT_DOUBLE_EQ(day.down_s, 0);
  const auto jumped = ledger.window("gate", kStart + 10min + 2h, std::chrono::hours(2));
  EXPECT_NEAR(jumped.unknown_s, 7200, 1.0) << "the 2 h the clock jumped over are unknown";

  clock.stepWall(-30min);
  for (int i = 0; i < 600; ++i) tick();  // 10 min, all of them over wall time already booked
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_NEAR(toSeconds(steps[1]), -1800, 0.01);
  EXPECT_DOUBLE_EQ(ledger.window("gate", kStart + 3h, std::chrono::hours(24)).up_s, 1200) << "nothing booked twice";
  // A late tick is no step.
  clock.advance(1500ms);
  EXPECT_FALSE(watch.advance(clock.steady(), clock.wall()).step);
}

}  // namespace
}  // namespace villagecam::health
