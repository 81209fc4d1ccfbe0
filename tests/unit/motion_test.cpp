// Motion and intrusion zones over frames, with no GStreamer: real footage
// (vtest.avi from Debian's opencv-doc: people walking — a zone on the floor
// fires, zones on the wall and the lawn never do) and synthetic scenes with
// known truth (an object entering a zone at a known frame and leaving at
// another; brightness ramps; flicker; sensor noise; an infrared switch; a
// swaying masked region; an object passing by). Prints precision, recall and
// the start-time error in frames over all cases.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <cstdio>
#include <functional>

#include "analysis/motion.hpp"
#include "analysis/people.hpp"
#include "analysis/zones.hpp"

namespace villagecam::analysis {
namespace {

using namespace std::chrono_literals;
constexpr auto kFrame = 100ms;  // 10 frames a second, as vtest.avi

Polygon rect(double x0, double y0, double x1, double y1) { return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}; }

// A road across the lower part of the synthetic scenes (the objects' feet
// at y = 168 of 180 lie on it).
const Polygon kRoad = rect(0.0, 0.65, 1.0, 1.0);

ZoneSpec zone(const std::string& id, Polygon p, Duration dwell = 1s) {
  ZoneSpec z;
  z.id = id;
  z.polygon = std::move(p);
  z.dwell = dwell;
  z.clear_after = 2s;
  z.cooldown = 5s;
  z.min_size = 0.002;
  return z;
}

struct Event {
  ZonePhase phase;
  int frame;
};

// Runs frames through a detector and one tracker per zone; events per zone.
std::map<std::string, std::vector<Event>> run(const std::function<bool(int, cv::Mat&)>& next_frame,
                                              const std::vector<ZoneSpec>& zones, MotionConfig config = {}) {
  MotionDetector detector(config);
  std::vector<ZoneTracker> trackers;
  for (const auto& z : zones) trackers.emplace_back(z);
  std::map<std::string, std::vector<Event>> out;
  cv::Mat frame;
  for (int i = 0; next_frame(i, frame); ++i) {
    const auto r = detector.process(frame);
    const SteadyTime now = SteadyTime{} + i * kFrame;
    for (auto& t : trackers) {
      if (auto e = t.update(r.blobs, true, now)) {
        if (e->phase != ZonePhase::Update) out[t.spec().id].push_back({e->phase, i});
      }
    }
  }
  return out;
}

// --- synthetic scenes ---------------------------------------------------

cv::Mat texture(unsigned seed) {
  cv::Mat t(180, 320, CV_8UC3);
  cv::theRNG().state = seed;
  cv::randu(t, 40, 200);
  cv::GaussianBlur(t, t, {0, 0}, 3);
  return t;
}

void noisy(cv::Mat& f, double sigma, unsigned seed) {
  cv::Mat n(f.size(), CV_16SC3);
  cv::theRNG().state = seed;
  cv::randn(n, 0, sigma);
  cv::Mat w;
  f.convertTo(w, CV_16SC3);
  w += n;
  w.convertTo(f, CV_8UC3);
}

struct Scene {
  std::string name;
  int frames = 200;
  int enter = -1, leave = -1;      // the object's visit (frames), -1: none
  cv::Point from{240, 100}, to{240, 100};  // the object's top-left as it visits
  std::function<void(int, cv::Mat&)> extra = {};  // lighting, flicker, ...
  std::vector<Polygon> masks = {};
};

std::function<bool(int, cv::Mat&)> render(const Scene& s) {
  const cv::Mat background = texture(11);
  return [=](int i, cv::Mat& f) {
    if (i >= s.frames) return false;
    f = background.clone();
    if (s.enter >= 0 && i >= s.enter && i < s.leave) {
      const double t = s.leave > s.enter + 1 ? double(i - s.enter) / (s.leave - s.enter - 1) : 0;
      const cv::Point at(s.from.x + static_cast<int>((s.to.x - s.from.x) * t),
                         s.from.y + static_cast<int>((s.to.y - s.from.y) * t));
      cv::rectangle(f, {at.x, at.y, 16, 40}, cv::Scalar(20, 25, 30), cv::FILLED);   // a person-sized dark figure
      cv::rectangle(f, {at.x + 3, at.y - 10, 10, 10}, cv::Scalar(60, 80, 120), cv::FILLED);  // and a head
    }
    if (s.extra) s.extra(i, f);
    noisy(f, 3, 1000 + i);
    return true;
  };
}

struct Tally {
  int tp = 0, fp = 0, fn = 0;
  int quiet = 0;  // cases where nothing should fire
  std::vector<int> start_errors;
};

Tally& tally() {
  static Tally t;
  return t;
}

// One zone (the bottom-right quarter) per scene; truth: one event iff the
// object stays inside it for longer than the dwell.
void checkScene(const Scene& s, bool expect_event, const Polygon& zone_poly = rect(0.6, 0.5, 1.0, 1.0)) {
  MotionConfig c;
  c.masks = s.masks;
  const auto events = run(render(s), {zone("z", zone_poly)}, c);
  const auto it = events.find("z");
  int starts = 0, first_start = -1, ends = 0;
  if (it != events.end()) {
    for (const auto& e : it->second) {
      if (e.phase == ZonePhase::Start && starts++ == 0) first_start = e.frame;
      if (e.phase == ZonePhase::End) ++ends;
    }
  }
  auto& t = tally();
  if (expect_event) {
    if (starts >= 1) {
      ++t.tp;
      t.start_errors.push_back(first_start - (s.enter + 10));  // truth: entry plus the 1 s dwell
    } else {
      ++t.fn;
    }
    t.fp += std::max(0, starts - 1);
    EXPECT_EQ(starts, 1) << s.name;
    EXPECT_EQ(ends, 1) << s.name << ": one end after the object left";
    EXPECT_NEAR(first_start, s.enter + 10, 3) << s.name << ": start within 3 frames of entry + dwell";
  } else {
    ++t.quiet;
    t.fp += starts;
    EXPECT_EQ(starts, 0) << s.name << ": nothing should fire";
  }
}

void eventCases() {
  checkScene({.name = "object walks into the zone and stays", .enter = 50, .leave = 120, .from = {200, 100}, .to = {230, 110}},
             true);

  checkScene({.name = "object enters at dusk", .enter = 60, .leave = 130, .from = {200, 100}, .to = {230, 110},
              .extra = [](int i, cv::Mat& f) { f.convertTo(f, -1, 1.0 - 0.004 * i, 0); }},
             true);
}

void quietCases() {
  checkScene({.name = "dusk: light falls to 30% over 20 s",
              .extra = [](int i, cv::Mat& f) { f.convertTo(f, -1, 1.0 - 0.0035 * i, 0); }},
             false);
  checkScene({.name = "flicker: every 7th frame 40 levels brighter",
              .extra = [](int i, cv::Mat& f) { if (i % 7 == 0) f += cv::Scalar(40, 40, 40); }},
             false);
  checkScene({.name = "sensor noise (sigma 8)", .extra = [](int i, cv::Mat& f) { noisy(f, 8, 5000 + i); }},
             false);
  checkScene({.name = "infrared switch to grey at frame 100",
              .extra = [](int i, cv::Mat& f) {
                if (i < 100) return;
                cv::Mat g;
                cv::cvtColor(f, g, cv::COLOR_BGR2GRAY);
                g.convertTo(g, -1, 0.6, 70);
                cv::cvtColor(g, f, cv::COLOR_GRAY2BGR);
              }},
             false);
  checkScene({.name = "headlights: the whole view brightens in 3 frames and stays",
              .extra = [](int i, cv::Mat& f) { if (i >= 100) f.convertTo(f, -1, 1.0 + 0.25 * std::min(3, i - 99), 10); }},
             false);
  checkScene({.name = "a bush swaying in the zone (the background model learns the sway)",
              .extra = [](int i, cv::Mat& f) {
                const int dx = static_cast<int>(8 * std::sin(i * 0.9));
                cv::ellipse(f, {250 + dx, 150}, {18, 14}, 0, 0, 360, cv::Scalar(30, 120, 40), cv::FILLED);
              }},
             false);
  checkScene({.name = "traffic on a masked road through the zone", .enter = 50, .leave = 120, .from = {150, 128},
              .to = {320, 128}, .masks = {kRoad}},
             false);
  checkScene({.name = "an object passing by outside the zone", .enter = 40, .leave = 160, .from = {10, 20}, .to = {150, 30}},
             false);
  checkScene({.name = "an object crossing the zone faster than the dwell", .enter = 80, .leave = 87, .from = {170, 110},
              .to = {300, 110}},
             false);
}

TEST(MotionScenes, WithoutItsMaskTheRoadTrafficWouldFire) {
  // The mask is what keeps the road quiet, not a blind detector.
  const auto events = run(render({.name = "road, no mask", .enter = 50, .leave = 120, .from = {150, 128}, .to = {320, 128}}),
                          {zone("z", rect(0.6, 0.5, 1.0, 1.0))});
  ASSERT_TRUE(events.count("z"));
  EXPECT_EQ(events.at("z").front().phase, ZonePhase::Start);
}

// --- real footage -------------------------------------------------------

void footageCases() {
  cv::VideoCapture cap("/usr/share/doc/opencv-doc/examples/data/vtest.avi");
  EXPECT_TRUE(cap.isOpened());
  const auto frames = [&](int, cv::Mat& f) { return cap.read(f); };
  const auto events = run(frames, {zone("floor", rect(0.30, 0.28, 0.85, 0.52)), zone("wall", rect(0.42, 0.0, 0.75, 0.17)),
                                   zone("lawn", rect(0.0, 0.55, 0.40, 1.0))});
  EXPECT_TRUE(events.count("floor")) << "people walk on the floor all through the clip";
  if (!events.count("floor") || !events.count("lawn")) {
    tally().fn += 2 - static_cast<int>(events.count("floor") + events.count("lawn"));
    return;
  }
  EXPECT_EQ(events.at("floor").front().phase, ZonePhase::Start);
  EXPECT_LE(events.at("floor").front().frame, 60) << "people are there from the start: found once the model has learned "
                                                     "the scene, within 6 s";
  EXPECT_FALSE(events.count("wall"));
  // Two people leave the path and cross the lawn from about frame 530 (53 s) on; nobody before.
  EXPECT_GE(events.at("lawn").front().frame, 520);
  EXPECT_LE(events.at("lawn").front().frame, 570);
  auto& t = tally();
  t.tp += 2;
  t.fp += static_cast<int>(events.count("wall")) + (events.at("lawn").front().frame < 520 ? 1 : 0);
}

TEST(MotionFootage, ThePeopleCheckFindsPeopleOnTheFloorAndNoneInAPatchOfLawn) {
  cv::VideoCapture cap("/usr/share/doc/opencv-doc/examples/data/vtest.avi");
  MotionDetector detector;
  PeopleCheck people;
  cv::Mat f;
  int confirmed = 0, frames = 0;
  for (int i = 0; cap.read(f) && i < 120; ++i) {
    const auto r = detector.process(f);
    if (i < 20 || i % 10 != 0) continue;
    ++frames;
    confirmed += people.anyPerson(f, r.blobs) ? 1 : 0;
  }
  EXPECT_GE(confirmed, frames / 2) << confirmed << " of " << frames << " frames";
  EXPECT_FALSE(people.anyPerson(f, {Blob{{0.05, 0.6, 0.1, 0.2}, 0.02}}));
}

// Every case in one run, so the summary cannot miss one.
TEST(MotionCases, PrecisionRecallAndStartErrorOverRealFootageAndSyntheticScenes) {
  eventCases();
  quietCases();
  footageCases();
  const auto& t = tally();
  const double precision = t.tp + t.fp ? double(t.tp) / (t.tp + t.fp) : 1.0;
  const double recall = t.tp + t.fn ? double(t.tp) / (t.tp + t.fn) : 1.0;
  int worst = 0;
  double mean = 0;
  for (int e : t.start_errors) {
    worst = std::max(worst, std::abs(e));
    mean += e;
  }
  if (!t.start_errors.empty()) mean /= t.start_errors.size();
  std::printf("\nmotion/intrusion over %d cases with an event and %d quiet ones: precision %.2f, recall %.2f "
              "(tp %d, fp %d, fn %d); start error vs entry+dwell (synthetic): mean %.1f frames, worst %d frames (10 fps)\n",
              t.tp + t.fn, t.quiet, precision, recall, t.tp, t.fp, t.fn, mean, worst);
  EXPECT_EQ(t.tp + t.fn, 4);
  EXPECT_EQ(t.quiet, 9);
  EXPECT_GE(precision, 0.99);
  EXPECT_GE(recall, 0.99);
}

// --- schedules ------------------------------------------------------------

TEST(Schedules, WindowsPastMidnightBelongToTheDayTheyStart) {
  WeeklySchedule s{{{*parseDays("mon-fri"), *parseClock("19:00"), *parseClock("06:00")}}};
  EXPECT_TRUE(s.activeAt(0, 19 * 60));       // Monday 19:00
  EXPECT_TRUE(s.activeAt(1, 5 * 60 + 59));   // Tuesday 05:59, from Monday's window
  EXPECT_FALSE(s.activeAt(1, 6 * 60));       // Tuesday 06:00
  EXPECT_TRUE(s.activeAt(5, 3 * 60));        // Saturday 03:00, from Friday's window
  EXPECT_FALSE(s.activeAt(5, 20 * 60));      // Saturday evening: not a weekday window
  EXPECT_FALSE(s.activeAt(0, 3 * 60));       // Monday 03:00: Sunday had no window
  EXPECT_TRUE(WeeklySchedule{}.activeAt(3, 12 * 60));  // no windows: always
  EXPECT_EQ(*parseDays("sat-mon"), (std::vector<int>{0, 5, 6}));
  EXPECT_EQ(*parseDays("daily"), (std::vector<int>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_FALSE(parseDays("weekdays"));
  EXPECT_FALSE(parseClock("7pm"));
  EXPECT_FALSE(parseClock("24:30"));
}

TEST(ZoneTrackerTest, AZoneOutsideItsScheduleNeverStartsAndEndsWhenItsScheduleEnds) {
  ZoneTracker t(zone("z", rect(0, 0, 1, 1), 1s));
  const std::vector<Blob> person{{{0.4, 0.4, 0.1, 0.3}, 0.01}};
  const SteadyTime t0{};
  for (int i = 0; i < 50; ++i) EXPECT_FALSE(t.update(person, /*active=*/false, t0 + i * kFrame));
  ASSERT_FALSE(t.update(person, true, t0 + 5s));
  const auto start = t.update(person, true, t0 + 6s);
  ASSERT_TRUE(start);
  EXPECT_EQ(start->phase, ZonePhase::Start);
  const auto end = t.update(person, false, t0 + 7s);  // the schedule ends: so does the event
  ASSERT_TRUE(end);
  EXPECT_EQ(end->phase, ZonePhase::End);
}

TEST(ZoneTrackerTest, CooldownSuppressesAQuickRepeatAndCountsIt) {
  auto spec = zone("z", rect(0, 0, 1, 1), 0s);
  spec.cooldown = 60s;
  spec.clear_after = 1s;
  ZoneTracker t(spec);
  const std::vector<Blob> person{{{0.4, 0.4, 0.1, 0.3}, 0.01}};
  const SteadyTime t0{};
  ASSERT_EQ(t.update(person, true, t0)->phase, ZonePhase::Start);
  EXPECT_FALSE(t.update({}, true, t0 + 1s));
  ASSERT_EQ(t.update({}, true, t0 + 2s)->phase, ZonePhase::End);
  EXPECT_FALSE(t.update(person, true, t0 + 10s));  // within the cooldown
  EXPECT_FALSE(t.update(person, true, t0 + 11s));
  EXPECT_EQ(t.suppressedByCooldown(), 1u);
  EXPECT_FALSE(t.update({}, true, t0 + 12s));
  ASSERT_EQ(t.update(person, true, t0 + 63s)->phase, ZonePhase::Start);  // after it
}

}  // namespace
}  // namespace villagecam::analysis
