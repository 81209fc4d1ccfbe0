// RateCeiling: which decoded frames are analysed, from their timestamps.
#include "ingest/rate_ceiling.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace villagecam::ingest {
namespace {

constexpr std::uint64_t kSecond = 1'000'000'000;

// Frames at `fps` for `seconds` from `start`, with a little timestamp jitter;
// how many the ceiling takes.
int taken(RateCeiling& ceiling, double fps, double seconds, std::uint64_t start = 0) {
  int n = 0;
  const int frames = static_cast<int>(fps * seconds);
  for (int i = 0; i < frames; ++i) {
    const auto jitter = static_cast<std::uint64_t>((i * 7919) % 5) * 1'000'000;  // 0..4 ms
    n += ceiling.take(start + static_cast<std::uint64_t>(i * kSecond / fps) + jitter) ? 1 : 0;
  }
  return n;
}

TEST(RateCeiling, AFasterCameraIsAnalysedAtTheCeilingOnAverage) {
  RateCeiling at5(5);
  EXPECT_EQ(taken(at5, 25, 60), 300);  // every 5th frame
  RateCeiling odd(5);
  EXPECT_NEAR(taken(odd, 7, 60), 300, 2) << "7 frames a second keep 5 a second, not every other one (3.5)";
  RateCeiling thirty(5);
  EXPECT_NEAR(taken(thirty, 30, 60), 300, 2);
}

TEST(RateCeiling, ASlowerCameraKeepsEveryFrame) {
  RateCeiling at5(5);
  EXPECT_EQ(taken(at5, 3, 60), 180);
  RateCeiling at10(10);
  EXPECT_EQ(taken(at10, 10, 60), 600);
}

TEST(RateCeiling, ANewStreamOrAGapStartsAgainAtOnce) {
  RateCeiling c(5);
  EXPECT_TRUE(c.take(100 * kSecond));
  EXPECT_FALSE(c.take(100 * kSecond + kSecond / 25));
  EXPECT_TRUE(c.take(3 * kSecond)) << "the clock went back: a new stream";
  EXPECT_FALSE(c.take(3 * kSecond + kSecond / 25));
  EXPECT_TRUE(c.take(50 * kSecond)) << "after a gap";
}

TEST(RateCeiling, WithoutACeilingOrATimestampEveryFrameIsTaken) {
  RateCeiling none(0);
  EXPECT_EQ(taken(none, 25, 10), 250);
  RateCeiling c(1);
  EXPECT_TRUE(c.take(0));
  EXPECT_TRUE(c.take(std::nullopt));
}

}  // namespace
}  // namespace villagecam::ingest
