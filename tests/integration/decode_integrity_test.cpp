// No frame decoded without its references reaches analysis. Real footage
// (opencv-doc's vtest.avi, encoded to H.264 with a key frame a second) is
// served by a test camera whose sessions start halfway into a GOP, and by one
// that loses RTP packets. Every frame the worker hands to analysis is held
// against the clip decoded cleanly: each must match one of its frames in
// every part of the picture. A frame decoded without a reference (smeared
// from grey, or concealed where a packet was lost) matches none. Both RTSP
// clients (rtspsrc and FFmpeg's demuxer), decoding every frame.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>

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

constexpr int kWidth = 320, kHeight = 180, kFps = 10;
const std::string kFootage = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";

struct Clip {
  std::filesystem::path h264;
  std::vector<cv::Mat> clean;  // every frame, decoded from the start, grey at analysis size
};

Clip makeClip(const testing::ScratchDir& dir) {
  Clip clip{dir / "vtest.h264", {}};
  const auto raw = dir / "vtest.grey";
  auto run = [](std::vector<std::string> argv) {
    const auto [code, out] = testing::runCommand(argv);
    EXPECT_EQ(code, 0) << out;
  };
  run({"/usr/bin/gst-launch-1.0", "-q", "filesrc", "location=" + kFootage, "!", "decodebin", "!", "videoconvert", "!",
       "videoscale", "!", "videorate", "!", "video/x-raw,format=I420,width=640,height=360,framerate=10/1", "!",
       "identity", "eos-after=120", "!", "x264enc", "key-int-max=10", "speed-preset=ultrafast", "bitrate=800",
       "!", "video/x-h264,stream-format=byte-stream,profile=constrained-baseline", "!", "filesink",
       "location=" + clip.h264.string()});
  run({"/usr/bin/gst-launch-1.0", "-q", "filesrc", "location=" + clip.h264.string(), "!", "h264parse", "!",
       "avdec_h264", "!", "videoconvert", "!", "videoscale", "method=bilinear", "!",
       "video/x-raw,format=GRAY8,width=320,height=180", "!", "filesink", "location=" + raw.string()});
  std::ifstream in(raw, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  const size_t frame = kWidth * kHeight;
  for (size_t at = 0; at + frame <= bytes.size(); at += frame) {
    clip.clean.push_back(cv::Mat(kHeight, kWidth, CV_8UC1, bytes.data() + at).clone());
  }
  return clip;
}

// The largest mean difference over the 8 x 6 parts of the picture: small for
// the same picture through another scaler, large where a part is smeared.
double worstPartDifference(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat diff;
  cv::absdiff(a, b, diff);
  double worst = 0;
  const int w = kWidth / 8, h = kHeight / 6;
  for (int y = 0; y + h <= kHeight; y += h) {
    for (int x = 0; x + w <= kWidth; x += w) worst = std::max(worst, cv::mean(diff(cv::Rect(x, y, w, h)))[0]);
  }
  return worst;
}

double bestMatch(const Clip& clip, const cv::Mat& frame) {
  double best = 1e9;
  for (const auto& c : clip.clean) best = std::min(best, worstPartDifference(c, frame));
  return best;
}

struct Received {
  std::mutex mutex;
  std::condition_variable more;
  std::vector<cv::Mat> frames;
};

// Runs a worker on the camera until it has handed over `count` frames.
std::pair<std::vector<cv::Mat>, health::CameraHealth> receive(const std::string& url, size_t count,
                                                             config::RtspClient client) {
  config::IngestConfig ingest;
  ingest.rtsp_client = client;
  ingest.connect_timeout = config::Seconds(4);
  ingest.stall_timeout = config::Seconds(3);
  ingest.latency_ms = 200;
  config::CameraConfig camera;
  camera.id = camera.name = "cam";
  camera.url = *config::parseRtspUrl(url).url;
  camera.transport = config::Transport::Tcp;
  camera.analysis = {config::AnalysisMode::Full, kFps, kWidth, kHeight};
  SystemClock clock;
  CameraWorker worker(camera, ingest,
                      withRtspClient(forMode(render(loadTemplate(testing::pipelinesSourceDir(), "software"),
                                                    templateVars(camera, ingest)),
                                             camera.analysis.mode),
                                     client, camera.analysis.mode, camera, ingest),
                      clock);
  Received got;
  worker.onFrame([&](const analysis::AnalysisFrame& f) {
    std::lock_guard lock(got.mutex);
    got.frames.push_back(f.grey().clone());
    got.more.notify_all();
  });
  worker.start();
  std::unique_lock lock(got.mutex);
  got.more.wait_for(lock, 40s, [&] { return got.frames.size() >= count; });
  auto frames = got.frames;
  lock.unlock();
  const auto health = worker.health();
  worker.stop();
  return {frames, health};
}

class DecodeIntegrity : public ::testing::TestWithParam<config::RtspClient> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::ScratchDir("decode-integrity");
    clip_ = new Clip(makeClip(*dir_));
  }
  static void TearDownTestSuite() {
    delete clip_;
    delete dir_;
  }
  static testing::ScratchDir* dir_;
  static Clip* clip_;
};
testing::ScratchDir* DecodeIntegrity::dir_ = nullptr;
Clip* DecodeIntegrity::clip_ = nullptr;

INSTANTIATE_TEST_SUITE_P(Clients, DecodeIntegrity,
                         ::testing::Values(config::RtspClient::Gstreamer, config::RtspClient::Ffmpeg),
                         [](const auto& info) { return std::string(config::toString(info.param)); });

TEST_P(DecodeIntegrity, TheCleanDecodeIsTheReference) {
  ASSERT_GE(clip_->clean.size(), 100u);
  // The same picture through the node's scaler and through videoscale, and
  // two pictures a second apart, for scale.
  EXPECT_LT(worstPartDifference(clip_->clean[5], clip_->clean[5]), 0.01);
  EXPECT_GT(worstPartDifference(clip_->clean[5], clip_->clean[15]), 8.0);
}

TEST_P(DecodeIntegrity, ACameraJoinedMidGopHandsOverOnlyCompletePictures) {
  TestCameras cams({CameraSpec{.name = "mid", .file = clip_->h264.string(), .mid_gop = true}});
  const auto [frames, health] = receive(cams.url("mid"), 40, GetParam());
  ASSERT_GE(frames.size(), 40u);
  EXPECT_GE(health.frames_without_reference, 3u) << "the half GOP before the first key frame is kept from the decoder";
  for (size_t i = 0; i < frames.size(); ++i) {
    EXPECT_LT(bestMatch(*clip_, frames[i]), 6.0) << "frame " << i << " matches no clean picture of the clip";
  }
}

TEST_P(DecodeIntegrity, ACameraLosingPacketsHandsOverOnlyCompletePictures) {
  TestCameras cams({CameraSpec{.name = "lossy", .file = clip_->h264.string(), .loss_percent = 1.5}});
  const auto [frames, health] = receive(cams.url("lossy"), 40, GetParam());
  ASSERT_GE(frames.size(), 20u) << "frames between losses still arrive";
  EXPECT_GT(health.frames_without_reference, 0u) << "losses keep the rest of their GOP from the decoder";
  int unmatched = 0;
  for (size_t i = 0; i < frames.size(); ++i) {
    const double d = bestMatch(*clip_, frames[i]);
    if (d >= 6.0) ++unmatched;
    EXPECT_LT(d, 6.0) << "frame " << i << " matches no clean picture of the clip";
  }
  EXPECT_EQ(unmatched, 0);
}

}  // namespace
}  // namespace villagecam::ingest
