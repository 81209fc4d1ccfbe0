// Flapping leaves nothing behind: after many connect/disconnect cycles of a
// camera, the process has the same threads, file descriptors and live
// GStreamer objects as before. Built and run under AddressSanitizer and
// LeakSanitizer by scripts/test, which also catch heap leaks at exit.
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>

#include "ingest/camera_worker.hpp"
#include "ingest/gst_ptr.hpp"
#include "ingest/pipeline_template.hpp"
#include "test_cameras.hpp"

namespace villagecam::ingest {
namespace {

using namespace std::chrono_literals;
using testing::CameraSpec;
using testing::TestCameras;

size_t countEntries(const char* dir) {
  return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

// GStreamer's own leaks tracer, through its activity API: which objects were
// created and which were destroyed since tracking started. (Its
// "get-live-objects" would take references to the objects, which races with
// objects finalising on other threads.)
class GstObjectActivity {
 public:
  GstObjectActivity() {
    GList* tracers = gst_tracing_get_active_tracers();
    for (GList* t = tracers; t; t = t->next) {
      if (std::string(G_OBJECT_TYPE_NAME(t->data)) == "GstLeaksTracer") tracer_ = GST_OBJECT(gst_object_ref(t->data));
    }
    g_list_free_full(tracers, gst_object_unref);
    EXPECT_NE(tracer_, nullptr) << "the leaks tracer is not active (GST_TRACERS=leaks)";
    if (tracer_) g_signal_emit_by_name(tracer_, "activity-start-tracking");
  }
  ~GstObjectActivity() {
    if (!tracer_) return;
    g_signal_emit_by_name(tracer_, "activity-stop-tracking");
    gst_object_unref(tracer_);
  }

  // Objects created since tracking started and not destroyed yet.
  std::map<std::string, int> alive() {
    collect();
    std::map<std::string, int> by_type;
    for (const auto& [address, entry] : net_) {
      if (entry.second > 0) by_type[entry.first] += entry.second;
    }
    return by_type;
  }

 private:
  void collect() {
    if (!tracer_) return;
    GstStructure* checkpoint = nullptr;
    g_signal_emit_by_name(tracer_, "activity-get-checkpoint", &checkpoint);
    if (!checkpoint) return;
    add(gst_structure_get_value(checkpoint, "objects-created-list"), +1);
    add(gst_structure_get_value(checkpoint, "objects-removed-list"), -1);
    gst_structure_free(checkpoint);
  }
  void add(const GValue* list, int delta) {
    if (!list) return;
    for (guint i = 0; i < gst_value_list_get_size(list); ++i) {
      const GstStructure* e = gst_value_get_structure(gst_value_list_get_value(list, i));
      const char* type = gst_structure_get_string(e, "type-name");
      guint64 address = 0;
      gst_structure_get_uint64(e, "address", &address);
      auto& entry = net_[address];
      if (type) entry.first = type;
      entry.second += delta;
    }
  }

  GstObject* tracer_ = nullptr;
  std::map<guint64, std::pair<std::string, int>> net_;  // address -> (type, created - destroyed)
};

class Flapping : public ::testing::Test {
 protected:
  struct Watch {
    std::mutex mutex;
    std::condition_variable changed;
    health::CameraState state = health::CameraState::Connecting;
    bool waitFor(health::CameraState s, std::chrono::seconds timeout) {
      std::unique_lock lock(mutex);
      return changed.wait_for(lock, timeout, [&] { return state == s; });
    }
  };

  std::unique_ptr<CameraWorker> makeWorker(const std::string& url, Watch& watch) {
    config::CameraConfig cam;
    cam.id = "flap";
    cam.url = *config::parseRtspUrl(url).url;
    cam.transport = config::Transport::Tcp;
    cam.analysis = {config::AnalysisMode::Full, 5, 160, 90};
    config::IngestConfig ingest;
    ingest.stall_timeout = config::Seconds(2);
    ingest.connect_timeout = config::Seconds(4);
    ingest.backoff_initial = config::Seconds(0.2);
    ingest.backoff_max = config::Seconds(1);
    ingest.latency_ms = 50;
    auto worker = std::make_unique<CameraWorker>(
        cam, ingest, render(loadTemplate(testing::pipelinesSourceDir(), "software"), templateVars(cam, ingest)),
        clock_);
    worker->onStateChange([&watch](const health::CameraHealth& h) {
      {
        std::lock_guard lock(watch.mutex);
        watch.state = h.state;
      }
      watch.changed.notify_all();
    });
    worker->start();
    return worker;
  }

  SystemClock clock_;
};

TEST_F(Flapping, ManyReconnectsLeaveNoThreadsDescriptorsOrGstObjects) {
  const int cycles = std::getenv("VILLAGECAM_FLAP_CYCLES") ? std::atoi(std::getenv("VILLAGECAM_FLAP_CYCLES")) : 12;
  TestCameras cams({CameraSpec{.name = "flap", .width = 320, .height = 180}});
  {
    // Warm-up: plugins load, types register and caches fill once per process.
    Watch watch;
    auto worker = makeWorker(cams.url("flap"), watch);
    ASSERT_TRUE(watch.waitFor(health::CameraState::Online, 20s));
    worker->stop();
  }
  const size_t threads_before = countEntries("/proc/self/task");
  const size_t fds_before = countEntries("/proc/self/fd");
  GstObjectActivity activity;

  {
    Watch watch;
    auto worker = makeWorker(cams.url("flap"), watch);
    ASSERT_TRUE(watch.waitFor(health::CameraState::Online, 20s));
    for (int i = 0; i < cycles; ++i) {
      if (i % 4 == 3) {
        cams.kill();  // the whole server dies, sockets and all
      } else {
        cams.stop("flap");
      }
      ASSERT_TRUE(watch.waitFor(health::CameraState::Offline, 20s)) << "cycle " << i;
      if (i % 4 == 3) {
        cams.restart();
      } else {
        cams.start("flap");
      }
      ASSERT_TRUE(watch.waitFor(health::CameraState::Online, 20s)) << "cycle " << i;
    }
    EXPECT_GE(worker->health().reconnects, static_cast<std::uint64_t>(cycles));
    worker->stop();
  }

  // Stream threads hand their last references back just after they stop:
  // wait (bounded) for every object made during the flapping to be gone.
  const auto settle_by = std::chrono::steady_clock::now() + 10s;
  auto alive = activity.alive();
  while (!alive.empty() && std::chrono::steady_clock::now() < settle_by) {
    std::this_thread::sleep_for(100ms);
    alive = activity.alive();
  }
  EXPECT_TRUE(alive.empty()) << "objects still alive: " << ::testing::PrintToString(alive);
  EXPECT_LE(countEntries("/proc/self/fd"), fds_before);
  // GLib keeps a few idle pool threads for reuse; they must not grow with the cycles.
  EXPECT_LE(countEntries("/proc/self/task"), threads_before + 2);
}

}  // namespace
}  // namespace villagecam::ingest

int main(int argc, char** argv) {
  // The leaks tracer must be active before GStreamer starts.
  // It tracks the kinds of object the node creates per stream; tracking every
  // object (registry, caps) would make counting them slow.
  setenv("GST_TRACERS", "leaks(filters=\"GstElement,GstPad,GstBus,GstSample,GstMessage,GstTask\")", 1);
  ::testing::InitGoogleTest(&argc, argv);
  villagecam::gst::ensureInitialised();
  const int result = RUN_ALL_TESTS();
  gst_deinit();
  return result;
}
