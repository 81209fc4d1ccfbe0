// Flapping leaves nothing behind: after many connect/disconnect cycles of a
// camera, the process has the same threads, file descriptors and live
// GStreamer objects as before. Built and run under AddressSanitizer and
// LeakSanitizer by scripts/test, which also catch heap leaks at exit.
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "ingest/camera_worker.hpp"
#include "ingest/gst_ptr.hpp"
#include "ingest/pipeline_template.hpp"
#include "child_process.hpp"
#include "relay/restream_server.hpp"
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

// Stream threads hand their last references back just after they stop:
// wait (bounded) for every object made since `activity` began to be gone;
// and no more descriptors, nor threads beyond the few idle ones GLib keeps
// in its pools for reuse.
void expectNothingLeftBehind(GstObjectActivity& activity, size_t threads_before, size_t fds_before) {
  const auto settle_by = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  auto alive = activity.alive();
  while (!alive.empty() && std::chrono::steady_clock::now() < settle_by) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    alive = activity.alive();
  }
  EXPECT_TRUE(alive.empty()) << "objects still alive: " << ::testing::PrintToString(alive);
  EXPECT_LE(countEntries("/proc/self/fd"), fds_before);
  EXPECT_LE(countEntries("/proc/self/task"), threads_before + 2);
}

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

  std::unique_ptr<CameraWorker> makeWorker(const std::string& url, Watch& watch,
                                          std::shared_ptr<EncodedFanout> relay = nullptr) {
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
    if (relay) worker->relayTo(std::move(relay));
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

  // One camera's stream for the restream server: always the analysed one.
  struct OneCamera : relay::StreamSources {
    std::shared_ptr<EncodedFanout> fanout = std::make_shared<EncodedFanout>("flap");
    std::shared_ptr<EncodedFanout> analysed(const std::string& id) const override { return id == "flap" ? fanout : nullptr; }
    std::shared_ptr<EncodedFanout> viewed(const std::string& id) const override { return analysed(id); }
    std::shared_ptr<EncodedFanout> acquire(const std::string& id) override { return analysed(id); }
    void release(const std::string&) override {}
  };

  // A viewer nobody here wrote, for as long as it lives.
  static std::unique_ptr<testing::ChildProcess> viewer(int port) {
    return std::make_unique<testing::ChildProcess>(std::vector<std::string>{
        "/usr/bin/gst-launch-1.0", "rtspsrc", "location=rtsp://127.0.0.1:" + std::to_string(port) + "/flap",
        "protocols=tcp", "!", "fakesink"});
  }

  static config::RestreamConfig restreamConfig() {
    config::RestreamConfig c;
    c.port = 0;
    return c;
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

  expectNothingLeftBehind(activity, threads_before, fds_before);
}

// The same with the camera re-served and a viewer watching throughout: the
// fan-out, its feed, the shared media and the server's threads come and go
// with the cycles and leave nothing either.
TEST_F(Flapping, ManyReconnectsWithAViewerAttachedLeaveNothingBehind) {
  const int cycles = std::getenv("VILLAGECAM_FLAP_CYCLES") ? std::atoi(std::getenv("VILLAGECAM_FLAP_CYCLES")) : 20;
  TestCameras cams({CameraSpec{.name = "flap", .width = 320, .height = 180}});
  OneCamera sources;
  auto run_viewer = [&](relay::RestreamServer& server, int port) {
    auto v = viewer(port);
    // Watching: the server has booked it.
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto stats = server.stats();
      if (!stats.cameras.empty() && stats.cameras[0].viewers == 1) break;
      std::this_thread::sleep_for(100ms);  // polling the server's own count, with a deadline
    }
    return v;
  };
  // The camera streaming, re-served, with a viewer watching; `flap` is run
  // in between, then everything is stopped.
  auto watched = [&](const std::function<void(Watch&, relay::RestreamServer&)>& flap) {
    Watch watch;
    auto worker = makeWorker(cams.url("flap"), watch, sources.fanout);
    ASSERT_TRUE(watch.waitFor(health::CameraState::Online, 20s));
    relay::RestreamServer server(restreamConfig(), sources);
    const int port = server.start({"flap"});
    auto v = run_viewer(server, port);
    ASSERT_EQ(server.stats().cameras[0].viewers, 1);
    flap(watch, server);
    EXPECT_TRUE(v->running());
    server.stop();
    worker->stop();
  };
  watched([](Watch&, relay::RestreamServer&) {});  // warm-up: plugins, types, the server's pools, once per process
  const size_t threads_before = countEntries("/proc/self/task");
  const size_t fds_before = countEntries("/proc/self/fd");
  GstObjectActivity activity;
  watched([&](Watch& watch, relay::RestreamServer& server) {
    for (int i = 0; i < cycles; ++i) {
      cams.stop("flap");
      ASSERT_TRUE(watch.waitFor(health::CameraState::Offline, 20s)) << "cycle " << i;
      cams.start("flap");
      ASSERT_TRUE(watch.waitFor(health::CameraState::Online, 20s)) << "cycle " << i;
    }
    EXPECT_EQ(server.stats().cameras[0].viewers, 1) << "the viewer stayed through the camera's reconnects";
  });
  expectNothingLeftBehind(activity, threads_before, fds_before);
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
