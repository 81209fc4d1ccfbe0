// Motion and intrusion zones over frames, with no GStreamer: real footage
// (vtest.avi from Debian's opencv-doc: people walking — a zone on the floor
// fires, zones on the wall and the lawn never do) and synthetic scenes with
// known truth (an object entering a zone at a known frame and leaving at
// another; brightness ramps; flicker; sensor noise; an infrared switch; a
// swaying masked region; an object passing by). Prints precision, recall and
// the start-time error in frames over all cases.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <cstdio>
#include <functional>

#include "analysis/motion.hpp"
#include "analysis/object_tracker.hpp"
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

// Runs frames through a detector, the object tracker and one zone tracker
// per zone, as the node's DetectionMonitor does; events per zone.
std::map<std::string, std::vector<Event>> run(const std::function<bool(int, cv::Mat&)>& next_frame,
                                              const std::vector<ZoneSpec>& zones, MotionConfig config = {},
                                              Duration frame_time = kFrame, const cv::Mat& prior = {}) {
  MotionDetector detector(config);
  if (!prior.empty()) detector.restart(prior);
  ObjectTracker objects;
  std::vector<ZoneTracker> trackers;
  for (const auto& z : zones) trackers.emplace_back(z);
  std::map<std::string, std::vector<Event>> out;
  cv::Mat frame;
  for (int i = 0; next_frame(i, frame); ++i) {
    const auto r = detector.process(frame, objects.heldRegions());
    const SteadyTime now = SteadyTime{} + i * frame_time;
    objects.update(r.blobs, detector.picture(), [&] { return detector.background(); }, now);
    const auto present = objects.present();
    for (auto& t : trackers) {
      if (auto e = t.update(present, true, now)) {
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

// --- visits: people who walk through a zone, or stop in it (issue 13) -----

// At the node's default detection rate.
constexpr auto kDetectionFrame = 200ms;

// vtest.avi at 320 x 240, five frames a second, up to the moment two people
// leave the path for the lawn (53 s): nobody else is ever on the lawn.
const std::vector<cv::Mat>& vtestFrames() {
  static const std::vector<cv::Mat> frames = [] {
    std::vector<cv::Mat> out;
    cv::VideoCapture cap("/usr/share/doc/opencv-doc/examples/data/vtest.avi");
    cv::Mat f, small;
    for (int i = 0; cap.read(f) && i < 520; ++i) {
      if (i % 2 != 0) continue;
      cv::resize(f, small, {320, 240}, 0, 0, cv::INTER_AREA);
      out.push_back(small.clone());
    }
    return out;
  }();
  return frames;
}

// A person cut out of the footage: the largest upright moving object the
// detector finds in vtest.avi after `after` frames (its box, with an
// elliptic mask so that no rectangle of another place comes along).
struct Figure {
  cv::Mat pixels;
  cv::Mat mask;
};

Figure personFromFootage(int after) {
  MotionDetector detector;
  const auto& frames = vtestFrames();
  for (int i = 0; i < static_cast<int>(frames.size()); ++i) {
    const auto r = detector.process(frames[i]);
    if (i < after) continue;
    for (const auto& b : r.blobs) {
      const cv::Rect box(static_cast<int>(b.box.x * 320), static_cast<int>(b.box.y * 240),
                         static_cast<int>(b.box.width * 320), static_cast<int>(b.box.height * 240));
      if (box.height < 30 || box.height < 1.6 * box.width || box.x < 2 || box.x + box.width > 318) continue;
      Figure f{frames[i](box).clone(), cv::Mat::zeros(box.size(), CV_8U)};
      cv::ellipse(f.mask, {box.width / 2, box.height / 2}, {box.width / 2, box.height / 2}, 0, 0, 360, 255, cv::FILLED);
      return f;
    }
  }
  ADD_FAILURE() << "no person found in vtest.avi after frame " << after;
  return {cv::Mat(40, 16, CV_8UC3, cv::Scalar(30, 30, 30)), cv::Mat(40, 16, CV_8U, cv::Scalar(255))};
}

// Where the visitor's top-left is at frame i (nullopt: not in the picture).
using Path = std::function<std::optional<cv::Point>(int)>;

// Walks from `from` to `to` in `walk` frames starting at `enter`, stands
// there for `stand` frames (swaying a pixel), walks back out in `walk`.
Path comeStandAndGo(cv::Point from, cv::Point to, int enter, int walk, int stand) {
  return [=](int i) -> std::optional<cv::Point> {
    const int arrive = enter + walk, go = arrive + stand, gone = go + walk;
    if (i < enter || i >= gone) return std::nullopt;
    auto lerp = [](cv::Point a, cv::Point b, double t) {
      return cv::Point(a.x + static_cast<int>(std::lround((b.x - a.x) * t)), a.y + static_cast<int>(std::lround((b.y - a.y) * t)));
    };
    if (i < arrive) return lerp(from, to, double(i - enter) / walk);
    if (i < go) return to + cv::Point((i / 7) % 2, 0);  // shifting weight
    return lerp(to, from, double(i - go) / walk);
  };
}

// Frames of a background (looped back and forth) with the visitor drawn in.
std::function<bool(int, cv::Mat&)> visit(std::function<cv::Mat(int)> background, const Figure& who, Path path,
                                         int frames, std::function<void(int, cv::Mat&)> light = {}) {
  return [=](int i, cv::Mat& f) {
    if (i >= frames) return false;
    f = background(i);
    if (const auto at = path(i)) {
      const cv::Rect place(at->x, at->y, who.pixels.cols, who.pixels.rows);
      const cv::Rect inside = place & cv::Rect(0, 0, f.cols, f.rows);
      if (!inside.empty()) {
        const cv::Rect from(inside.x - place.x, inside.y - place.y, inside.width, inside.height);
        who.pixels(from).copyTo(f(inside), who.mask(from));
      }
    }
    if (light) light(i, f);
    return true;
  };
}

std::function<cv::Mat(int)> loopedFootage() {
  return [](int i) {
    const auto& frames = vtestFrames();
    const int n = static_cast<int>(frames.size());
    const int k = i % (2 * n - 2);
    cv::Mat f = frames[k < n ? k : 2 * n - 2 - k].clone();
    return f;
  };
}

std::function<cv::Mat(int)> texturedGround() {
  const cv::Mat ground = [] {
    cv::Mat t = texture(23);
    cv::resize(t, t, {320, 240});
    return t;
  }();
  return [=](int i) {
    cv::Mat f = ground.clone();
    noisy(f, 3, 7000 + i);
    return f;
  };
}

// The frames at which the visitor's feet (bottom centre) are in the zone.
std::pair<int, int> truthInZone(const Path& path, const Figure& who, const Polygon& zone, int frames) {
  int first = -1, last = -1;
  for (int i = 0; i < frames; ++i) {
    const auto at = path(i);
    if (!at) continue;
    const cv::Point2d foot((at->x + who.pixels.cols / 2.0) / 320.0, (at->y + who.pixels.rows) / 240.0);
    if (!contains(zone, foot)) continue;
    if (first < 0) first = i;
    last = i;
  }
  return {first, last};
}

struct VisitCase {
  std::string name;
  std::function<bool(int, cv::Mat&)> frames;
  std::pair<int, int> in_zone;  // {-1, -1}: the visitor never counts (too small, or never in the zone)
};

struct VisitTally {
  int positives = 0, found_once = 0, negatives = 0, false_events = 0;
  std::vector<double> start_s, end_s;  // after entering, after leaving
};

// One zone, the lawn; dwell 2 s, clear after 5 s. Truth: an event exactly
// once, from within dwell + 1 s of entering to within clear_after + 1 s of
// leaving, never ending in between.
void checkVisit(const VisitCase& c, VisitTally& tally, const cv::Mat& prior = {}) {
  ZoneSpec lawn = zone("lawn", rect(0.0, 0.55, 0.40, 1.0), 2s);
  lawn.clear_after = 5s;
  const auto events = run(c.frames, {lawn}, {}, kDetectionFrame, prior);
  std::vector<Event> seen = events.count("lawn") ? events.at("lawn") : std::vector<Event>{};
  const int per_second = 5;
  if (c.in_zone.first < 0) {
    ++tally.negatives;
    tally.false_events += static_cast<int>(std::count_if(seen.begin(), seen.end(), [](const Event& e) { return e.phase == ZonePhase::Start; }));
    EXPECT_TRUE(seen.empty()) << c.name << ": " << seen.size() << " event phase(s) for nothing to report";
    return;
  }
  ++tally.positives;
  std::string story;
  for (const auto& e : seen) story += std::string(e.phase == ZonePhase::Start ? " start@" : " end@") + std::to_string(e.frame);
  ASSERT_EQ(seen.size(), 2u) << c.name << ": one start and one end; in the zone from frame " << c.in_zone.first
                             << " to " << c.in_zone.second << "; got" << story;
  EXPECT_EQ(seen[0].phase, ZonePhase::Start) << c.name;
  EXPECT_EQ(seen[1].phase, ZonePhase::End) << c.name;
  const double start = double(seen[0].frame - c.in_zone.first) / per_second;
  const double end = double(seen[1].frame - (c.in_zone.second + 1)) / per_second;
  tally.found_once += 1;
  tally.start_s.push_back(start);
  tally.end_s.push_back(end);
  EXPECT_LE(start, 2.0 + 1.0) << c.name << ": start within dwell + 1 s of entering";
  EXPECT_GE(start, 2.0 - 0.5) << c.name << ": not before the dwell";
  EXPECT_LE(end, 5.0 + 1.0) << c.name << ": end within clear_after + 1 s of leaving";
  // Not long before they left: in failing light the last steps out of the
  // zone may be too faint to see.
  EXPECT_GE(end, 5.0 - 1.5) << c.name << ": not while they are still there";
}

// Where the visits happen: the footage, with people walking elsewhere, and a
// textured yard with sensor noise.
struct Ground {
  std::string name;
  std::function<cv::Mat(int)> frames;
};
std::vector<Ground> visitGrounds() { return {{"footage", loopedFootage()}, {"yard", texturedGround()}}; }

// Twenty visits that must be reported exactly once and twenty that must not,
// over two grounds (the footage, with people walking elsewhere, and a
// textured yard with sensor noise) and two people cut from the footage. The
// first seven were the cases the tracker was tuned on; the others (marked
// held out) were written after and left as they came.
TEST(Visits, PeopleWhoStopInAZoneAreOneEventUntilTheyLeaveWalkBysAreReportedInTimeAndSmallThingsNever) {
  const Polygon lawn = rect(0.0, 0.55, 0.40, 1.0);
  const std::vector<Figure> people{personFromFootage(40), personFromFootage(150)};
  const std::vector<Ground> grounds = visitGrounds();
  std::vector<VisitCase> cases;
  std::vector<bool> held_out;
  auto add = [&](std::string name, const Ground& g, const Figure& who, Path path, int frames, bool counts,
                 bool aside, std::function<void(int, cv::Mat&)> light = {}) {
    const auto truth = counts ? truthInZone(path, who, lawn, frames) : std::pair{-1, -1};
    if (counts) {
      EXPECT_GE(truth.first, 0) << name << ": the case never enters the zone";
    }
    cases.push_back({name + " (" + g.name + (aside ? ", held out)" : ")"), visit(g.frames, who, path, frames, light), truth});
    held_out.push_back(aside);
  };
  auto dusk = [](int i, cv::Mat& f) { f.convertTo(f, -1, 1.0 - 0.0012 * std::max(0, i - 60), 0); };
  for (std::size_t g = 0; g < grounds.size(); ++g) {
    for (std::size_t p = 0; p < people.size(); ++p) {
      const Figure& who = people[p];
      const int w = who.pixels.cols, h = who.pixels.rows;
      const bool tuned = g == 0 && p == 0;
      const std::string person = "person " + std::to_string(p + 1);
      // Positives: stops (three places and lengths, one at dusk), walks across at two speeds.
      add(person + " stops on the lawn for a minute", grounds[g], who,
          comeStandAndGo({-w, 200 - h}, {50, 200 - h}, 40, 15, 300), 420, true, !tuned);
      add(person + " stops near the edge for 30 s", grounds[g], who,
          comeStandAndGo({-w, 230 - h}, {90, 230 - h}, 30, 25, 150), 260, true, true);
      add(person + " stops for 90 s while the light falls", grounds[g], who,
          comeStandAndGo({-w, 225 - h}, {30, 225 - h}, 40, 12, 450), 560, true, !(tuned || (g == 1 && p == 0)), dusk);
      for (int speed : {4, 6}) {
        add(person + " walks across the lawn at " + std::to_string(speed) + " px a frame", grounds[g], who,
            [=](int i) -> std::optional<cv::Point> {
              if (i < 30 || i > 30 + 180 / speed) return std::nullopt;
              return cv::Point(-w + (i - 30) * speed, 205 - h);
            },
            150, true, !tuned);
      }
      // Negatives: passes above the lawn; stands just outside it; cuts a
      // corner of it faster than the dwell.
      add(person + " passes above the lawn", grounds[g], who,
          [=](int i) -> std::optional<cv::Point> {
            if (i < 30 || i > 90) return std::nullopt;
            return cv::Point(-w + (i - 30) * 4, 120 - h);
          },
          150, false, !tuned);
      add(person + " stands just right of the lawn for a minute", grounds[g], who,
          comeStandAndGo({320, 220 - h}, {140, 220 - h}, 30, 20, 300), 400, false, true);
      add(person + " cuts the corner of the lawn in a second", grounds[g], who,
          [=](int i) -> std::optional<cv::Point> {
            if (i < 30 || i > 50) return std::nullopt;
            return cv::Point(100 + (i - 30) * 6, 150 - h + (i - 30) * 2);
          },
          120, false, true);
    }
    // Small animals: a cat wandering, a dog-sized one trotting across.
    Figure cat{cv::Mat(6, 10, CV_8UC3, cv::Scalar(40, 50, 60)), cv::Mat(6, 10, CV_8U, cv::Scalar(255))};
    Figure dog{cv::Mat(8, 14, CV_8UC3, cv::Scalar(70, 90, 110)), cv::Mat(8, 14, CV_8U, cv::Scalar(255))};
    add("a cat wanders over the lawn", grounds[g], cat,
        [](int i) -> std::optional<cv::Point> {
          if (i < 30 || i > 130) return std::nullopt;
          return cv::Point(20 + (i - 30), 190 + static_cast<int>(8 * std::sin(i * 0.2)));
        },
        150, false, g != 0);
    add("a small dog trots across the lawn", grounds[g], dog,
        [](int i) -> std::optional<cv::Point> {
          if (i < 30 || i > 70) return std::nullopt;
          return cv::Point((i - 30) * 4, 215);
        },
        100, false, true);
  }
  VisitTally tuned, aside;
  for (std::size_t i = 0; i < cases.size(); ++i) checkVisit(cases[i], held_out[i] ? aside : tuned);
  auto worst = [](const std::vector<double>& v) { return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end()); };
  for (const auto* t : {&tuned, &aside}) {
    std::printf("\nvisits (%s): %d of %d reported exactly once, %d false event(s) over %d negative case(s); start "
                "after entering: worst %.1f s (dwell 2 s); end after leaving: worst %.1f s (clear_after 5 s)\n",
                t == &tuned ? "tuned on" : "held out", t->found_once, t->positives, t->false_events, t->negatives,
                worst(t->start_s), worst(t->end_s));
  }
  EXPECT_EQ(tuned.positives + aside.positives, 20);
  EXPECT_EQ(tuned.negatives + aside.negatives, 16);
}

// What the view baseline holds of a ground: the average of ten of its
// frames two seconds apart, contrast-normalised as the view checks keep it.
cv::Mat baselineOf(const std::function<cv::Mat(int)>& ground, double gain = 1.0) {
  cv::Mat sum;
  for (int i = 0; i < 10; ++i) {
    cv::Mat grey, f;
    cv::cvtColor(ground(i * 10), grey, cv::COLOR_BGR2GRAY);
    grey.convertTo(f, CV_32F, gain);
    if (sum.empty()) sum = cv::Mat::zeros(f.size(), CV_32F);
    sum += f;
  }
  cv::Mat mean = sum / 10, out;
  cv::Scalar m, sd;
  cv::meanStdDev(mean, m, sd);
  mean.convertTo(out, CV_32F, 48.0 / sd[0], 128.0 - m[0] * 48.0 / sd[0]);
  return out;
}

// Right after the node connects to a camera (or first sees it): someone who
// walks into a zone 1, 2 or 3 s after the first frame is reported within
// dwell + 1 s, as any other time; someone already standing there is found
// against what the view looked like before (the view baseline), and
// reported as soon as the dwell allows. Nothing is reported where the
// baseline was taken in another light, of another view, or with someone
// standing in it who has gone since.
TEST(FirstSight, VisitsThatBeginAsTheCameraConnectsAreReportedInTime) {
  const Polygon lawn = rect(0.0, 0.55, 0.40, 1.0);
  const std::vector<Figure> people{personFromFootage(40), personFromFootage(150)};
  const std::vector<Ground> grounds = visitGrounds();
  VisitTally tally;
  for (const auto& g : grounds) {
    const cv::Mat prior = baselineOf(g.frames);
    for (std::size_t p = 0; p < people.size(); ++p) {
      const Figure& who = people[p];
      const int w = who.pixels.cols, h = who.pixels.rows;
      const std::string person = "person " + std::to_string(p + 1) + " (" + g.name + ")";
      auto check = [&](const std::string& name, Path path, int frames, bool counts, const cv::Mat& with_prior) {
        const auto truth = counts ? truthInZone(path, who, lawn, frames) : std::pair{-1, -1};
        checkVisit({name, visit(g.frames, who, path, frames), truth}, tally, with_prior);
      };
      for (int after : {1, 2, 3}) {
        for (const bool with_prior : {false, true}) {
          check(person + " walks onto the lawn " + std::to_string(after) + " s after the first frame" +
                    (with_prior ? ", a baseline known" : ""),
                comeStandAndGo({-w, 210 - h}, {60, 210 - h}, after * 5, 10, 100), 200, true,
                with_prior ? prior : cv::Mat());
        }
      }
      check(person + " already stands on the lawn at the first frame, then leaves",
            comeStandAndGo({-w, 215 - h}, {50, 215 - h}, -10, 10, 110), 200, true, prior);
      check(person + " stood on the lawn when the baseline was taken, gone now", [](int) { return std::nullopt; }, 100,
            false, [&] {
              const Path stood = comeStandAndGo({-w, 215 - h}, {50, 215 - h}, -100, 10, 1000);
              return baselineOf([&](int i) {
                cv::Mat f;
                visit(g.frames, who, stood, 1000)(i, f);
                return f;
              });
            }());
      check(person + " passes above the lawn, the baseline taken in brighter light",
            [=](int i) -> std::optional<cv::Point> {
              if (i < 5 || i > 60) return std::nullopt;
              return cv::Point(-w + (i - 5) * 4, 120 - h);
            },
            100, false, baselineOf(g.frames, 1.6));
    }
    const Ground& other = grounds[&g == &grounds[0] ? 1 : 0];
    checkVisit({"nobody; the baseline of another view (" + g.name + ")", visit(g.frames, people[0],
                [](int) { return std::nullopt; }, 100), {-1, -1}},
               tally, baselineOf(other.frames));
  }
  auto worst = [](const std::vector<double>& v) { return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end()); };
  std::printf("\nfirst sight: %d of %d reported exactly once, %d false event(s) over %d negative case(s); start after "
              "entering (or the first frame): worst %.1f s (dwell 2 s)\n",
              tally.found_once, tally.positives, tally.false_events, tally.negatives, worst(tally.start_s));
}

// --- schedules ------------------------------------------------------------

// A camera on a pole in the wind (issue 25): every frame moved up to 4 px
// (at 640 px) from where it belongs, over a still, textured wall (not
// detection_eval's street, whose wind-shake case this reproduces). Every
// edge of the view would read as motion; lined up with the model's
// background first, nothing is in motion, and a person who walks in and
// stands in the zone on the same shaking camera is still one visit.
TEST(Shake, APoleInTheWindRaisesNothingAndAPersonOnTheShakingCameraIsStillFound) {
  const cv::Mat street = cv::imread("/usr/share/doc/opencv-doc/examples/data/graf1.png");
  ASSERT_FALSE(street.empty()) << "opencv-doc's graf1.png";
  const cv::Rect view((street.cols - 640) / 2, (street.rows - 360) / 2, 640, 360);
  auto shaken = [&](int i, bool person, cv::Mat& f) {
    cv::RNG rng(static_cast<std::uint64_t>(i) * 7919 + 1);
    const cv::Point jitter = i < 30 ? cv::Point() : cv::Point(rng.uniform(-4, 5), rng.uniform(-4, 5));
    f = street(view + jitter).clone();
    if (person) {
      // Walks in from the right for 2 s, stands 6 s in the lower right, leaves.
      const int t = i - 60;
      if (t >= 0 && t < 100) {
        const int x = t < 20 ? 640 - t * 8 : 480;
        cv::Mat body = f(cv::Rect(x, 230, 40, 110) & cv::Rect(0, 0, 640, 360));
        body.setTo(cv::Scalar(60, 50, 45));
        cv::rectangle(f, cv::Rect(x + 8, 240, 24, 30) & cv::Rect(0, 0, 640, 360), cv::Scalar(150, 160, 190), cv::FILLED);
      }
    }
    noisy(f, 2, static_cast<unsigned>(i));
  };
  const auto yard = zone("yard", rect(0.55, 0.55, 1.0, 1.0));
  const auto quiet = run([&](int i, cv::Mat& f) { return i < 300 && (shaken(i, false, f), true); }, {yard});
  EXPECT_TRUE(quiet.empty()) << "a false intrusion at frame " << quiet.begin()->second.front().frame;
  const auto visit = run([&](int i, cv::Mat& f) { return i < 300 && (shaken(i, true, f), true); }, {yard});
  ASSERT_EQ(visit.count("yard"), 1u);
  const auto& events = visit.at("yard");
  ASSERT_EQ(events.size(), 2u) << "one start, one end";
  EXPECT_EQ(events[0].phase, ZonePhase::Start);
  EXPECT_LE(events[0].frame, 60 + 20 + 10 + 15) << "within dwell (1 s) and a second and a half of the arrival";
  EXPECT_EQ(events[1].phase, ZonePhase::End);
  EXPECT_GE(events[1].frame, 160) << "not before they left";
}

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
