#include "relay/county_pusher.hpp"

#include <gst/gst.h>

#include <atomic>
#include <optional>
#include <thread>

#include "ingest/gst_ptr.hpp"
#include "relay/appsrc_feed.hpp"
#include "util/log_text.hpp"
#include "util/logging.hpp"

namespace villagecam::relay {
namespace {

constexpr std::size_t kQueueBytes = 2u << 20;  // ~4 s of a 4 Mbit/s stream behind: the uplink is too slow

// How a push's pipeline ended: at the end of what it had to send (eos), or
// with an error or a warning of its sink (rtspclientsink reports a closed
// server as a mere warning), in words.
struct PipelineEnd {
  bool eos = false;
  std::string detail;
};

// The next end on the bus within 200 ms; nullopt if none came.
std::optional<PipelineEnd> nextEnd(GstBus* bus) {
  gst::MessagePtr m(gst_bus_timed_pop_filtered(
      bus, 200 * GST_MSECOND, static_cast<GstMessageType>(GST_MESSAGE_ERROR | GST_MESSAGE_WARNING | GST_MESSAGE_EOS)));
  if (!m) return std::nullopt;
  if (GST_MESSAGE_TYPE(m.get()) == GST_MESSAGE_EOS) return PipelineEnd{true, "end of stream"};
  GError* e = nullptr;
  if (GST_MESSAGE_TYPE(m.get()) == GST_MESSAGE_ERROR) gst_message_parse_error(m.get(), &e, nullptr);
  if (GST_MESSAGE_TYPE(m.get()) == GST_MESSAGE_WARNING) gst_message_parse_warning(m.get(), &e, nullptr);
  const gst::ErrorPtr owned(e);
  return PipelineEnd{false, owned && owned->message ? owned->message : "?"};
}

// The push goes over TCP (RTSP interleaved), where a packet may be as large
// as 64 KiB: a frame in one or a few packets rather than one per 1400 bytes
// cuts the per-packet work of payloading, rtpbin and the writes.
constexpr guint kInterleavedMtu = 60000;

// ...and a frame's small NAL units (the access unit delimiter, parameter
// sets) go in the packet of its picture (STAP-A), not in packets of their
// own: one packet, one write, per frame.
void onNewPayloader(GstElement*, GstElement* payloader, gpointer) {
  GObjectClass* type = G_OBJECT_GET_CLASS(payloader);
  if (g_object_class_find_property(type, "mtu")) g_object_set(payloader, "mtu", kInterleavedMtu, nullptr);
  if (g_object_class_find_property(type, "aggregate-mode")) gst_util_set_object_arg(G_OBJECT(payloader), "aggregate-mode", "zero-latency");
}

}  // namespace

struct CountyPusher::Push {
  std::uint64_t serial = 0;
  gst::ElementPtr pipeline;
  std::shared_ptr<AppsrcFeed> feed;
  ingest::EncodedFanout::Subscription subscription;
  std::atomic<bool> stopping{false};
  std::thread watcher;

  ~Push() {
    stopping = true;
    subscription.reset();
    if (feed) feed->end();
    if (watcher.joinable()) watcher.join();
    if (pipeline) gst_element_set_state(pipeline.get(), GST_STATE_NULL);
  }
};

CountyPusher::CountyPusher(config::CountyLinkConfig link, std::string node_id, Ended ended)
    : link_(std::move(link)), node_id_(std::move(node_id)), ended_(std::move(ended)) {}

CountyPusher::~CountyPusher() {
  stopAll();
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  retiring_cv_.notify_all();
  if (reaper_.joinable()) reaper_.join();  // every retired push torn down
}

void CountyPusher::retire(std::unique_ptr<Push> push) {
  if (!push) return;
  push->stopping = true;  // its watcher reports nothing more
  push->subscription.reset();  // no unit more to it, at once
  if (push->feed) push->feed->end();
  std::lock_guard lock(mutex_);
  retiring_.push_back(std::move(push));
  if (!reaper_.joinable()) {
    reaper_ = std::thread([this] {
      std::unique_lock lock(mutex_);
      while (true) {
        retiring_cv_.wait(lock, [this] { return closing_ || !retiring_.empty(); });
        if (retiring_.empty()) return;  // closing, and nothing left
        auto push = std::move(retiring_.front());
        retiring_.pop_front();
        lock.unlock();
        push.reset();  // joins its watcher, stops its pipeline
        lock.lock();
      }
    });
  }
  retiring_cv_.notify_all();
}

std::string CountyPusher::locationOf(const std::string& camera) const {
  return "rtsp://" + (link_.host.find(':') != std::string::npos ? "[" + link_.host + "]" : link_.host) + ":" +
         std::to_string(link_.port) + "/" + node_id_ + "/" + camera;
}

bool CountyPusher::start(const std::string& camera, const std::shared_ptr<ingest::EncodedFanout>& fanout,
                         std::string& why) {
  if (!fanout) {
    why = "the camera's stream is not open";
    return false;
  }
  const auto format = fanout->format();
  if (format && format->codec != "h264") {
    why = "only H.264 is pushed";
    return false;
  }
  gst::ensureInitialised();
  auto push = std::make_unique<Push>();
  GError* raw = nullptr;
  push->pipeline.reset(gst_parse_launch(
      "appsrc name=src is-live=true format=time do-timestamp=true min-latency=0 block=false ! "
      "rtspclientsink name=sink protocols=tcp latency=0",
      &raw));
  const gst::ErrorPtr error(raw);
  if (!push->pipeline || error) {
    why = std::string("cannot make the push pipeline: ") + (error && error->message ? error->message : "?");
    return false;
  }
  gst::ElementPtr sink(gst_bin_get_by_name(GST_BIN(push->pipeline.get()), "sink"));
  gst::ElementPtr src(gst_bin_get_by_name(GST_BIN(push->pipeline.get()), "src"));
  // Set as properties, never written into a launch line: the password
  // appears in no string that could be logged.
  g_object_set(sink.get(), "location", locationOf(camera).c_str(), "user-id", node_id_.c_str(), "user-pw",
               link_.password.value_or("").c_str(), nullptr);
  g_signal_connect(sink.get(), "new-payloader", G_CALLBACK(onNewPayloader), nullptr);
  g_object_set(src.get(), "max-bytes", static_cast<guint64>(2 * kQueueBytes), nullptr);
  push->feed = std::make_shared<AppsrcFeed>(src.get(), kQueueBytes, std::chrono::steady_clock::now());
  if (gst_element_set_state(push->pipeline.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    why = "the push pipeline would not start";
    gst_element_set_state(push->pipeline.get(), GST_STATE_NULL);
    return false;
  }
  // From the latest key frame: the county's player has a picture without
  // waiting for the camera's next one.
  push->subscription = ingest::EncodedFanout::subscribe(fanout, push->feed, /*from_key=*/true);
  // The bus, watched on the push's own thread: an error or a warning of the
  // sink (the county closed it, the link failed) ends the push.
  Push* raw_push = push.get();
  {
    std::lock_guard lock(mutex_);
    push->serial = ++serials_;
  }
  push->watcher = std::thread([this, raw_push, camera] {
    gst::BusPtr bus(gst_element_get_bus(raw_push->pipeline.get()));
    while (!raw_push->stopping) {
      const auto end = nextEnd(bus.get());
      if (!end || raw_push->stopping) continue;
      logger("relay")->warn("live push of {} ended: {}", camera, forLog(end->detail, 200));
      ended_(camera, raw_push->serial, end->eos ? "push_failed" : "link_lost", end->detail);
      return;
    }
  });
  logger("relay")->info("pushing {} to {}", camera, locationOf(camera));
  std::unique_ptr<Push> earlier;
  {
    std::lock_guard lock(mutex_);
    earlier = std::exchange(pushes_[camera], std::move(push));
  }
  retire(std::move(earlier));
  return true;
}

std::unique_ptr<CountyPusher::Push> CountyPusher::takeOut(std::map<std::string, std::unique_ptr<Push>>& from,
                                                          const std::string& key) {
  std::lock_guard lock(mutex_);
  const auto it = from.find(key);
  if (it == from.end()) return nullptr;
  auto push = std::move(it->second);
  from.erase(it);
  return push;
}

void CountyPusher::stop(const std::string& camera) {
  auto push = takeOut(pushes_, camera);
  if (!push) return;
  retire(std::move(push));
  logger("relay")->info("live push of {} stopped", camera);
}

bool CountyPusher::upload(const std::string& clip, const std::filesystem::path& mp4, Duration timeout, std::string& why) {
  {
    std::lock_guard lock(mutex_);
    if (uploads_.count(clip)) return true;  // already on its way
    if (static_cast<int>(uploads_.size()) >= kUploadsAtOnce) {
      why = "busy";
      return false;
    }
  }
  gst::ensureInitialised();
  auto push = std::make_unique<Push>();
  GError* raw = nullptr;
  push->pipeline.reset(gst_parse_launch(
      "filesrc name=src ! qtdemux ! h264parse config-interval=-1 ! rtspclientsink name=sink protocols=tcp latency=0",
      &raw));
  const gst::ErrorPtr error(raw);
  if (!push->pipeline || error) {
    why = std::string("cannot make the upload pipeline: ") + (error && error->message ? error->message : "?");
    return false;
  }
  gst::ElementPtr sink(gst_bin_get_by_name(GST_BIN(push->pipeline.get()), "sink"));
  gst::ElementPtr src(gst_bin_get_by_name(GST_BIN(push->pipeline.get()), "src"));
  const std::string location = "rtsp://" + (link_.host.find(':') != std::string::npos ? "[" + link_.host + "]" : link_.host) +
                               ":" + std::to_string(link_.port) + "/" + node_id_ + "/clips/" + clip;
  g_object_set(src.get(), "location", mp4.c_str(), nullptr);
  g_object_set(sink.get(), "location", location.c_str(), "user-id", node_id_.c_str(), "user-pw",
               link_.password.value_or("").c_str(), nullptr);
  if (gst_element_set_state(push->pipeline.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    why = "the upload pipeline would not start";
    gst_element_set_state(push->pipeline.get(), GST_STATE_NULL);
    return false;
  }
  Push* raw_push = push.get();
  const auto deadline =
      std::chrono::steady_clock::now() + std::min(std::chrono::duration_cast<Duration>(kUploadTimeout), timeout);
  push->watcher = std::thread([this, raw_push, clip, deadline] {
    gst::BusPtr bus(gst_element_get_bus(raw_push->pipeline.get()));
    while (!raw_push->stopping) {
      const auto end = nextEnd(bus.get());
      if (!end && std::chrono::steady_clock::now() > deadline) {  // a link that takes it and never finishes
        if (uploaded_) uploaded_(clip, false, "the upload did not finish in time");
        return;
      }
      if (!end || raw_push->stopping) continue;
      // All sent: the teardown tells the county the clip is whole (it closes the file).
      if (end->eos) gst_element_set_state(raw_push->pipeline.get(), GST_STATE_NULL);
      if (uploaded_) uploaded_(clip, end->eos, end->eos ? "sent" : end->detail);
      return;
    }
  });
  logger("relay")->info("uploading clip {} to {}", clip, location);
  std::lock_guard lock(mutex_);
  uploads_[clip] = std::move(push);
  return true;
}

void CountyPusher::finishUpload(const std::string& clip) { retire(takeOut(uploads_, clip)); }

int CountyPusher::uploads() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(uploads_.size());
}

void CountyPusher::stopAll() {
  std::map<std::string, std::unique_ptr<Push>> all;
  {
    std::lock_guard lock(mutex_);
    all.swap(pushes_);
    for (auto& [clip, upload] : uploads_) all.emplace("clip " + clip, std::move(upload));
    uploads_.clear();
  }
  for (auto& [camera, push] : all) retire(std::move(push));
}

std::uint64_t CountyPusher::current(const std::string& camera) const {
  std::lock_guard lock(mutex_);
  const auto it = pushes_.find(camera);
  return it == pushes_.end() ? 0 : it->second->serial;
}

bool CountyPusher::pushing(const std::string& camera) const {
  std::lock_guard lock(mutex_);
  return pushes_.count(camera) > 0;
}

}  // namespace villagecam::relay
