// Camera workers against real RTSP cameras (gst-rtsp-server on 127.0.0.1):
// online, killed, back, frozen, wrong password, hanging, garbage, stopping;
// each read by both RTSP clients (rtspsrc and FFmpeg's demuxer).
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <thread>
#include <filesystem>
#include <mutex>

#include "service/liveness.hpp"
#include "ingest/camera_worker.hpp"
#include "ingest/pipeline_template.hpp"
#include "mosquitto.hpp"
#include "scratch_dir.hpp"
#include "test_cameras.hpp"

namespace villagecam::ingest {
namespace {

using namespace std::chrono_literals;
using testing::CameraSpec;
using testing::TestCameras;
using Clock = std::chrono::steady_clock;

// The RTSP client of the test that runs (CameraWorkers' parameter).
config::RtspClient g_client = config::RtspClient::Gstreamer;

config::IngestConfig fastIngest() {
  config::IngestConfig in;
  in.rtsp_client = g_client;
  in.connect_timeout = config::Seconds(4);
  in.stall_timeout = config::Seconds(2);
  in.backoff_initial = config::Seconds(0.5);
  in.backoff_max = config::Seconds(3);
  in.unauthorized_retry = config::Seconds(60);
  in.latency_ms = 100;
  return in;
}

config::CameraConfig cameraAt(const std::string& id, const std::string& url) {
  config::CameraConfig c;
  c.id = id;
  c.name = id;
  auto parsed = config::parseRtspUrl(url);
  c.url = *parsed.url;
  if (!c.url.username.empty()) c.credentials = config::Credentials{c.url.username, c.url.password};
  c.transport = config::Transport::Tcp;
  c.analysis = {config::AnalysisMode::Full, 5, 320, 180};
  return c;
}

// A worker plus a record of its state changes, waited on without sleeping.
class WatchedWorker {
 public:
  WatchedWorker(config::CameraConfig camera, const config::IngestConfig& ingest = fastIngest())
      : worker_(camera, ingest,
                withRtspClient(forMode(render(loadTemplate(testing::pipelinesSourceDir(), "software"),
                                              templateVars(camera, ingest)),
                                       camera.analysis.mode),
                               ingest.rtsp_client, camera.analysis.mode, camera, ingest),
                clock_) {
    worker_.onStateChange([this](const health::CameraHealth& h) {
      {
        std::lock_guard lock(mutex_);
        history_.push_back(h.state);
        reasons_.push_back(h.reason);
      }
      changed_.notify_all();
    });
    worker_.start();
  }

  // Waits until the worker enters `state` (after `from` changes); returns how
  // long it took, or nullopt on timeout.
  std::optional<Clock::duration> waitFor(health::CameraState state, Clock::duration timeout) {
    const auto start = Clock::now();
    std::unique_lock lock(mutex_);
    const bool ok = changed_.wait_until(lock, start + timeout, [&] {
      return history_.size() > seen_ && std::find(history_.begin() + seen_, history_.end(), state) != history_.end();
    });
    if (!ok) return std::nullopt;
    seen_ = std::find(history_.begin() + seen_, history_.end(), state) - history_.begin() + 1;
    return Clock::now() - start;
  }
  std::string lastReason() {
    std::lock_guard lock(mutex_);
    return reasons_.empty() ? "" : reasons_.back();
  }
  CameraWorker& worker() { return worker_; }

 private:
  SystemClock clock_;
  CameraWorker worker_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<health::CameraState> history_;
  std::vector<std::string> reasons_;
  size_t seen_ = 0;
};

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

class CameraWorkers : public ::testing::TestWithParam<config::RtspClient> {
 protected:
  void SetUp() override { g_client = GetParam(); }
  void TearDown() override { g_client = config::RtspClient::Gstreamer; }
};

INSTANTIATE_TEST_SUITE_P(Clients, CameraWorkers,
                         ::testing::Values(config::RtspClient::Gstreamer, config::RtspClient::Ffmpeg),
                         [](const auto& info) { return std::string(config::toString(info.param)); });

TEST_P(CameraWorkers, H264AndH265CamerasComeOnlineWithMeasuredHealth) {
  TestCameras cams({{.name = "gate"}, {.name = "square", .codec = "h265"}});
  WatchedWorker gate(cameraAt("gate", cams.url("gate")));
  WatchedWorker square(cameraAt("square", cams.url("square")));
  ASSERT_TRUE(gate.waitFor(health::CameraState::Online, 15s)) << gate.lastReason();
  ASSERT_TRUE(square.waitFor(health::CameraState::Online, 15s)) << square.lastReason();
  // Let the rate meter see a few seconds of stream (observation, not sync).
  std::this_thread::sleep_for(3s);
  for (auto* w : {&gate, &square}) {
    const auto h = w->worker().health();
    EXPECT_EQ(h.state, health::CameraState::Online);
    EXPECT_EQ(h.width, 640);
    EXPECT_EQ(h.height, 360);
    EXPECT_NEAR(h.fps, 10.0, 2.0);
    EXPECT_GT(h.bitrate_kbps, 5.0);
    EXPECT_NEAR(h.keyframe_interval_s, 2.0, 0.5);
    EXPECT_GT(h.frames_decoded, 5u);  // analysis frames at 5 fps
    EXPECT_TRUE(h.last_frame.has_value());
  }
  EXPECT_EQ(gate.worker().health().codec, "h264");
  EXPECT_EQ(square.worker().health().codec, "h265");
}

TEST_P(CameraWorkers, KilledServerGoesOfflineWithinTheStallTimeoutAndComesBack) {
  TestCameras cams({{.name = "bridge"}});
  const auto ingest = fastIngest();
  WatchedWorker bridge(cameraAt("bridge", cams.url("bridge")), ingest);
  ASSERT_TRUE(bridge.waitFor(health::CameraState::Online, 15s)) << bridge.lastReason();

  cams.kill();
  const auto to_offline = bridge.waitFor(health::CameraState::Offline, 30s);
  ASSERT_TRUE(to_offline) << bridge.lastReason();
  EXPECT_LE(seconds(*to_offline), ingest.stall_timeout.count() + 1.0);

  cams.restart();  // same ports
  const auto to_online = bridge.waitFor(health::CameraState::Online, 30s);
  ASSERT_TRUE(to_online) << bridge.lastReason();
  EXPECT_LE(seconds(*to_online), ingest.backoff_max.count() + 3.0);
  EXPECT_GE(bridge.worker().health().reconnects, 1u);
}

TEST_P(CameraWorkers, AFrozenStreamIsStalledThenRecovers) {
  TestCameras cams({{.name = "river"}});
  const auto ingest = fastIngest();
  WatchedWorker river(cameraAt("river", cams.url("river")), ingest);
  ASSERT_TRUE(river.waitFor(health::CameraState::Online, 15s)) << river.lastReason();
  cams.freeze("river");
  const auto to_stalled = river.waitFor(health::CameraState::Stalled, 15s);
  ASSERT_TRUE(to_stalled) << river.lastReason();
  EXPECT_LE(seconds(*to_stalled), ingest.stall_timeout.count() + 1.0);
  cams.thaw("river");
  ASSERT_TRUE(river.waitFor(health::CameraState::Online, 20s)) << river.lastReason();
}

TEST_P(CameraWorkers, StoppedCameraIsOfflineWhileTheOtherStaysOnline) {
  TestCameras cams({{.name = "a"}, {.name = "b"}});
  WatchedWorker a(cameraAt("a", cams.url("a")));
  WatchedWorker b(cameraAt("b", cams.url("b")));
  ASSERT_TRUE(a.waitFor(health::CameraState::Online, 15s));
  ASSERT_TRUE(b.waitFor(health::CameraState::Online, 15s));
  cams.stop("a");
  ASSERT_TRUE(a.waitFor(health::CameraState::Offline, 10s)) << a.lastReason();
  EXPECT_EQ(b.worker().health().state, health::CameraState::Online);
  cams.start("a");
  ASSERT_TRUE(a.waitFor(health::CameraState::Online, 15s)) << a.lastReason();
}

TEST_P(CameraWorkers, WrongPasswordIsUnauthorizedWithoutAReconnectStorm) {
  TestCameras cams({{.name = "school", .user = "admin", .password = "right"}});
  auto camera = cameraAt("school", cams.url("school"));
  camera.credentials = config::Credentials{"admin", "wrong-pw-123"};
  WatchedWorker school(camera);
  ASSERT_TRUE(school.waitFor(health::CameraState::Unauthorized, 15s)) << school.lastReason();
  EXPECT_NE(school.lastReason().find("401"), std::string::npos) << school.lastReason();
  // Watch for a while: with unauthorized_retry at 60 s nothing may reconnect.
  std::this_thread::sleep_for(4s);
  EXPECT_EQ(school.worker().health().state, health::CameraState::Unauthorized);
  EXPECT_EQ(school.worker().health().reconnects, 0u);
  EXPECT_LE(cams.connections()["auth"], 2);  // one attempt: the challenge and the refused answer
}

TEST_P(CameraWorkers, RightPasswordGetsVideo) {
  TestCameras cams({{.name = "school", .user = "admin", .password = "p@ss:word"}});
  auto camera = cameraAt("school", cams.url("school"));
  camera.credentials = config::Credentials{"admin", "p@ss:word"};
  WatchedWorker school(camera);
  ASSERT_TRUE(school.waitFor(health::CameraState::Online, 15s)) << school.lastReason();
  EXPECT_EQ(school.worker().health().url.find("p@ss"), std::string::npos);
}

TEST_P(CameraWorkers, HangingAndGarbageCamerasDoNotDelayTheOthers) {
  TestCameras cams({{.name = "a"}, {.name = "b"}}, /*hang_port=*/true, /*garbage_port=*/true);
  const auto ingest = fastIngest();
  const auto start = Clock::now();
  WatchedWorker hang(cameraAt("hang", "rtsp://127.0.0.1:" + std::to_string(cams.hangPort()) + "/x"), ingest);
  WatchedWorker garbage(cameraAt("garbage", "rtsp://127.0.0.1:" + std::to_string(cams.garbagePort()) + "/x"), ingest);
  WatchedWorker a(cameraAt("a", cams.url("a")), ingest);
  WatchedWorker b(cameraAt("b", cams.url("b")), ingest);
  ASSERT_TRUE(a.waitFor(health::CameraState::Online, 10s));
  ASSERT_TRUE(b.waitFor(health::CameraState::Online, 10s));
  // Both good cameras were up before the hanging one could even time out.
  EXPECT_LT(seconds(Clock::now() - start), ingest.connect_timeout.count());
  EXPECT_EQ(hang.worker().health().state, health::CameraState::Connecting);
  ASSERT_TRUE(garbage.waitFor(health::CameraState::Offline, 10s));
  ASSERT_TRUE(hang.waitFor(health::CameraState::Offline, 10s));
  EXPECT_NE(hang.lastReason().find("no video within 4 s"), std::string::npos) << hang.lastReason();
}

TEST_P(CameraWorkers, UnknownPathAndRefusedPortSayWhy) {
  TestCameras cams({{.name = "a"}});
  WatchedWorker missing(cameraAt("missing", cams.url("nope")));
  ASSERT_TRUE(missing.waitFor(health::CameraState::Offline, 10s));
  EXPECT_NE(missing.lastReason().find("404"), std::string::npos) << missing.lastReason();
}

TEST_P(CameraWorkers, StopsWithinTwoSecondsWhateverTheCamerasAreDoing) {
  TestCameras cams({{.name = "a"}}, /*hang_port=*/true);
  auto hang = std::make_unique<WatchedWorker>(cameraAt("hang", "rtsp://127.0.0.1:" + std::to_string(cams.hangPort()) + "/x"));
  auto a = std::make_unique<WatchedWorker>(cameraAt("a", cams.url("a")));
  ASSERT_TRUE(a->waitFor(health::CameraState::Online, 10s));
  const auto start = Clock::now();
  hang->worker().stop();
  a->worker().stop();
  EXPECT_LT(seconds(Clock::now() - start), 2.0);
}

// The watchdog's premise: a worker stuck in its own code stops its heartbeat,
// and only its own; the daemon then stops pinging systemd (app/liveness).
TEST_P(CameraWorkers, AWorkerHungInItsFrameHandlerStopsItsHeartbeatAndOnlyItsOwn) {
  TestCameras cams({CameraSpec{.name = "a"}, CameraSpec{.name = "b"}});
  SystemClock clock;
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> first{true};
  const auto cam = cameraAt("a", cams.url("a"));
  CameraWorker hung(cam, fastIngest(),
                    withRtspClient(render(loadTemplate(testing::pipelinesSourceDir(), "software"),
                                          templateVars(cam, fastIngest())),
                                   g_client, cam.analysis.mode, cam, fastIngest()),
                    clock);
  hung.onFrame([&](const analysis::AnalysisFrame&) {
    if (first.exchange(false)) entered.set_value();
    released.wait();  // hangs the worker's thread, as a bug in analysis could
  });
  hung.start();
  WatchedWorker healthy(cameraAt("b", cams.url("b")));
  ASSERT_EQ(entered.get_future().wait_for(20s), std::future_status::ready);
  const auto hung_at = Clock::now();
  while (Clock::now() < hung_at + 2500ms) std::this_thread::sleep_for(100ms);  // observation: time passes
  const auto stale = service::staleHeartbeats({{"camera a", hung.lastLoop()}, {"camera b", healthy.worker().lastLoop()}},
                                          Clock::now(), 2s);
  EXPECT_EQ(stale, std::vector<std::string>{"camera a"});
  release.set_value();
  hung.stop();
}

// Analysis modes: keyframes decodes only the key frames (the test cameras
// send one every 2 s, 20 frames), health one key frame a minute (its first
// at once, for the first view check); both still see every frame arrive, so
// timing and stall detection work as in full.
TEST_P(CameraWorkers, KeyframesModeDecodesOnlyKeyFramesAndHealthModeOneAMinute) {
  TestCameras cams({CameraSpec{.name = "key"}, CameraSpec{.name = "health"}});
  auto key = cameraAt("key", cams.url("key"));
  key.analysis = {config::AnalysisMode::Keyframes, 30, 320, 180};
  auto health = cameraAt("health", cams.url("health"));
  health.analysis.mode = config::AnalysisMode::Health;
  WatchedWorker k(key), h(health);
  ASSERT_TRUE(k.waitFor(health::CameraState::Online, 20s));
  ASSERT_TRUE(h.waitFor(health::CameraState::Online, 20s));
  // Observe until both have received more than two GOPs (45 frames at 10 fps).
  health::CameraHealth kh, hh;
  for (const auto deadline = Clock::now() + 15s; Clock::now() < deadline; std::this_thread::sleep_for(50ms)) {
    kh = k.worker().health();
    hh = h.worker().health();
    if (kh.frames_received > 45 && hh.frames_received > 45) break;
  }
  EXPECT_GE(kh.frames_decoded, 2u) << "key frames were decoded";
  EXPECT_LE(kh.frames_decoded * 10, kh.frames_received) << kh.frames_decoded << " of " << kh.frames_received;
  EXPECT_GT(kh.keyframe_interval_s, 1.5);
  EXPECT_GE(hh.frames_decoded, 1u) << "the first key frame is a sample";
  EXPECT_LE(hh.frames_decoded, 2u) << "the next is a minute away (a decoder may add the frame after the key)";
  EXPECT_GT(hh.frames_received, 45u);
  EXPECT_GT(hh.keyframe_interval_s, 1.5);
  EXPECT_EQ(hh.state, health::CameraState::Online);
}

// A camera whose encoder reorders (B frames, as real footage and many
// cameras have) in keyframes mode: FFmpeg's decoder then keeps a key frame's
// picture until the next unit comes, a GOP later. Read by FFmpeg's demuxer
// the node drains the decoder after each key frame: each picture comes with
// its key frame and none is lost. rtspsrc's pipeline keeps its decoder
// running, which holds each key frame's picture until later ones come: the
// `gstreamer` client is not held to this (docs/performance.md).
TEST_P(CameraWorkers, KeyframesModeShowsEachKeyFrameWhenItComesThoughTheEncoderReorders) {
  if (GetParam() != config::RtspClient::Ffmpeg) GTEST_SKIP() << "rtspsrc's decoder runs on and holds key frames' pictures";
  testing::ScratchDir dir("reordering-camera");
  const auto clip = dir / "clip.h264";  // 8 s at 25 fps, a key frame every 2 s, 2 B frames
  const auto [code, out] = testing::runCommand(
      {"/usr/bin/gst-launch-1.0", "-q", "videotestsrc", "num-buffers=200", "pattern=ball", "!",
       "video/x-raw,width=320,height=180,framerate=25/1", "!", "x264enc", "key-int-max=50", "bframes=2",
       "b-adapt=false", "speed-preset=ultrafast", "!", "video/x-h264,stream-format=byte-stream,profile=main", "!",
       "filesink", "location=" + clip.string()});
  ASSERT_EQ(code, 0) << out;
  TestCameras cams({CameraSpec{.name = "clip", .file = clip.string()}});
  auto camera = cameraAt("clip", cams.url("clip"));
  camera.analysis = {config::AnalysisMode::Keyframes, 30, 320, 180};
  WatchedWorker w(camera);
  ASSERT_TRUE(w.waitFor(health::CameraState::Online, 20s));
  health::CameraHealth h;
  std::optional<std::uint64_t> received_at_first_picture;
  for (const auto deadline = Clock::now() + 20s; Clock::now() < deadline; std::this_thread::sleep_for(20ms)) {
    h = w.worker().health();
    if (h.frames_decoded > 0 && !received_at_first_picture) received_at_first_picture = h.frames_received;
    if (h.frames_received > 260) break;  // past a loop of the clip: key frames at 0, 50, ... 250
  }
  ASSERT_TRUE(received_at_first_picture) << "no key frame was decoded";
  EXPECT_LT(*received_at_first_picture, 50u) << "the first key frame's picture came only with the second";
  const auto key_frames = (h.frames_received + 49) / 50;
  EXPECT_GE(h.frames_decoded + 1, key_frames) << h.frames_decoded << " pictures of " << key_frames << " key frames";
  EXPECT_LE(h.frames_decoded, key_frames);
  EXPECT_EQ(h.frames_corrupt, 0u);
}

// The test camera server's file cameras, through which bench/node_bench
// serves real footage: a pre-encoded clip loops at its own frame rate, with
// its key frames, and decodes.
TEST_P(CameraWorkers, AFileCameraLoopsItsClipAtItsOwnRate) {
  testing::ScratchDir dir("file-camera");
  const auto clip = dir / "clip.h264";  // 2 s at 25 fps, a key frame every second
  const auto [code, out] = testing::runCommand(
      {"/usr/bin/gst-launch-1.0", "-q", "videotestsrc", "num-buffers=50", "pattern=ball", "!",
       "video/x-raw,width=320,height=180,framerate=25/1", "!", "x264enc", "key-int-max=25", "speed-preset=ultrafast",
       "!", "video/x-h264,stream-format=byte-stream", "!", "filesink", "location=" + clip.string()});
  ASSERT_EQ(code, 0) << out;
  TestCameras cams({CameraSpec{.name = "clip", .file = clip.string()}});
  WatchedWorker w(cameraAt("clip", cams.url("clip")));
  ASSERT_TRUE(w.waitFor(health::CameraState::Online, 20s));
  health::CameraHealth h;
  // Past the end of the clip: it loops.
  for (const auto deadline = Clock::now() + 15s; Clock::now() < deadline; std::this_thread::sleep_for(50ms)) {
    h = w.worker().health();
    if (h.frames_received > 100) break;
  }
  EXPECT_GT(h.frames_received, 100u);
  EXPECT_NEAR(h.fps, 25, 3);
  EXPECT_NEAR(h.keyframe_interval_s, 1.0, 0.2);
  EXPECT_GT(h.frames_decoded, 0u);
  EXPECT_EQ(h.reconnects, 0u);
}

}  // namespace
}  // namespace villagecam::ingest
