// Per-frame cost of the analysers and of bringing a decoded 720p/1080p I420
// picture to the analysis frame (Google Benchmark), on real footage
// (vtest.avi from Debian's opencv-doc) scaled to the analysis sizes. Each
// detector benchmark has a floor measured in the same run: a grey conversion
// and resize of the same frame, the least any analysis of a frame does. Read
// the ratios, not the absolute times: these machines are shared and noisy.
//   build/bench/analysis_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <map>

#include "analysis/motion.hpp"
#include "analysis/object_tracker.hpp"
#include "analysis/view_quality.hpp"
#include "analysis/zones.hpp"
#include "analysis/analysis_frame.hpp"
#include "ingest/frame_scaler.hpp"
#include "ingest/gst_ptr.hpp"

#include <gst/video/video.h>

#include <cstring>

namespace {

using namespace villagecam::analysis;

std::vector<cv::Mat> footage(int width, int height) {
  static std::map<std::pair<int, int>, std::vector<cv::Mat>> cache;
  auto& frames = cache[{width, height}];
  if (frames.empty()) {
    cv::VideoCapture cap("/usr/share/doc/opencv-doc/examples/data/vtest.avi");
    cv::Mat f, small;
    const size_t count = width > 640 ? 20 : 200;  // camera-size frames are large: fewer of them
    while (cap.read(f) && frames.size() < count) {
      cv::resize(f, small, {width, height}, 0, 0, cv::INTER_AREA);
      frames.push_back(small.clone());
    }
  }
  return frames;
}

// The floor: grey and resize to the detector's size.
void BM_Floor_GreyResize(benchmark::State& state) {
  const auto frames = footage(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  cv::Mat grey, small;
  size_t i = 0;
  for (auto _ : state) {
    cv::cvtColor(frames[i++ % frames.size()], grey, cv::COLOR_BGR2GRAY);
    cv::resize(grey, small, {320, 180}, 0, 0, cv::INTER_AREA);
    benchmark::DoNotOptimize(small.data);
  }
}

void BM_Motion(benchmark::State& state) {
  const auto frames = footage(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  MotionDetector detector;  // analyses at 256x144 whatever the frame's size
  for (int i = 0; i < 20; ++i) detector.process(frames[i]);  // past learning
  size_t i = 20;
  size_t blobs = 0;
  for (auto _ : state) blobs += detector.process(frames[i++ % frames.size()]).blobs.size();
  state.counters["blobs/frame"] = benchmark::Counter(static_cast<double>(blobs), benchmark::Counter::kAvgIterations);
}

// Motion at the analysis size itself (no downscale before the model).
void BM_MotionFullSize(benchmark::State& state) {
  const int w = static_cast<int>(state.range(0)), h = static_cast<int>(state.range(1));
  const auto frames = footage(w, h);
  MotionConfig config;
  config.width = w;
  config.height = h;
  MotionDetector detector(config);
  for (int i = 0; i < 20; ++i) detector.process(frames[i]);
  size_t i = 20;
  for (auto _ : state) benchmark::DoNotOptimize(detector.process(frames[i++ % frames.size()]));
}

void BM_MotionAndZones(benchmark::State& state) {
  const auto frames = footage(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  MotionDetector detector;
  std::vector<ZoneTracker> zones;
  for (int z = 0; z < 4; ++z) {
    ZoneSpec s;
    s.id = "z" + std::to_string(z);
    s.polygon = {{0.25 * z, 0.2}, {0.25 * z + 0.25, 0.2}, {0.25 * z + 0.25, 0.9}, {0.25 * z, 0.9}};
    zones.emplace_back(s);
  }
  for (int i = 0; i < 20; ++i) detector.process(frames[i]);
  size_t i = 20;
  villagecam::SteadyTime now{};
  ObjectTracker objects;  // as the node runs it: people followed, stopped ones held
  for (auto _ : state) {
    const auto r = detector.process(frames[i++ % frames.size()], objects.heldRegions());
    now += std::chrono::milliseconds(200);
    objects.update(r.blobs, detector.picture(), [&] { return detector.background(); }, now);
    const auto present = objects.present();
    for (auto& z : zones) benchmark::DoNotOptimize(z.update(present, true, now));
  }
}

void BM_ViewQuality(benchmark::State& state) {
  const auto frames = footage(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  const auto baseline = makeBaseline({frames.begin(), frames.begin() + 5});
  cv::Mat previous;
  size_t i = 5;
  for (auto _ : state) {
    const auto& f = frames[i++ % frames.size()];
    benchmark::DoNotOptimize(assess(f, previous, baseline));
    previous = rawSmallGrey(f);
  }
}

// The decoder's I420 picture (as GStreamer lays it out) to the 640x360 BGR
// analysis frame: what the node does per analysed frame before any analyser.
// For comparison, in GStreamer on this machine: videotestsrc num-buffers=500
// ! I420 1280x720 ! videoscale ! 640x360 ! videoconvert ! BGR ! fakesink costs
// about 3.9 ms a frame more than the same pipeline without the two elements.
void BM_FrameScaler(benchmark::State& state) {
  gst_init(nullptr, nullptr);
  const int w = static_cast<int>(state.range(0)), h = static_cast<int>(state.range(1));
  cv::Mat packed;
  cv::cvtColor(footage(w, h).front(), packed, cv::COLOR_BGR2YUV_I420);
  GstVideoInfo info;
  gst_video_info_set_format(&info, GST_VIDEO_FORMAT_I420, static_cast<guint>(w), static_cast<guint>(h));
  GstBuffer* buffer = gst_buffer_new_memdup(packed.data, packed.total());
  GstCaps* caps = gst_video_info_to_caps(&info);
  villagecam::gst::SamplePtr sample(gst_sample_new(buffer, caps, nullptr, nullptr));
  gst_caps_unref(caps);
  gst_buffer_unref(buffer);
  villagecam::ingest::FrameScaler scaler({640, 360});
  villagecam::analysis::ScaledFrame scaled;
  cv::Mat grey, colour;
  for (auto _ : state) {
    villagecam::ingest::FrameView view(*sample);
    scaler.scale(view, scaled);
    benchmark::DoNotOptimize(villagecam::analysis::AnalysisFrame(scaled, grey, colour).grey().data);
  }
}

#define SIZES ->Args({320, 180})->Args({640, 360})->Unit(benchmark::kMicrosecond)
#define CAMERA_SIZES ->Args({1280, 720})->Args({1920, 1080})->Unit(benchmark::kMicrosecond)
BENCHMARK(BM_Floor_GreyResize) CAMERA_SIZES;
BENCHMARK(BM_FrameScaler) CAMERA_SIZES;
BENCHMARK(BM_Floor_GreyResize) SIZES;
BENCHMARK(BM_Motion) SIZES;
BENCHMARK(BM_MotionFullSize) SIZES;
BENCHMARK(BM_MotionAndZones) SIZES;
BENCHMARK(BM_ViewQuality) SIZES;

// Prints what Google Benchmark prints, then each result as a ratio to the
// floor of the same frame size from the same run.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      if (r.run_type == Run::RT_Iteration) times_.emplace_back(r.benchmark_name(), r.GetAdjustedCPUTime());
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nCPU time per frame as a ratio to the floor (grey + resize of the same frame, same run):\n");
    for (const auto& [name, t] : times_) {
      const auto size = name.substr(name.find('/'));
      double floor = 0;
      for (const auto& [n, ft] : times_) {
        if (n == "BM_Floor_GreyResize" + size) floor = ft;
      }
      if (floor > 0) std::printf("  %-32s %7.1f x floor\n", name.c_str(), t / floor);
    }
  }

 private:
  std::vector<std::pair<std::string, double>> times_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
}
