#include <gtest/gtest.h>

#include "analysis/darkening.hpp"
#include "analysis/shake.hpp"
#include "analysis/view_tracker.hpp"

#include <opencv2/core.hpp>

#include <cmath>
#include <functional>

namespace villagecam::analysis {
namespace {

using namespace std::chrono_literals;

TEST(ViewTracker, RaisesOnlyAfterTheIssueHeldLongEnoughAndClearsAfterItsGone) {
  ViewTracker t({20s, 10s});
  const SteadyTime t0{};
  EXPECT_TRUE(t.update({ViewIssue::Occluded}, t0).empty());
  EXPECT_TRUE(t.update({ViewIssue::Occluded}, t0 + 19s).empty());
  const auto raised = t.update({ViewIssue::Occluded}, t0 + 20s);  // held 20 s
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_TRUE(raised[0].raised);
  EXPECT_EQ(raised[0].since, t0);  // the alert starts when the cover came, not when it was confirmed
  EXPECT_FALSE(t.ok());
  EXPECT_TRUE(t.update({}, t0 + 25s).empty());
  EXPECT_TRUE(t.update({ViewIssue::Occluded}, t0 + 30s).empty());  // back before clear_after: still the same
  EXPECT_TRUE(t.update({}, t0 + 31s).empty());
  EXPECT_TRUE(t.update({}, t0 + 39s).empty());
  const auto cleared = t.update({}, t0 + 40s);  // gone since after the check at 30 s: 10 s
  ASSERT_EQ(cleared.size(), 1u);
  EXPECT_FALSE(cleared[0].raised);
  EXPECT_TRUE(t.ok());
}

// Checks every 2 s, as on a key-frame camera: a cover that comes just after a
// check is raised within raise_after of its coming, not raise_after + 2 s;
// with the checks' jitter too.
TEST(ViewTracker, ACheckCadenceAddsNoDelayToTheHold) {
  ViewTracker t({20s, 10s});
  const SteadyTime t0{};
  auto at = [&](double s) { return t0 + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s)); };
  std::optional<double> raised_at, cleared_at;
  for (int k = 0; k < 40; ++k) {
    const double now = 2.0 * k + (k % 3 == 0 ? -0.06 : 0.04);  // jitter
    const bool covered = now > 10.1 && now < 50.1;  // on after the check at 10 s, off after the one at 50 s
    for (const auto& c : t.update(covered ? std::vector{ViewIssue::Occluded} : std::vector<ViewIssue>{}, at(now))) {
      (c.raised ? raised_at : cleared_at) = now;
    }
  }
  ASSERT_TRUE(raised_at && cleared_at);
  EXPECT_LE(*raised_at, 10.1 + 20.0);
  EXPECT_GE(*raised_at, 10.1 + 20.0 - 2.5);  // seen at ten checks in a row, never at fewer
  EXPECT_LE(*cleared_at, 50.1 + 10.0);
  EXPECT_GE(*cleared_at, 50.1 + 10.0 - 2.5);
}

TEST(ViewTracker, ABriefObstructionRaisesNothing) {
  ViewTracker t({20s, 10s});
  const SteadyTime t0{};
  for (int s = 0; s < 15; ++s) EXPECT_TRUE(t.update({ViewIssue::Occluded}, t0 + std::chrono::seconds(s)).empty());
  EXPECT_TRUE(t.update({}, t0 + 15s).empty());  // the bus has passed
  for (int s = 16; s < 30; ++s) EXPECT_TRUE(t.update({ViewIssue::Occluded}, t0 + std::chrono::seconds(s)).empty());
  EXPECT_TRUE(t.ok());
}

TEST(ViewTracker, IssuesAreTrackedIndependently) {
  ViewTracker t({5s, 5s});
  const SteadyTime t0{};
  t.update({ViewIssue::Defocus}, t0);
  t.update({ViewIssue::Defocus}, t0 + 2s);
  t.update({ViewIssue::Defocus, ViewIssue::Frozen}, t0 + 3s);  // frozen since after the check at 2 s
  const auto at5 = t.update({ViewIssue::Defocus, ViewIssue::Frozen}, t0 + 5s);
  ASSERT_EQ(at5.size(), 1u);
  EXPECT_EQ(at5[0].issue, ViewIssue::Defocus);
  EXPECT_TRUE(t.update({ViewIssue::Defocus, ViewIssue::Frozen}, t0 + 6s).empty());
  const auto at7 = t.update({ViewIssue::Defocus, ViewIssue::Frozen}, t0 + 7s);
  ASSERT_EQ(at7.size(), 1u);
  EXPECT_EQ(at7[0].issue, ViewIssue::Frozen);
  EXPECT_EQ(at7[0].since, t0 + 3s);  // reported from when it was first seen
  EXPECT_EQ(t.raised().size(), 2u);
}

}  // namespace
}  // namespace villagecam::analysis

#include <fstream>

#include "analysis/baseline_store.hpp"
#include "analysis/view_quality.hpp"

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

namespace villagecam::analysis {
namespace {

TEST(BaselineStore, RoundTripsAndNamesAMalformedFile) {
  const auto dir = std::filesystem::temp_directory_path() / ("vc-baseline-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  cv::Mat frame(kAnalysisHeight * 2, kAnalysisWidth * 2, CV_8UC3);
  cv::randu(frame, 0, 255);
  StoredBaseline stored{makeBaseline({frame, frame}), WallTime(std::chrono::seconds(1764398427)), 2};
  saveBaseline(dir, "gate", stored);
  const auto back = loadBaseline(dir, "gate");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->frames, 2);
  EXPECT_EQ(back->taken_at, stored.taken_at);
  EXPECT_DOUBLE_EQ(back->baseline.measures.sharpness, stored.baseline.measures.sharpness);
  EXPECT_EQ(back->baseline.reference.size(), stored.baseline.reference.size());
  EXPECT_FALSE(loadBaseline(dir, "other").has_value());
  std::ofstream(dir / "bad.json") << "{\"version\": 1}";
  try {
    loadBaseline(dir, "bad");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json: malformed baseline"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

// A baseline stored before cells were finer (4 x 4, no "grid") still loads,
// and a cover is judged on its grid.
// An analyser that dates an issue's start (a stopped picture, from its key
// frames) has its hold counted from then; still, nothing is raised sooner than
// a quarter of raise_after after it was first seen, so one judgement never
// raises on its own.
TEST(ViewTracker, AnIssueDatedByItsAnalyserHoldsFromThenButIsSeenAQuarterOfTheHoldFirst) {
  ViewTracker t({.raise_after = 20s, .clear_after = 10s});
  const SteadyTime t0{};
  // Checks every 2 s; the picture stopped at 2 s, its key frames said so at 14 s.
  for (int s = 0; s <= 12; s += 2) EXPECT_TRUE(t.update({}, t0 + std::chrono::seconds(s)).empty());
  for (int s = 14; s <= 20; s += 2) {
    EXPECT_TRUE(t.update({ViewIssue::Frozen}, t0 + std::chrono::seconds(s), {{ViewIssue::Frozen, t0 + 2s}}).empty()) << s;
  }
  const auto raised = t.update({ViewIssue::Frozen}, t0 + 22s, {{ViewIssue::Frozen, t0 + 2s}});  // not 32 s
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].since, t0 + 2s);
  // Dated long before: still seen for 5 s (a quarter of 20 s) first.
  ViewTracker late({.raise_after = 20s, .clear_after = 10s});
  EXPECT_TRUE(late.update({ViewIssue::Frozen}, t0 + 100s, {{ViewIssue::Frozen, t0}}).empty());
  EXPECT_TRUE(late.update({ViewIssue::Frozen}, t0 + 104s, {{ViewIssue::Frozen, t0}}).empty());
  EXPECT_EQ(late.update({ViewIssue::Frozen}, t0 + 105s, {{ViewIssue::Frozen, t0}}).size(), 1u);
}

TEST(BaselineStore, KeepsTheViewsLightForJudgingItAtDusk) {
  const auto dir = std::filesystem::temp_directory_path() / ("vc-baseline-light-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  cv::VideoCapture cap("/usr/share/doc/opencv-doc/examples/data/vtest.avi");
  std::vector<cv::Mat> frames;
  for (cv::Mat f; frames.size() < 3 && cap.read(f);) frames.push_back(f.clone());
  ASSERT_EQ(frames.size(), 3u);
  const StoredBaseline stored{makeBaseline(frames), WallTime(std::chrono::seconds(1764398427)), 3};
  ASSERT_EQ(stored.baseline.measures.cell_level.size(), stored.baseline.measures.cell_texture.size());
  ASSERT_GT(stored.baseline.measures.raw_contrast, 10);
  saveBaseline(dir, "gate", stored);
  const auto back = loadBaseline(dir, "gate");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->baseline.measures.cell_level, stored.baseline.measures.cell_level);
  EXPECT_DOUBLE_EQ(back->baseline.measures.raw_contrast, stored.baseline.measures.raw_contrast);
  // Its brightness, grain and colour: for low contrast, snow and a colour cast.
  EXPECT_DOUBLE_EQ(back->baseline.measures.raw_mean, stored.baseline.measures.raw_mean);
  EXPECT_DOUBLE_EQ(back->baseline.measures.noise, stored.baseline.measures.noise);
  ASSERT_TRUE(stored.baseline.measures.chroma && back->baseline.measures.chroma);
  EXPECT_GT(stored.baseline.measures.chroma->saturation, 3) << "vtest.avi is in colour";
  EXPECT_DOUBLE_EQ(back->baseline.measures.chroma->u, stored.baseline.measures.chroma->u);
  EXPECT_DOUBLE_EQ(back->baseline.measures.chroma->v, stored.baseline.measures.chroma->v);
  std::filesystem::remove_all(dir);
}

TEST(BaselineStore, ABaselineOnTheOldFourByFourGridStillJudgesCovers) {
  const auto dir = std::filesystem::temp_directory_path() / ("vc-baseline-old-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  cv::VideoCapture cap("/usr/share/doc/opencv-doc/examples/data/vtest.avi");
  std::vector<cv::Mat> frames;
  for (cv::Mat f; frames.size() < 6 && cap.read(f);) frames.push_back(f.clone());
  ASSERT_EQ(frames.size(), 6u);
  const auto prepared = prepare(frames[0]);
  StoredBaseline stored{makeBaseline(frames), WallTime(std::chrono::seconds(1764398427)), 6};
  saveBaseline(dir, "gate", stored);
  // Rewrite it as the old format: 16 cells, no grid.
  std::ifstream in(dir / "gate.json");
  auto j = nlohmann::json::parse(in);
  j.erase("grid");
  j.erase("cell_clipped");
  j.erase("cell_level");
  j.erase("raw_contrast");
  j["cell_texture"] = measure(prepared, kLegacyGrid, kLegacyGrid).cell_texture;
  std::ofstream(dir / "gate.json") << j.dump();
  const auto back = loadBaseline(dir, "gate");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->baseline.measures.grid_columns, kLegacyGrid);
  cv::Mat covered = frames[5].clone();
  cv::rectangle(covered, cv::Rect(0, 0, covered.cols / 2, covered.rows), cv::Scalar(30, 30, 30), cv::FILLED);
  EXPECT_TRUE(assess(covered, {}, back->baseline).has(ViewIssue::Occluded));
  EXPECT_TRUE(assess(frames[5], {}, back->baseline).issues.empty());
  j["grid"] = {5, 5};  // cells that do not match the grid
  std::ofstream(dir / "gate.json") << j.dump();
  EXPECT_THROW(loadBaseline(dir, "gate"), std::runtime_error);
  std::filesystem::remove_all(dir);
}

// Shaking, check by check (shifts in pixels at 320x180): a loose mount
// throwing the view 4-8 px one way and the other shakes; a view turned once and left there, a
// 2 px wobble in the wind and a tree's leaves (no shift at all) do not; the
// shaking is dated to the check before its first jump, and ends at the
// first check at rest.
TEST(ShakeJudgeTest, AViewMovingFromCheckToCheckShakesOneThatMovedOnceDoesNot) {
  const SteadyTime t0{};
  auto feed = [&](ShakeJudge& j, int from, int count, const std::function<ShiftEstimate(int)>& shift) {
    for (int i = from; i < from + count; ++i) j.add(shift(i), t0 + i * 2s);
  };
  cv::RNG rng(7);
  ShakeJudge loose;
  feed(loose, 0, 5, [](int) { return ShiftEstimate{0.1, -0.1, 0.6}; });
  EXPECT_FALSE(loose.shaking());
  feed(loose, 5, 6, [&](int i) {
    const double side = i % 2 ? 1 : -1;  // to one side and the other, by 4 to 8 px
    return ShiftEstimate{side * rng.uniform(4.0, 8.0), -side * rng.uniform(2.0, 6.0), 0.4};
  });
  EXPECT_TRUE(loose.shaking());
  ASSERT_TRUE(loose.since());
  EXPECT_EQ(*loose.since(), t0 + 4 * 2s) << "dated to the check before the first jump";
  feed(loose, 11, 1, [](int) { return ShiftEstimate{0.0, 0.1, 0.6}; });  // back at rest: one jump more
  feed(loose, 12, 1, [](int) { return ShiftEstimate{0.1, 0.0, 0.6}; });
  EXPECT_FALSE(loose.shaking()) << "at rest, and no jump since";

  ShakeJudge turned;
  feed(turned, 0, 3, [](int) { return ShiftEstimate{0, 0, 0.6}; });
  feed(turned, 3, 8, [](int) { return ShiftEstimate{40, 12, 0.3}; });
  EXPECT_FALSE(turned.shaking()) << "moved once and stays: shifted, not shaking";

  ShakeJudge wobble;
  feed(wobble, 0, 10, [&](int) { return ShiftEstimate{rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0), 0.5}; });
  EXPECT_FALSE(wobble.shaking());

  ShakeJudge blurred;  // no correlation peak to measure: no evidence either way
  feed(blurred, 0, 10, [&](int i) { return ShiftEstimate{i * 5.0, 0, 0.01}; });
  EXPECT_FALSE(blurred.shaking());
}

// Dark: the light that falls between two checks, not the light that is.
TEST(DarkJudgeTest, ALensDimmedAtOnceIsDarkNightFallingIsNot) {
  const SteadyTime t0{};
  DarkJudge dimmed;  // checks every 2 s
  for (int i = 0; i < 5; ++i) dimmed.add(1.0, t0 + i * 2s);
  dimmed.add(0.22, t0 + 10s);  // a dark film over the lens
  EXPECT_TRUE(dimmed.dark());
  ASSERT_TRUE(dimmed.since());
  EXPECT_EQ(*dimmed.since(), t0 + 8s) << "dated to the last check before the fall";
  for (int i = 6; i < 600; ++i) dimmed.add(0.22, t0 + i * 2s);
  EXPECT_TRUE(dimmed.dark()) << "a dimmed lens does not get better with time";
  dimmed.add(0.6, t0 + 1200s);
  EXPECT_TRUE(dimmed.dark()) << "not back to 75 % of its light";
  dimmed.add(0.9, t0 + 1202s);
  EXPECT_FALSE(dimmed.dark());
  EXPECT_FALSE(dimmed.since());

  // Night over 30 s (compressed: real dusk takes half an hour), down to 3 %.
  DarkJudge night;
  for (int i = 0; i <= 15; ++i) night.add(std::exp(std::log(0.03) * i / 15.0), t0 + i * 2s);
  EXPECT_FALSE(night.dark());

  // A bright view dimmed by half is still a view: dark needs the light low too.
  DarkJudge shade;
  shade.add(1.2, t0);
  shade.add(0.55, t0 + 2s);
  EXPECT_FALSE(shade.dark());

  // Lights cut at night: the view was dim already and falls to a fifth.
  DarkJudge lamps;
  lamps.add(0.2, t0);
  lamps.add(0.04, t0 + 2s);
  EXPECT_TRUE(lamps.dark());

  // After a gap (the camera offline for a while) there is nothing to compare with.
  DarkJudge gap;
  gap.add(1.0, t0);
  gap.add(0.1, t0 + 600s);
  EXPECT_FALSE(gap.dark());

  // Pictures a minute apart (health mode): compared with the one before.
  DarkJudge sampled(60s);
  sampled.add(0.9, t0);
  sampled.add(0.85, t0 + 60s);
  sampled.add(0.2, t0 + 120s);
  EXPECT_TRUE(sampled.dark());
}

}  // namespace
}  // namespace villagecam::analysis
