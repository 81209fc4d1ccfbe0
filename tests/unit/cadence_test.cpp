// The stream's cadence (analysis::CadenceJudge) on frame timings as a camera
// and a link make them: a steady stream with the jitter of a real link must
// never stutter; frames dropped, bursts and timestamp jumps must, within a
// window, and end within a window of the stream flowing again.
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "analysis/cadence.hpp"

namespace villagecam::analysis {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::int64_t kFrame = 40'000'000;  // 25 fps, ns

// Feeds `count` frames from frame `first`: each frame's arrival from
// `arrival(k)` (seconds after the start), timestamps kFrame apart unless
// `stamp(k)` says otherwise; returns what stutters() said after each frame.
struct Stream {
  CadenceJudge judge;
  SteadyTime t0{seconds(1000)};
  std::vector<bool> fed(int first, int count, const std::function<double(int)>& arrival,
                        const std::function<std::int64_t(int)>& stamp = {}) {
    std::vector<bool> said;
    for (int k = first; k < first + count; ++k) {
      const auto at = t0 + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(arrival(k)));
      judge.add({at, stamp ? stamp(k) : k * kFrame});
      said.push_back(judge.stutters());
    }
    return said;
  }
};

bool any(const std::vector<bool>& v) { return std::find(v.begin(), v.end(), true) != v.end(); }
bool all(const std::vector<bool>& v) { return std::find(v.begin(), v.end(), false) == v.end(); }

// The jitter of a real link: each frame up to 30 ms late, now and then 150 ms.
double jittered(int k, std::mt19937& rng) {
  const double late = std::uniform_real_distribution<double>(0, 0.03)(rng) + (k % 97 == 0 ? 0.15 : 0.0);
  return k * 0.04 + late;
}

TEST(CadenceJudgeTest, ASteadyStreamWithALinksJitterNeverStutters) {
  Stream s;
  std::mt19937 rng(3);
  EXPECT_FALSE(any(s.fed(0, 25 * 120, [&](int k) { return jittered(k, rng); })));
  const auto f = s.judge.figures();
  ASSERT_TRUE(f);
  EXPECT_NEAR(f->own_rate, 25, 0.5);
  EXPECT_NEAR(f->rate, 25, 0.5);
  EXPECT_EQ(f->timestamp_jumps, 0);
  EXPECT_EQ(f->bursts, 0);
}

TEST(CadenceJudgeTest, NothingIsSaidBeforeFiveSecondsOfTheStream) {
  Stream s;
  EXPECT_FALSE(any(s.fed(0, 25, [](int k) { return k * 0.16; }, [](int k) { return k * 4 * kFrame; })));  // 4 s
  EXPECT_FALSE(s.judge.figures());
}

TEST(CadenceJudgeTest, ACameraDroppingThreeFramesInFourStuttersAndRecovers) {
  Stream s;
  ASSERT_FALSE(any(s.fed(0, 25 * 30, [](int k) { return k * 0.04; })));
  // Every fourth frame only, for 30 s: their timestamps 160 ms apart.
  std::vector<bool> said;
  for (int k = 25 * 30; k < 25 * 60; k += 4) {
    const auto one = s.fed(k, 1, [](int j) { return j * 0.04; });
    said.push_back(one.front());
  }
  // Within one window (10 s = 63 of these frames) it stutters, and stays so.
  ASSERT_GT(said.size(), 70u);
  EXPECT_TRUE(all({said.begin() + 63, said.end()}));
  const auto f = s.judge.figures();
  ASSERT_TRUE(f);
  EXPECT_NEAR(f->rate, 6.25, 0.3);
  EXPECT_NEAR(f->own_rate, 25, 0.5);
  // The camera flows again: clean within a window.
  const auto after = s.fed(25 * 60, 25 * 20, [](int k) { return k * 0.04; });
  EXPECT_FALSE(any({after.begin() + 25 * 11, after.end()}));
}

TEST(CadenceJudgeTest, AFifthOfTheFramesLostIsNoStutter) {
  Stream s;
  std::mt19937 rng(5);
  std::vector<bool> said;
  for (int k = 0; k < 25 * 90; ++k) {
    if (k > 25 * 20 && std::uniform_real_distribution<double>(0, 1)(rng) < 0.2) continue;
    said.push_back(s.fed(k, 1, [](int j) { return j * 0.04; }).front());
  }
  EXPECT_FALSE(any(said));
}

TEST(CadenceJudgeTest, ALinkThatHoldsFramesAndReleasesThemInBurstsStutters) {
  Stream s;
  ASSERT_FALSE(any(s.fed(0, 25 * 20, [](int k) { return k * 0.04; })));
  // Every 3 s the link holds the frames for 0.8 s, then lets them all through.
  auto held = [](int k) {
    const double sent = k * 0.04, cycle = std::fmod(sent - 20, 3.0);
    return cycle < 0.8 ? sent - cycle + 0.8 + 0.001 * (k % 20) : sent;
  };
  const auto said = s.fed(25 * 20, 25 * 30, held);
  EXPECT_TRUE(all({said.begin() + 25 * 10, said.end()}));
  EXPECT_GE(s.judge.figures()->bursts, 2);
  EXPECT_GE(s.judge.figures()->largest_gap, 0.75);
}

TEST(CadenceJudgeTest, OneHiccupInAWindowIsNoStutter) {
  Stream s;
  // A single hold of 0.8 s every 12 s.
  auto held = [](int k) {
    const double sent = k * 0.04, cycle = std::fmod(sent, 12.0);
    return sent > 6 && cycle < 0.8 ? sent - cycle + 0.8 : sent;
  };
  EXPECT_FALSE(any(s.fed(0, 25 * 60, held)));
}

TEST(CadenceJudgeTest, ATimestampJumpWhileFramesKeepComingStuttersForAWindow) {
  Stream s;
  ASSERT_FALSE(any(s.fed(0, 25 * 20, [](int k) { return k * 0.04; })));
  // The camera's clock jumps 30 s ahead once, frames coming on as before.
  const auto said = s.fed(25 * 20, 25 * 20, [](int k) { return k * 0.04; },
                          [](int k) { return k * kFrame + (k >= 25 * 21 ? 30'000'000'000LL : 0); });
  EXPECT_TRUE(said[25 * 1 + 1]);
  EXPECT_FALSE(any({said.begin() + 25 * 12, said.end()}));
  // A jump back by 5 s likewise.
  const auto back = s.fed(25 * 40, 25 * 3, [](int k) { return k * 0.04; },
                          [](int k) { return k * kFrame + 30'000'000'000LL - (k >= 25 * 41 ? 5'000'000'000LL : 0); });
  EXPECT_TRUE(back.back());
}

TEST(CadenceJudgeTest, AStreamAtALowRateOfItsOwnIsNoStutterAndAReconnectStartsAfresh) {
  Stream s;
  // 5 fps from the start, with jitter: its own rate.
  std::mt19937 rng(9);
  EXPECT_FALSE(any(s.fed(0, 5 * 60, [&](int k) { return k * 0.2 + std::uniform_real_distribution<double>(0, 0.05)(rng); },
                         [](int k) { return k * 5 * kFrame; })));
  EXPECT_NEAR(s.judge.figures()->own_rate, 5, 0.3);
  // Reconnected: new timestamps from 0, no jump.
  s.judge.restart();
  EXPECT_FALSE(any(s.fed(5 * 60, 5 * 30, [](int k) { return k * 0.2; }, [](int k) { return (k - 300) * 5 * kFrame; })));
}

}  // namespace
}  // namespace villagecam::analysis
