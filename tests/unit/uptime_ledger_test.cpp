#include <gtest/gtest.h>

#include "health/uptime_ledger.hpp"

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
