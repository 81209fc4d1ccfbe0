// Frozen pictures that the camera keeps encoding, judged against the
// camera's own live behaviour: pictures from real footage, stream counters
// shaped like those of a frozen and of a live H.264 camera.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "analysis/stillness.hpp"
#include "analysis/view_quality.hpp"
#include "encoded_footage.hpp"

namespace villagecam::analysis {
namespace {

using namespace std::chrono_literals;

std::vector<cv::Mat> footage(const std::string& name, int count) {
  cv::VideoCapture cap("/usr/share/doc/opencv-doc/examples/data/" + name);
  std::vector<cv::Mat> out;
  cv::Mat f;
  while (static_cast<int>(out.size()) < count && cap.read(f)) {
    cv::Mat grey;
    cv::cvtColor(f, grey, cv::COLOR_BGR2GRAY);
    out.push_back(rawSmallGrey(grey).clone());
  }
  return out;
}

// Feeds frames at `fps` from t0; returns the verdict at the end.
std::optional<bool> feed(PictureStillness& s, const std::vector<cv::Mat>& frames, SteadyTime t0, double fps) {
  SteadyTime t = t0;
  for (size_t i = 1; i < frames.size(); ++i) {
    t = t0 + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(i / fps));
    s.add(frameDifference(frames[i], frames[i - 1]), t);
  }
  return s.still(t);
}

TEST(PictureStillness, LiveFootageIsLiveAndAHeldPictureIsStill) {
  for (const std::string clip : {"vtest.avi", "tree.avi"}) {
    const auto live = footage(clip, 60);
    ASSERT_GE(live.size(), 50u) << clip;
    PictureStillness s;
    const SteadyTime t0{};
    EXPECT_EQ(feed(s, live, t0, 5), false) << clip;
    // The picture stops: the decoder repeats it; key frames (one in ten)
    // re-encode it with a little noise.
    std::vector<cv::Mat> held;
    cv::RNG rng(1);
    for (int i = 0; i < 60; ++i) {
      cv::Mat f = live.back().clone();
      if (i % 10 == 0) {
        cv::Mat noise(f.size(), CV_8SC1);
        rng.fill(noise, cv::RNG::UNIFORM, -1, 2);
        cv::add(f, noise, f, cv::noArray(), CV_8U);
      }
      held.push_back(f);
    }
    EXPECT_EQ(feed(s, held, t0 + 12s, 5), true) << clip;
  }
}

// The analysis rate of a small box (2 frames a second, the default): once
// most of the window's frames are held ones, every check says still, with
// a key frame's noise in the window or not. A verdict that comes and
// goes restarts the hysteresis and delays the alarm by many seconds.
TEST(PictureStillness, AtTwoFramesASecondTheVerdictHoldsAtEveryCheck) {
  const auto live = footage("vtest.avi", 30);
  PictureStillness s;
  const SteadyTime t0{};
  EXPECT_EQ(feed(s, live, t0, 2), false);
  const SteadyTime held_from = t0 + 15s;
  cv::RNG rng(2);
  // The decoder shows the held picture as its last key frame coded it: delta
  // frames skip every block, each key frame re-codes it with its own noise.
  cv::Mat previous = live.back().clone(), decoded = live.back().clone();
  for (int i = 0; i < 20; ++i) {
    if (i % 4 == 0) {  // a key frame every 2 s
      cv::Mat noise(decoded.size(), CV_8SC1);
      rng.fill(noise, cv::RNG::UNIFORM, -1, 2);
      cv::add(live.back(), noise, decoded, cv::noArray(), CV_8U);
    }
    const SteadyTime t = held_from + i * 500ms;
    s.add(frameDifference(decoded, previous), t);
    decoded.copyTo(previous);
    // The window's median turns once most of its frames are held ones.
    if (t - held_from >= 2500ms) {
      EXPECT_EQ(s.still(t), true) << "at " << (t - held_from).count() << " ns held";
    }
  }
}

TEST(PictureStillness, AViewNeverSeenLiveIsNotJudged) {
  // A still scene without noise at commissioning cannot be told from a frozen one.
  const auto live = footage("vtest.avi", 1);
  std::vector<cv::Mat> still(40, live[0]);
  PictureStillness s;
  s.learnedAtBaseline(0.0);
  EXPECT_EQ(feed(s, still, SteadyTime{}, 5), std::nullopt);
}

TEST(PictureStillness, TheBaselinesNoiseMakesAFrozenStartJudged) {
  const auto live = footage("vtest.avi", 1);
  std::vector<cv::Mat> still(40, live[0]);
  PictureStillness s;
  s.learnedAtBaseline(0.6);
  EXPECT_EQ(feed(s, still, SteadyTime{}, 5), true);
}

TEST(PictureStillness, NeedsHalfAWindowOfFrames) {
  const auto live = footage("vtest.avi", 1);
  PictureStillness s;
  s.learnedAtBaseline(0.6);
  std::vector<cv::Mat> few(4, live[0]);
  EXPECT_EQ(feed(s, few, SteadyTime{}, 5), std::nullopt);
}

TEST(StreamStillness, DeltaFramesCollapsingWhileKeyFramesGoOnIsStill) {
  StreamStillness s;
  StreamSample c;
  c.width = 640;
  c.height = 360;
  SteadyTime t{};
  // 10 fps, a key frame every 20: live, key 30 kB, deltas 3 kB...
  auto run = [&](int seconds, std::uint64_t key_size, std::uint64_t delta_size) {
    for (int i = 0; i < seconds * 10; ++i) {
      ++c.frames;
      if (c.frames % 20 == 1) {
        ++c.key_frames;
        c.key_bytes += key_size;
      } else {
        c.delta_bytes += delta_size;
      }
      t += 100ms;
      c.at = t;
      if (i % 5 == 0) s.add(c);
    }
  };
  run(12, 30000, 3000);
  EXPECT_EQ(s.still(), false);
  // ...then frozen: every block skipped, 20 bytes a delta frame.
  run(12, 29000, 20);
  EXPECT_EQ(s.still(), true);
  run(12, 30000, 3000);
  EXPECT_EQ(s.still(), false);
}

TEST(StreamStillness, AStaticStreamFromTheStartIsNotJudged) {
  StreamStillness s;
  StreamSample c;
  c.width = 640;
  c.height = 360;
  for (int i = 1; i <= 300; ++i) {
    c.frames = i;
    c.key_frames = 1 + i / 20;
    c.key_bytes = c.key_frames * 30000;
    c.delta_bytes = (c.frames - c.key_frames) * 20;
    c.at = SteadyTime{} + i * 100ms;
    s.add(c);
  }
  EXPECT_EQ(s.still(), std::nullopt);
}

TEST(StreamStillness, NoKeyFramesInTheWindowIsNoEvidence) {
  StreamStillness s;
  StreamSample c;
  c.width = 640;
  c.height = 360;
  for (int i = 1; i <= 300; ++i) {
    c.frames = i;
    c.key_frames = 1;
    c.key_bytes = 30000;
    c.delta_bytes = i < 150 ? i * 3000 : 150 * 3000 + (i - 150) * 20;
    c.at = SteadyTime{} + i * 100ms;
    s.add(c);
  }
  EXPECT_EQ(s.still(), std::nullopt);
}

}  // namespace
}  // namespace villagecam::analysis

namespace villagecam::analysis {
namespace {

// A key frame as an encoder makes it: the picture with this frame's sensor
// noise, then JPEG-compressed at `quality` (as a key frame is, by blocks).
cv::Mat keyFrame(const cv::Mat& picture, double noise, unsigned seed, int quality = 75) {
  cv::Mat n(picture.size(), CV_16S), wide, out;
  cv::RNG rng(seed);
  rng.fill(n, cv::RNG::NORMAL, 0, noise);
  picture.convertTo(wide, CV_16S);
  wide += n;
  wide.convertTo(out, CV_8U);
  std::vector<uchar> jpeg;
  cv::imencode(".jpg", out, jpeg, {cv::IMWRITE_JPEG_QUALITY, quality});
  return cv::imdecode(jpeg, cv::IMREAD_GRAYSCALE);
}

// Grey frames of the footage at the node's analysis size.
std::vector<cv::Mat> analysisFrames(const std::string& clip, int count) {
  cv::VideoCapture cap("/usr/share/doc/opencv-doc/examples/data/" + clip);
  std::vector<cv::Mat> out;
  cv::Mat f, grey;
  while (static_cast<int>(out.size()) < count && cap.read(f)) {
    cv::cvtColor(f, grey, cv::COLOR_BGR2GRAY);
    cv::resize(grey, grey, {320, 180}, 0, 0, cv::INTER_AREA);
    out.push_back(grey.clone());
  }
  return out;
}

std::vector<cv::Mat> keyFramesOf(const std::string& clip, int every, int count, double noise) {
  const auto frames = analysisFrames(clip, every * count + 1);
  std::vector<cv::Mat> keys;
  for (int i = 0; i + every < static_cast<int>(frames.size()) && static_cast<int>(keys.size()) < count; i += every) {
    keys.push_back(keyFrame(frames[i], noise, 100 + i));
  }
  return keys;
}

// The key frames of a picture that stopped: the same picture (its noise
// frozen in) re-encoded at a quality that drifts, as a rate control does.
TEST(KeyFrameStillness, KeyFramesOfAStoppedPictureAreStillAndLiveOnesNeverEvenInTheDark) {
  for (const std::string clip : {"vtest.avi", "tree.avi"}) {
    const auto live = keyFramesOf(clip, clip == "tree.avi" ? 5 : 20, 12, 2.0);  // tree.avi has 68 frames
    ASSERT_EQ(live.size(), 12u) << clip;
    KeyFrameStillness s;
    SteadyTime at{};
    auto next = [&at] { return at += std::chrono::seconds(2); };
    for (const auto& k : live) {
      s.add(k, next());
      EXPECT_NE(s.still(), true) << clip << ": live key frames";
    }
    ASSERT_TRUE(s.liveFloor()) << clip;
    // Frozen: the last live picture, noise and all, encoded again and again.
    const cv::Mat stopped = keyFrame(analysisFrames(clip, 1)[0], 2.0, 7);
    int still = 0;
    for (int i = 0; i < 6; ++i) {
      s.add(keyFrame(stopped, 0.0, 0, 75 + i % 2), next());
      still += s.still() == true;
    }
    EXPECT_GE(still, 5) << clip << ": from the second key frame of the stopped picture on (live floor "
                        << *s.liveFloor() << ")";
    // The scene goes on, live again at once.
    s.add(live[3], next());
    EXPECT_EQ(s.still(), false) << clip;
    EXPECT_EQ(s.stillSince(), std::nullopt) << clip;

    // Night: an empty scene with half the sensor noise it had by day (the
    // live floor was learned by day) is still live, not frozen.
    KeyFrameStillness night;
    for (const auto& k : live) night.add(k, next());
    const cv::Mat empty = analysisFrames(clip, 1)[0];
    for (int i = 0; i < 8; ++i) {
      night.add(keyFrame(empty, 1.0, 500 + i), next());
      EXPECT_NE(night.still(), true) << clip << ": a quiet night at key frame " << i;
    }
  }
}

// A camera whose key frames never differ (a noiseless synthetic scene) is
// never judged: it cannot be told from a frozen one.
TEST(KeyFrameStillness, ACameraWithoutNoiseIsNotJudged) {
  KeyFrameStillness s;
  const cv::Mat flat(180, 320, CV_8U, cv::Scalar(90));
  for (int i = 0; i < 10; ++i) s.add(flat, SteadyTime{} + std::chrono::seconds(2 * i));
  EXPECT_EQ(s.still(), std::nullopt);
}

// An encoder that keeps its bit rate spends it on a stopped picture: each key
// frame re-encodes it better than the last (modelled here as an error that
// shrinks key frame by key frame), so pairs come down to the still share only
// after several key frames (measured on x264 at 1.5 Mbit/s: 14 s). The key
// frames of the stopped picture differ from the still one by their
// compression alone, less than live ones do (0.66 of the live floor at
// worst, against 0.95 at least for live ones, on that stream): the stop is
// dated to the first of them.
TEST(KeyFrameStillness, ARefinedStoppedPictureIsDatedToItsFirstKeyFrame) {
  const auto live = keyFramesOf("vtest.avi", 20, 12, 2.0);
  ASSERT_EQ(live.size(), 12u);
  KeyFrameStillness s;
  SteadyTime at{};
  for (const auto& k : live) {
    s.add(k, at += std::chrono::seconds(2));
    EXPECT_EQ(s.stillSince(), std::nullopt);
  }
  const cv::Mat stopped = keyFrame(analysisFrames("vtest.avi", 1)[0], 2.0, 7, 100);
  const SteadyTime stopped_at = at + std::chrono::seconds(2);
  std::vector<std::optional<bool>> verdicts;
  int seed = 900;
  for (const double error : {1.15, 1.0, 0.9, 0.7, 0.5, 0.3, 0.1, 0.0, 0.0}) {
    s.add(keyFrame(stopped, error, ++seed, 95), at += std::chrono::seconds(2));
    verdicts.push_back(s.still());
  }
  ASSERT_EQ(s.still(), true) << "once the encoder has refined it (live floor " << *s.liveFloor() << ")";
  EXPECT_NE(verdicts[1], true) << "not still while the encoder still refines it";
  ASSERT_TRUE(s.stillSince());
  EXPECT_EQ(*s.stillSince(), stopped_at);
  s.add(live[5], at += std::chrono::seconds(2));
  EXPECT_EQ(s.stillSince(), std::nullopt);
  EXPECT_EQ(s.still(), false);
}

// A camera at a lean bit rate (300 kbit/s for 640x360: a 1080p main stream
// at 4 Mbit/s, per pixel) whose picture stops while its encoder keeps the
// rate: x264 re-encodes the stopped picture at each key frame at a
// quantiser that wanders, and two such key frames differ almost as much as
// live ones (0.4-0.8 of the live floor). Found by its repeats: a key frame
// at a quantiser seen before is the earlier one to the last pixel, which no
// live key frame is. Live again by the second live key frame. The same
// scenes left live never read as stopped.
TEST(KeyFrameStillness, APictureReencodedAtALeanBitRateIsFoundByItsRepeats) {
  constexpr int kGop = 20, kStop = 120, kGo = 520, kFrames = 640;  // 2 s key frames; stopped 12-52 s
  for (const std::string clip : {"vtest.avi", "building.jpg"}) {
    SCOPED_TRACE(clip);
    auto frames = testing::footage(clip, kFrames);
    for (int k = 0; k < kFrames; ++k) testing::sensorNoise(frames[k], 2.0, 77 + k);
    auto stopped = frames;
    for (int k = kStop; k < kGo; ++k) stopped[k] = frames[kStop].clone();
    for (const bool stops : {true, false}) {
      const auto decoded = testing::throughEncoder(stops ? stopped : frames, 300, kGop);
      ASSERT_GE(decoded.size(), static_cast<size_t>(kFrames - kGop));
      KeyFrameStillness s;
      std::optional<int> found;
      int kept = 0, lapses = 0;
      for (int k = 0; k < static_cast<int>(decoded.size()); k += kGop) {
        s.add(rawSmallGrey(decoded[k]), SteadyTime{} + k * 100ms);
        const bool still = s.still() == true;
        // The first key frame after it moves again may still read stopped
        // (live ones are only a little farther apart than re-encodings).
        if (stops && k == kGo) continue;
        if (!stops || k < kStop || k > kGo) {
          EXPECT_FALSE(still) << (stops ? "live" : "never stopped") << " at " << k / 10 << " s (live floor "
                              << s.liveFloor().value_or(-1) << ")";
          continue;
        }
        if (still && !found) found = k;
        if (found) ++(still ? kept : lapses);
      }
      if (!stops) continue;
      ASSERT_TRUE(found.has_value()) << "the stopped picture was never found";
      EXPECT_LE(*found - kStop, 250) << "found " << (*found - kStop) / 10 << " s after it stopped";
      // A key frame at a quantiser the stop has not shown yet may lapse
      // (x264 run with threads chose them differently from run to run: 0-2
      // lapses, found 10-22 s after the stop), never most of them.
      EXPECT_LE(lapses * 5, kept + lapses) << "once found, it stays stopped while it is (found "
                                           << (*found - kStop) / 10 << " s after it stopped)";
    }
  }
}

// A looped recording (a test camera's idle part, or one fed to the node in
// place of a camera) repeats its key frames to the last pixel, like a
// stopped picture re-encoded; but each differs from the one before as live
// ones do. It is not a stopped picture.
TEST(KeyFrameStillness, ALoopedRecordingIsNotAStoppedPicture) {
  const auto loop = keyFramesOf("vtest.avi", 20, 6, 2.0);
  ASSERT_EQ(loop.size(), 6u);
  KeyFrameStillness s;
  SteadyTime at{};
  for (int round = 0; round < 4; ++round) {
    for (const auto& k : loop) {
      s.add(k, at += 2s);
      EXPECT_NE(s.still(), true) << "round " << round;
    }
  }
}

}  // namespace
}  // namespace villagecam::analysis
