// Coverage and the alerts it raises, with no camera: which areas are watched,
// the weighted ratio, view_tampered and coverage_lost with start and end under
// one id, their messages and payloads; snapshots on disk; and the view
// monitor's baseline refresh, which must never learn a tampered view.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <filesystem>

#include "app/alert_desk.hpp"
#include "app/snapshot_store.hpp"
#include "app/view_monitor.hpp"
#include "events/alert_book.hpp"
#include "events/coverage_alerts.hpp"
#include "health/coverage.hpp"
#include "contract/payloads.hpp"
#include "util/time_format.hpp"

namespace villagecam {
namespace {

using namespace std::chrono_literals;
using health::AreaState;
using health::CameraState;

const WallTime kT0 = WallTime(std::chrono::hours(24 * 365 * 56));

std::vector<config::AreaConfig> village() {
  return {
      {"east-entrance", "村东入口", config::AreaKind::Entrance, 2.0, {"gate", "square"}, ""},
      {"river", "河堤", config::AreaKind::RiverBank, 1.0, {"river"}, ""},
      {"school", "学校门口", config::AreaKind::School, 1.0, {"school"}, ""},
  };
}

// A camera whose view passed its check a second ago (checks every 2 s), or
// one without a baseline.
health::CameraFacts cam(const std::string& id, CameraState s, std::vector<std::string> issues = {},
                        bool baseline = true) {
  health::CameraFacts f;
  f.id = f.name = id;
  f.state = s;
  f.reason = s == CameraState::Offline ? "connection refused" : "";
  f.has_baseline = baseline;
  f.view_issues = std::move(issues);
  if (baseline) f.view_passed_ago = 1s;
  f.check_every = 2s;
  return f;
}

std::map<std::string, health::CameraFacts> allOnline() {
  std::map<std::string, health::CameraFacts> m;
  for (const auto* id : {"gate", "square", "river", "school"}) m[id] = cam(id, CameraState::Online);
  return m;
}

TEST(Coverage, AnAreaIsCoveredWhileOneOfItsCamerasIsOnlineWithAGoodView) {
  auto cams = allOnline();
  cams["gate"] = cam("gate", CameraState::Offline);
  cams["square"] = cam("square", CameraState::Online, {"occluded"});
  cams["river"] = cam("river", CameraState::Online, {"blank"});
  auto r = health::assessCoverage(village(), cams);
  EXPECT_EQ(r.areas[0].state, AreaState::Uncovered);
  EXPECT_EQ(r.areas[0].cameras[0].code, "offline");
  EXPECT_EQ(r.areas[0].cameras[1].code, "view_tampered");
  EXPECT_EQ(r.areas[0].cameras[1].detail, "occluded");
  EXPECT_EQ(r.areas[1].state, AreaState::Uncovered);
  EXPECT_EQ(r.areas[2].state, AreaState::Covered);
  EXPECT_DOUBLE_EQ(*r.ratio(), 1.0 / 4.0);  // weights: 2 + 1 uncovered, 1 covered

  cams["square"] = cam("square", CameraState::Online);
  r = health::assessCoverage(village(), cams);
  EXPECT_EQ(r.areas[0].state, AreaState::Covered);
  EXPECT_EQ(r.areas[0].watching(), std::vector<std::string>{"square"});
  EXPECT_DOUBLE_EQ(*r.ratio(), 3.0 / 4.0);
}

TEST(Coverage, CamerasStillConnectingLeaveTheAreaUnknownAndOutOfTheRatio) {
  auto cams = allOnline();
  cams["river"] = cam("river", CameraState::Connecting);
  auto r = health::assessCoverage(village(), cams);
  EXPECT_EQ(r.areas[1].state, AreaState::Unknown);
  EXPECT_DOUBLE_EQ(*r.ratio(), 1.0);
  EXPECT_EQ(r.count(AreaState::Unknown), 1);
  EXPECT_FALSE(health::assessCoverage(village(), {}).ratio().has_value());
}

// Issue 13: a camera online without a baseline makes its area unverified,
// not covered; the ratio counts verified coverage only and the unverified
// share stands beside it. A disabled camera never covers.
TEST(Coverage, ACameraWithoutABaselineLeavesItsAreaUnverifiedAndADisabledOneNeverCovers) {
  auto cams = allOnline();
  cams["river"] = cam("river", CameraState::Online, {}, /*baseline=*/false);
  cams["school"].enabled = false;
  const auto r = health::assessCoverage(village(), cams);
  EXPECT_EQ(r.areas[1].state, AreaState::Unverified);
  EXPECT_FALSE(r.areas[1].verified);
  EXPECT_EQ(r.areas[1].cameras[0].code, "unverified");
  EXPECT_EQ(r.areas[1].cameras[0].watching, health::Watch::Unknown);
  EXPECT_TRUE(r.areas[1].watching().empty());
  EXPECT_NE(r.areas[1].unverified_reason.find("river: online; no view baseline yet"), std::string::npos)
      << r.areas[1].unverified_reason;
  EXPECT_FALSE(r.areas[1].awaiting_check) << "no check will come without a baseline";
  EXPECT_TRUE(r.areas[0].verified);
  EXPECT_EQ(r.areas[2].state, AreaState::Uncovered);
  EXPECT_EQ(r.areas[2].cameras[0].code, "disabled");
  // Weights: entrance 2 covered, river 1 unverified, school 1 uncovered.
  EXPECT_DOUBLE_EQ(*r.ratio(), 2.0 / 4.0);
  EXPECT_DOUBLE_EQ(*r.unverifiedShare(), 1.0 / 4.0);
  EXPECT_EQ(r.count(AreaState::Unverified), 1);
}

// Nothing verified, nothing covered: a node whose cameras are all online
// with no baseline publishes 0 %, not 100 %.
TEST(Coverage, AllOnlineAndNoViewCheckedIsNoCoverage) {
  std::map<std::string, health::CameraFacts> cams;
  for (const auto* id : {"gate", "square", "river", "school"}) {
    cams[id] = cam(id, CameraState::Online, {}, /*baseline=*/false);
  }
  const auto r = health::assessCoverage(village(), cams);
  EXPECT_DOUBLE_EQ(*r.ratio(), 0.0);
  EXPECT_DOUBLE_EQ(*r.unverifiedShare(), 1.0);
  EXPECT_EQ(r.count(AreaState::Covered), 0);
}

// A view counts as checked for three check intervals after it last passed:
// a camera whose checks stopped (or never ran yet) is unverified and awaits
// a check; one good camera is enough to cover the area.
TEST(Coverage, AViewCheckCountsForThreeCheckIntervals) {
  auto cams = allOnline();
  cams["river"].view_passed_ago = 6s;  // 3 x 2 s: still counts
  auto r = health::assessCoverage(village(), cams);
  EXPECT_EQ(r.areas[1].state, AreaState::Covered);
  cams["river"].view_passed_ago = 6500ms;
  r = health::assessCoverage(village(), cams);
  EXPECT_EQ(r.areas[1].state, AreaState::Unverified);
  EXPECT_TRUE(r.areas[1].awaiting_check);
  EXPECT_EQ(r.areas[1].cameras[0].detail, "online; its view last passed a check 6 s ago");
  cams["river"].view_passed_ago.reset();
  r = health::assessCoverage(village(), cams);
  EXPECT_EQ(r.areas[1].cameras[0].detail, "online; its view is not checked yet");
  // Health mode: checks a minute apart count for three minutes.
  cams["river"].check_every = 60s;
  cams["river"].view_passed_ago = 150s;
  EXPECT_EQ(health::assessCoverage(village(), cams).areas[1].state, AreaState::Covered);
  // The entrance has two cameras: the gate unverified, the square checked.
  cams["gate"].view_passed_ago.reset();
  r = health::assessCoverage(village(), cams);
  EXPECT_EQ(r.areas[0].state, AreaState::Covered);
  EXPECT_EQ(r.areas[0].watching(), std::vector<std::string>{"square"});
  // An offline camera beside an unverified one: unverified, not uncovered.
  cams["square"] = cam("square", CameraState::Offline);
  EXPECT_EQ(health::assessCoverage(village(), cams).areas[0].state, AreaState::Unverified);
}

TEST(CoverageAlerts, LostAndRestoredIsOneAlertWithTheCausesAndTheDuration) {
  events::AlertBook book(config::Language::ZhCN);
  auto cams = allOnline();
  cams["gate"] = cam("gate", CameraState::Offline);
  cams["square"] = cam("square", CameraState::Online, {"blank"});
  auto area = health::assessCoverage(village(), cams).areas[0];
  const auto start = book.set(events::areaSubject(area.id), events::coverageAlert(area), kT0);
  ASSERT_EQ(start.size(), 1u);
  EXPECT_EQ(start[0].type, events::AlertType::CoverageLost);
  EXPECT_EQ(start[0].reason_code, "several");
  EXPECT_EQ(start[0].message, "区域「村东入口」失去监控覆盖：摄像头「gate」离线；摄像头「square」画面异常");
  // Still uncovered, for another reason: the same alert goes on.
  cams["gate"] = cam("gate", CameraState::Stalled);
  area = health::assessCoverage(village(), cams).areas[0];
  EXPECT_TRUE(book.set(events::areaSubject(area.id), events::coverageAlert(area), kT0 + 5s).empty());
  cams["square"] = cam("square", CameraState::Online);
  area = health::assessCoverage(village(), cams).areas[0];
  const auto end = book.set(events::areaSubject(area.id), events::coverageAlert(area), kT0 + 65s);
  ASSERT_EQ(end.size(), 1u);
  EXPECT_EQ(end[0].id, start[0].id);
  EXPECT_EQ(end[0].phase, events::AlertPhase::End);
  EXPECT_EQ(end[0].message, "区域「村东入口」恢复监控覆盖（中断1分5秒）");
}

TEST(ViewAlerts, ATamperedViewNamesItsKindInBothLanguages) {
  const auto a = events::viewTamperedAlert("gate", "East gate", {"occluded", "defocus"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->reason_code, "occluded");
  EXPECT_EQ(events::renderMessage(*a, config::Language::ZhCN), "摄像头「East gate」画面异常：画面被遮挡，画面模糊");
  EXPECT_EQ(events::renderMessage(*a, config::Language::En),
            "Camera 'East gate' view tampered: occluded (part of the view is covered), out of focus");
  EXPECT_FALSE(events::viewTamperedAlert("gate", "East gate", {}));
}

TEST(ViewAlerts, TheAlertPayloadCarriesAreaCausesAndSnapshotAndRoundTrips) {
  events::AlertBook book(config::Language::En);
  auto wanted = events::viewTamperedAlert("gate", "East gate", {"blank"});
  wanted->snapshot = events::SnapshotRef{"5b0b3c9e-1d2f-4a7b-9c3d-0e1f2a3b4c5d", "villagecam/n1/cameras/gate/snapshot", kT0};
  const auto a = book.set(events::viewSubject("gate"), wanted, kT0)[0];
  const auto j = contract::alertJson(a, "n1", config::Language::En);
  EXPECT_EQ(j["type"], "view_tampered");
  EXPECT_EQ(j["issues"], nlohmann::json::array({"blank"}));
  EXPECT_EQ(j["snapshot"]["topic"], "villagecam/n1/cameras/gate/snapshot");
  EXPECT_EQ(j["area"], nullptr);
  const auto back = contract::alertFromJson(j);
  EXPECT_EQ(events::subjectOf(back), events::viewSubject("gate"));
  EXPECT_EQ(back.snapshot->id, wanted->snapshot->id);

  auto cams = allOnline();
  cams["river"] = cam("river", CameraState::Offline);
  const auto area = health::assessCoverage(village(), cams).areas[1];
  const auto lost = book.set(events::areaSubject("river"), events::coverageAlert(area), kT0)[0];
  const auto k = contract::alertJson(lost, "n1", config::Language::En);
  EXPECT_EQ(k["camera"], nullptr);
  EXPECT_EQ(k["area"]["kind"], "river_bank");
  EXPECT_EQ(k["causes"][0]["code"], "offline");
  EXPECT_EQ(contract::alertFromJson(k).causes, lost.causes);
}

TEST(CoveragePayload, HasTheRatioTheAreasAndTheUncoveredMinutes) {
  auto cams = allOnline();
  cams["river"] = cam("river", CameraState::Offline);
  contract::CoverageSummary s{"n1", {}, health::assessCoverage(village(), cams), {{"river", {12.5, 40}}}, {12.5, 40}, kT0};
  const auto j = contract::coverageJson(s);
  EXPECT_EQ(j["schema"], "villagecam.coverage/1.2");
  EXPECT_DOUBLE_EQ(j["ratio"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(j["unverified_share"].get<double>(), 0.0);
  EXPECT_EQ(j["areas_uncovered"], 1);
  EXPECT_EQ(j["areas_unverified"], 0);
  EXPECT_EQ(j["areas"][1]["state"], "uncovered");
  EXPECT_EQ(j["areas"][1]["unverified_reason"], nullptr);
  EXPECT_EQ(j["areas"][1]["uncovered_minutes"]["today"], 12.5);
  EXPECT_EQ(j["uncovered_minutes"]["7d"], 40);
}

TEST(Snapshots, PayloadIsBase64JpegAndTheStoreKeepsTheLatestWithinItsBound) {
  const auto dir = std::filesystem::temp_directory_path() / ("vc-snapshots-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::size_t one = 0;
  for (int i = 0; i < 5; ++i) {
    contract::Snapshot s{"5b0b3c9e-1d2f-4a7b-9c3d-0e1f2a3b4c5" + std::to_string(i), "gate", kT0 + std::chrono::seconds(i),
                     "view_tampered", 0, 0, ""};
    cv::Mat img(36, 64, CV_8UC3, cv::Scalar(40 * i, 0, 0));
    cv::randu(img, 0, 255);  // the same size of JPEG each time, near enough
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", img, jpeg);
    s.jpeg.assign(jpeg.begin(), jpeg.end());
    one = std::max(one, s.jpeg.size());
    app::SnapshotStore(dir, one * 5 / 2).save(s);  // room for two of them
  }
  app::SnapshotStore store(dir, one * 5 / 2);
  EXPECT_LE(store.bytes(), one * 5 / 2);
  EXPECT_GE(store.bytes(), one);
  const auto latest = store.latest("gate");
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->id, "5b0b3c9e-1d2f-4a7b-9c3d-0e1f2a3b4c54");
  EXPECT_EQ(latest->width, 64);
  EXPECT_EQ(latest->taken_at, kT0 + 4s);
  const auto j = contract::snapshotJson(*latest, "n1");
  EXPECT_EQ(j["content_type"], "image/jpeg");
  EXPECT_EQ(j["jpeg_base64"].get<std::string>().substr(0, 4), "/9j/");  // FF D8 FF: a JPEG
  EXPECT_FALSE(store.latest("square"));
  std::filesystem::remove_all(dir);
}

// Issue 13: the snapshot a queued alert names goes out on its own topic
// before the alert, each time the alert is sent, while the store keeps it;
// an update or end names it too but does not send it again.
TEST(Snapshots, TheSnapshotAStartNamesGoesBeforeItOnItsOwnTopicWhileTheStoreKeepsIt) {
  const auto dir = std::filesystem::temp_directory_path() / ("vc-companions-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto jpegOf = [](unsigned seed) {
    cv::Mat img(36, 64, CV_8UC3);
    cv::theRNG().state = seed;
    cv::randu(img, 0, 255);
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", img, jpeg);
    return std::string(jpeg.begin(), jpeg.end());
  };
  const std::string first_id = "5b0b3c9e-1d2f-4a7b-9c3d-0e1f2a3b4c50", second_id = "5b0b3c9e-1d2f-4a7b-9c3d-0e1f2a3b4c51";
  const contract::Snapshot first{first_id, "gate", kT0, "view_tampered", 64, 36, jpegOf(1)};
  const contract::Snapshot second{second_id, "gate", kT0 + 60s, "intrusion", 64, 36, jpegOf(2)};
  app::SnapshotStore store(dir, first.jpeg.size() + second.jpeg.size() + 100);
  store.save(first);
  store.save(second);  // now the camera's latest: the first alert's snapshot is still its own
  const auto companions = app::snapshotsBeforeAlerts(store, "villagecam/n1", "n1");

  events::AlertBook book(config::Language::En);
  auto wanted = events::viewTamperedAlert("gate", "East gate", {"blank"});
  wanted->snapshot = events::SnapshotRef{first_id, "villagecam/n1/snapshots/" + first_id, kT0};
  const auto start = book.set(events::viewSubject("gate"), wanted, kT0)[0];
  const auto payload = contract::alertJson(start, "n1", config::Language::En).dump();
  const auto out = companions(payload);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].topic, "villagecam/n1/snapshots/" + first_id);
  const auto shot = nlohmann::json::parse(out[0].payload);
  EXPECT_EQ(shot["id"], first_id);
  EXPECT_EQ(shot["reason"], "view_tampered");
  EXPECT_EQ(shot["width"], 64);
  EXPECT_EQ(companions(payload).size(), 1u) << "sent again with the alert (after an outage)";

  const auto end = book.end(events::viewSubject("gate"), kT0 + 30s)[0];
  EXPECT_TRUE(companions(contract::alertJson(end, "n1", config::Language::En).dump()).empty());
  EXPECT_TRUE(companions("not json").empty());

  // Past the store's bound the snapshot is gone: the alert goes without it.
  app::SnapshotStore(dir, second.jpeg.size() + 10).save(second);
  EXPECT_TRUE(companions(payload).empty());
  std::filesystem::remove_all(dir);
}

TEST(Snapshots, Base64MatchesTheStandardVectors) {
  contract::Snapshot s;
  for (const auto& [in, out] : std::vector<std::pair<std::string, std::string>>{
           {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foobar", "Zm9vYmFy"}}) {
    s.jpeg = in;
    EXPECT_EQ(contract::snapshotJson(s, "n1")["jpeg_base64"], out);
  }
}

// The baseline refresh, on real footage: clean views are learned, tampered
// ones (even when they creep in slowly) never are.
class BaselineRefresh : public ::testing::Test {
 protected:
  void SetUp() override {
    cv::VideoCapture cap("/usr/share/doc/opencv-doc/examples/data/vtest.avi");
    cv::Mat f;
    for (int i = 0; cap.read(f) && frames_.size() < 60; ++i) {
      if (i % 5 == 0) {
        cv::Mat small;
        cv::resize(f, small, {640, 360});
        frames_.push_back(small);
      }
    }
    ASSERT_EQ(frames_.size(), 60u);
    commissioning_.baseline = analysis::makeBaseline({frames_.begin(), frames_.begin() + 5});
    commissioning_.taken_at = kT0;
    commissioning_.frames = 5;
  }
  app::ViewMonitor monitor(std::vector<analysis::StoredBaseline>& saved) {
    config::ViewQualityConfig c;
    c.check_interval = std::chrono::seconds(1);
    c.raise_after = std::chrono::seconds(5);
    c.baseline_refresh = std::chrono::hours(1);
    app::ViewMonitor::Options o{c, 80, 5, std::chrono::seconds(10)};
    return app::ViewMonitor({commissioning_, std::nullopt, std::nullopt}, o, [&](const analysis::StoredBaseline& b, bool) { saved.push_back(b); });
  }
  std::vector<cv::Mat> frames_;
  analysis::StoredBaseline commissioning_;
};

TEST_F(BaselineRefresh, CleanViewsRefreshTheBaselineAfterTheInterval) {
  std::vector<analysis::StoredBaseline> saved;
  auto m = monitor(saved);
  const SteadyTime t0{};
  for (int i = 0; i < 60; ++i) m.onFrame(analysis::AnalysisFrame(frames_[i]), t0 + std::chrono::seconds(10 * i), kT0 + 55min + std::chrono::seconds(10 * i));
  ASSERT_EQ(saved.size(), 1u);  // samples from 1 h on, 10 s apart: 5 by 1 h 40 s; the next refresh is due 1 h later
  EXPECT_EQ(saved[0].frames, 5);
  EXPECT_GE(saved[0].taken_at, kT0 + 1h);
  EXPECT_EQ(m.state().baseline_taken_at, saved[0].taken_at);
  EXPECT_TRUE(m.state().raised.empty());
}

TEST_F(BaselineRefresh, ATamperedViewIsNeverLearned) {
  std::vector<analysis::StoredBaseline> saved;
  auto m = monitor(saved);
  const SteadyTime t0{};
  // A cover over 60% of the view (as in the view-quality cases), taken off
  // now and then, from when the refresh is due until long after.
  for (int i = 0; i < 60; ++i) {
    cv::Mat f = frames_[i].clone();
    const int w = f.cols * 78 / 100, h = f.rows * 78 / 100;
    if (i % 4 != 3) cv::rectangle(f, {0, 0, w, h}, cv::Scalar(40, 45, 50), cv::FILLED);
    m.onFrame(analysis::AnalysisFrame(f), t0 + std::chrono::seconds(10 * i), kT0 + 1h + std::chrono::seconds(10 * i));
  }
  EXPECT_TRUE(saved.empty());
  EXPECT_EQ(m.state().baseline_taken_at, kT0);
}

TEST_F(BaselineRefresh, ARestoredTamperIsRaisedAtOnceAndClearsOnlyAfterClearAfter) {
  std::vector<analysis::StoredBaseline> saved;
  auto m = monitor(saved);
  const SteadyTime t0{};
  m.restore({analysis::ViewIssue::Blank}, t0);
  EXPECT_EQ(app::viewStateName(m.state()), std::string("tampered"));
  EXPECT_FALSE(m.onFrame(analysis::AnalysisFrame(frames_[0]), t0 + 1s, kT0));  // clean, but not yet for clear_after (10 s)
  EXPECT_TRUE(m.onFrame(analysis::AnalysisFrame(frames_[1]), t0 + 12s, kT0));
  EXPECT_EQ(app::viewStateName(m.state()), std::string("ok"));
}

TEST_F(BaselineRefresh, ARaisedTamperKeepsAJpegOfTheViewFromWhenItWasRaised) {
  std::vector<analysis::StoredBaseline> saved;
  auto m = monitor(saved);
  const SteadyTime t0{};
  cv::Mat black(360, 640, CV_8UC3, cv::Scalar(0, 0, 0));
  for (int i = 0; i <= 6; ++i) m.onFrame(analysis::AnalysisFrame(black), t0 + std::chrono::seconds(i), kT0 + std::chrono::seconds(i));
  const auto s = m.state();
  ASSERT_EQ(s.raised, std::vector<analysis::ViewIssue>{analysis::ViewIssue::Blank});
  ASSERT_TRUE(s.snapshot);
  EXPECT_EQ(s.snapshot->width, 640);
  EXPECT_EQ(s.snapshot->taken_at, kT0 + 5s);
  EXPECT_EQ(static_cast<unsigned char>(s.snapshot->jpeg[0]), 0xFF);
}

// Health mode: pictures come a minute apart, so an issue a picture showed
// is raised at a check of the stream in between; its snapshot is that picture.
TEST_F(BaselineRefresh, InHealthModeAnIssueRaisedBetweenPicturesKeepsTheLastPictureAsItsSnapshot) {
  std::vector<analysis::StoredBaseline> saved;
  config::ViewQualityConfig c;
  c.check_interval = std::chrono::seconds(1);
  c.raise_after = std::chrono::seconds(5);
  app::ViewMonitor::Options o{c, 80, 5, std::chrono::seconds(10), /*sampled=*/true, /*key_frames_only=*/true};
  app::ViewMonitor m({commissioning_, std::nullopt, std::nullopt}, o, [&](const analysis::StoredBaseline& b, bool) { saved.push_back(b); });
  const SteadyTime t0{};
  m.onFrame(analysis::AnalysisFrame(cv::Mat(360, 640, CV_8UC3, cv::Scalar(0, 0, 0))), t0, kT0);  // a capped lens
  EXPECT_TRUE(m.state().raised.empty());
  for (int i = 1; i <= 6; ++i) {
    analysis::StreamSample sample{t0 + std::chrono::seconds(i), std::uint64_t(i), std::uint64_t(10 * i),
                                  std::uint64_t(20000 * i), std::uint64_t(40000 * i), 640, 360};
    m.onStream(sample, sample.at);
  }
  const auto s = m.state();
  ASSERT_EQ(s.raised, std::vector<analysis::ViewIssue>{analysis::ViewIssue::Blank});
  ASSERT_TRUE(s.snapshot) << "raised by a stream check, with the last picture as its snapshot";
  EXPECT_EQ(s.snapshot->taken_at, kT0);
  EXPECT_EQ(s.snapshot->width, 640);
}

// A camera that switches to infrared at night (issue 25): its grey view,
// lit by its own lamp (brightest in the middle), is another picture than
// the day's. It learns a night baseline from its verified infrared views and
// judges them against it; a cover at night is still raised; a view covered
// from the start of the night is never learned; and the morning's switch
// back to a dim colour view is no `dark`.
namespace {
cv::Mat infraredView(const cv::Mat& day, int k) {
  cv::Mat grey, lit(day.size(), CV_32F);
  cv::cvtColor(day, grey, cv::COLOR_BGR2GRAY);
  grey.convertTo(grey, CV_32F);
  for (int y = 0; y < lit.rows; ++y) {
    for (int x = 0; x < lit.cols; ++x) {
      const double dx = (x - lit.cols / 2.0) / (lit.cols / 2.0), dy = (y - lit.rows / 2.0) / (lit.rows / 2.0);
      lit.at<float>(y, x) = static_cast<float>(1.0 - 0.4 * (dx * dx + dy * dy) / 2);
    }
  }
  cv::Mat ir = grey.mul(lit) * 1.1 + 12, noise(day.size(), CV_32F), out;
  cv::RNG(static_cast<std::uint64_t>(k) * 7 + 1).fill(noise, cv::RNG::NORMAL, 0, 3);
  ir += noise;
  ir.convertTo(out, CV_8U);
  cv::cvtColor(out, out, cv::COLOR_GRAY2BGR);
  return out;
}
void coverMost(cv::Mat& f) {
  cv::rectangle(f, {0, 0, f.cols * 78 / 100, f.rows * 78 / 100}, cv::Scalar(40, 40, 40), cv::FILLED);
}
}  // namespace

TEST_F(BaselineRefresh, AnInfraredViewIsJudgedAgainstANightBaselineLearnedFromItsVerifiedViews) {
  std::vector<std::pair<analysis::StoredBaseline, bool>> saved;
  config::ViewQualityConfig c;
  c.check_interval = std::chrono::seconds(1);
  c.raise_after = std::chrono::seconds(15);
  c.clear_after = std::chrono::seconds(15);
  c.baseline_refresh = Duration::zero();  // the day's is not refreshed; the night's is learned all the same
  app::ViewMonitor::Options o{c, 80, 5, std::chrono::seconds(10)};
  app::ViewMonitor m({commissioning_, std::nullopt, std::nullopt}, o,
                     [&](const analysis::StoredBaseline& b, bool night) { saved.emplace_back(b, night); });
  const SteadyTime t0{};
  auto at = [&](int i) { return t0 + std::chrono::seconds(10 * i); };
  auto wall = [&](int i) { return kT0 + 12h + std::chrono::seconds(10 * i); };
  auto raised = [&] { return m.state().raised; };
  // Night falls: infrared, nothing raised, the night baseline learned from
  // five views 10 s apart.
  for (int i = 5; i < 20; ++i) {
    m.onFrame(analysis::AnalysisFrame(infraredView(frames_[static_cast<size_t>(i)], i)), at(i), wall(i));
    EXPECT_TRUE(raised().empty()) << "infrared view " << i << ": " << analysis::toString(raised().front());
  }
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_TRUE(saved[0].second) << "a night baseline";
  EXPECT_EQ(m.state().baseline_taken_at, saved[0].first.taken_at) << "judged against it";
  EXPECT_LT(saved[0].first.baseline.measures.chroma->saturation, 1.0);
  // A cover at night is raised against the night baseline...
  bool occluded = false;
  for (int i = 20; i < 30; ++i) {
    cv::Mat f = infraredView(frames_[static_cast<size_t>(i)], i);
    coverMost(f);
    m.onFrame(analysis::AnalysisFrame(f), at(i), wall(i));
    occluded = occluded || raised() == std::vector<analysis::ViewIssue>{analysis::ViewIssue::Occluded};
  }
  EXPECT_TRUE(occluded);
  // From here a check a second, as the camera makes them.
  auto second = [&](int s) { return at(30) + std::chrono::seconds(s); };
  auto second_wall = [&](int s) { return wall(30) + std::chrono::seconds(s); };
  for (int s = 0; s < 20; ++s) {
    m.onFrame(analysis::AnalysisFrame(infraredView(frames_[static_cast<size_t>(30 + s)], s)), second(s), second_wall(s));
  }
  EXPECT_TRUE(raised().empty()) << "the cover came off";
  // ...and morning comes: colour again, at a third of the day's light, is
  // no sudden darkness (the infrared light says nothing of the day's).
  for (int s = 20; s < 45; ++s) {
    cv::Mat dawn;
    frames_[static_cast<size_t>(s)].convertTo(dawn, -1, 0.3);
    m.onFrame(analysis::AnalysisFrame(dawn), second(s), second_wall(s));
    EXPECT_TRUE(raised().empty()) << "dawn " << s << ": " << analysis::toString(raised().front());
  }
  EXPECT_EQ(m.state().baseline_taken_at, kT0) << "the day's again";
  EXPECT_EQ(saved.size(), 1u);
}

TEST_F(BaselineRefresh, AnInfraredViewCoveredFromNightfallIsNeverLearned) {
  std::vector<analysis::StoredBaseline> saved;
  auto m = monitor(saved);
  const SteadyTime t0{};
  bool occluded = false;
  for (int i = 5; i < 60; ++i) {
    cv::Mat f = infraredView(frames_[static_cast<size_t>(i)], i);
    coverMost(f);
    m.onFrame(analysis::AnalysisFrame(f), t0 + std::chrono::seconds(10 * i), kT0 + 12h + std::chrono::seconds(10 * i));
    const auto r = m.state().raised;
    occluded = occluded || std::find(r.begin(), r.end(), analysis::ViewIssue::Occluded) != r.end();
  }
  EXPECT_TRUE(saved.empty());
  EXPECT_TRUE(occluded);
}

// Snow over a key-frame camera (issue 25): its key frames differ by the
// snow, which teaches nothing of how its live key frames differ; taught, the
// clean ones after it would look a repeat of each other, a stopped picture.
TEST_F(BaselineRefresh, SnowOnAKeyFrameCameraIsRaisedAsSnowAndLeavesNoFrozenBehind) {
  std::vector<analysis::StoredBaseline> saved;
  config::ViewQualityConfig c;
  c.check_interval = std::chrono::seconds(2);
  c.raise_after = std::chrono::seconds(10);
  app::ViewMonitor::Options o{c, 80, 5, std::chrono::seconds(10), /*sampled=*/false, /*key_frames_only=*/true};
  app::ViewMonitor m({commissioning_, std::nullopt, std::nullopt}, o, [&](const analysis::StoredBaseline& b, bool) { saved.push_back(b); });
  const SteadyTime t0{};
  bool snow_seen = false;
  for (int i = 5; i < 60; ++i) {
    const bool snowing = i >= 15 && i < 35;
    cv::Mat f = frames_[static_cast<size_t>(i)].clone(), noise(f.size(), CV_16SC3), wide;
    cv::RNG(static_cast<std::uint64_t>(i)).fill(noise, cv::RNG::NORMAL, 0, snowing ? 36 : 2);
    f.convertTo(wide, CV_16SC3);
    wide += noise;
    wide.convertTo(f, CV_8UC3);
    m.onFrame(analysis::AnalysisFrame(f), t0 + std::chrono::seconds(2 * i), kT0 + std::chrono::seconds(2 * i));
    const auto raised = m.state().raised;
    const auto has = [&](analysis::ViewIssue k) { return std::find(raised.begin(), raised.end(), k) != raised.end(); };
    snow_seen = snow_seen || has(analysis::ViewIssue::Snow);
    EXPECT_FALSE(has(analysis::ViewIssue::Frozen)) << "key frame " << i;
  }
  EXPECT_TRUE(snow_seen);
  EXPECT_TRUE(m.state().raised.empty()) << "clean again";
}

// A PTZ camera (issue 25): away from its preset is a patrol until it stays
// away longer than its patrol time, then `off_preset`, not `shifted`; a
// fixed camera turned the same way is `shifted` after raise_after.
TEST_F(BaselineRefresh, APtzCameraAwayFromItsPresetIsOffPresetOnlyAfterItsPatrolTime) {
  std::vector<analysis::StoredBaseline> saved;
  config::ViewQualityConfig c;
  c.check_interval = std::chrono::seconds(1);
  c.raise_after = std::chrono::seconds(5);
  c.clear_after = std::chrono::seconds(3);
  app::ViewMonitor::Options ptz_options{c, 80, 5, std::chrono::seconds(10)};
  ptz_options.patrol_time = std::chrono::seconds(30);
  app::ViewMonitor ptz({commissioning_, std::nullopt}, ptz_options, {});
  app::ViewMonitor fixed({commissioning_, std::nullopt}, {c, 80, 5, std::chrono::seconds(10)}, {});
  const SteadyTime t0{};
  auto turned = [](const cv::Mat& f) {  // a fifth of the view to the side
    cv::Mat o, m = (cv::Mat_<double>(2, 3) << 1, 0, f.cols * 0.2, 0, 1, 0);
    cv::warpAffine(f, o, m, f.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
    return o;
  };
  using analysis::ViewIssue;
  std::optional<int> off_preset_at, shifted_at;
  for (int s = 0; s < 55; ++s) {
    const bool away = s >= 5 && s < 45;
    const cv::Mat& live = frames_[static_cast<size_t>(5 + s)];
    const cv::Mat f = away ? turned(live) : live;
    ptz.onFrame(analysis::AnalysisFrame(f), t0 + std::chrono::seconds(s), kT0 + std::chrono::seconds(s));
    fixed.onFrame(analysis::AnalysisFrame(f), t0 + std::chrono::seconds(s), kT0 + std::chrono::seconds(s));
    const auto p = ptz.state().raised, x = fixed.state().raised;
    // Nothing but off_preset: its patrol view read against the preset's
    // baseline is no cover, blur or shift.
    for (auto i : p) EXPECT_EQ(i, ViewIssue::OffPreset) << "at " << s << " s: " << analysis::toString(i);
    if (!off_preset_at && std::find(p.begin(), p.end(), ViewIssue::OffPreset) != p.end()) off_preset_at = s;
    if (!shifted_at && std::find(x.begin(), x.end(), ViewIssue::Shifted) != x.end()) shifted_at = s;
  }
  ASSERT_TRUE(off_preset_at && shifted_at);
  // It left after the check at 4 s: patrol_time from then.
  EXPECT_GE(*off_preset_at, 4 + 30) << "a patrol is no fault";
  EXPECT_LE(*off_preset_at, 5 + 30 + 1);
  EXPECT_LE(*shifted_at, 5 + 5 + 2);
  EXPECT_TRUE(ptz.state().raised.empty()) << "back at its preset";
  EXPECT_TRUE(std::find(ptz.state().uncovering.begin(), ptz.state().uncovering.end(), ViewIssue::OffPreset) ==
              ptz.state().uncovering.end());
}

TEST(LocalDay, StartsAtLocalMidnight) {
  useTimeZone("Asia/Shanghai");  // UTC+8, no daylight saving
  const auto t = *fromRfc3339("2026-11-29T03:30:00.000Z");  // 11:30 in Shanghai
  EXPECT_EQ(toRfc3339(startOfLocalDay(t)), "2026-11-28T16:00:00.000Z");
  useTimeZone("UTC");
  EXPECT_EQ(toRfc3339(startOfLocalDay(t)), "2026-11-29T00:00:00.000Z");
}

}  // namespace
}  // namespace villagecam
