// One streaming attempt of one camera: a GStreamer pipeline built from the
// rendered template. Created to connect, destroyed to disconnect; its
// destructor stops every streaming thread before anything it shares goes.
// Threads: GStreamer calls the static callbacks on its streaming threads; they
// only count, post to the Mailbox and return.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "ingest/gst_ptr.hpp"
#include "ingest/mailbox.hpp"
#include "ingest/pipeline_template.hpp"
#include "ingest/stream_counters.hpp"

namespace villagecam::ingest {

struct StreamInfo {
  std::string codec;  // "h264", "h265", ...
  int width = 0;      // of the camera's stream, not the analysis size
  int height = 0;
};

class CameraPipeline {
 public:
  // Throws std::runtime_error if the template does not build.
  CameraPipeline(const RenderedPipeline& rendered, const config::RtspUrl& url,
                 const std::optional<config::Credentials>& credentials, std::shared_ptr<Mailbox> mailbox,
                 std::shared_ptr<StreamCounters> counters);
  ~CameraPipeline();
  CameraPipeline(const CameraPipeline&) = delete;
  CameraPipeline& operator=(const CameraPipeline&) = delete;

  void play();
  StreamInfo info() const;

 private:
  static void onPadAdded(GstElement* src, GstPad* pad, gpointer self);
  static GstFlowReturn onNewSample(GstElement* sink, gpointer self);
  static GstPadProbeReturn onEncodedBuffer(GstPad* pad, GstPadProbeInfo* info, gpointer self);
  static GstBusSyncReply onBusMessage(GstBus* bus, GstMessage* message, gpointer self);

  void linkVideoPad(GstPad* pad);
  void handleBusMessage(GstMessage* message);

  const RenderedPipeline rendered_;
  std::shared_ptr<Mailbox> mailbox_;
  std::shared_ptr<StreamCounters> counters_;
  gst::ElementPtr pipeline_;
  gst::BusPtr bus_;
  GstElement* source_ = nullptr;  // borrowed: owned by pipeline_

  mutable std::mutex info_mutex_;  // guards info_ and linked_
  StreamInfo info_;
  gst::PadPtr parse_src_;
  bool linked_ = false;
  std::atomic<bool> first_frame_posted_{false};
};

}  // namespace villagecam::ingest
