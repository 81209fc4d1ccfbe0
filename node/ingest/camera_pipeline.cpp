#include "ingest/camera_pipeline.hpp"

#include <algorithm>
#include <stdexcept>

#include "ingest/error_classifier.hpp"
#include "ingest/frame_scaler.hpp"
#include "ingest/gst_ptr.hpp"
#include "ingest/rate_ceiling.hpp"
#include "ingest/key_frame_sampler.hpp"
#include "ingest/reference_gate.hpp"

namespace villagecam::ingest {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

gst::ElementPtr parseLaunch(const std::string& description, bool as_bin) {
  GError* raw_error = nullptr;
  GstElement* element = as_bin ? gst_parse_bin_from_description(description.c_str(), TRUE, &raw_error)
                               : gst_parse_launch(description.c_str(), &raw_error);
  gst::ErrorPtr error(raw_error);
  if (!element) {
    throw std::runtime_error("pipeline template does not build: " +
                             std::string(error ? error->message : "unknown error") + " in '" + description + "'");
  }
  // A missing element may still yield a partial element with an error set.
  if (error) {
    gst::ElementPtr partial = gst::adoptFloating(element);
    throw std::runtime_error("pipeline template does not build: " + std::string(error->message) + " in '" +
                             description + "'");
  }
  return gst::adoptFloating(element);
}

}  // namespace

class CameraPipeline::Impl {
 public:
  Impl(const RenderedPipeline& rendered, const config::RtspUrl& url,
       const std::optional<config::Credentials>& credentials, std::shared_ptr<Mailbox> mailbox,
       std::shared_ptr<StreamCounters> counters, FrameOutput output);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void play();
  StreamInfo info() const;
  void askForPicture() {
    if (sampler_) sampler_->askNow();
  }

 private:
  static void onPadAdded(GstElement* src, GstPad* pad, gpointer self);
  static GstPadProbeReturn onEncodedBuffer(GstPad* pad, GstPadProbeInfo* info, gpointer self);
  static GstPadProbeReturn onEncodedCaps(GstPad* pad, GstPadProbeInfo* info, gpointer self);
  static GstPadProbeReturn onDecodedBuffer(GstPad* pad, GstPadProbeInfo* info, gpointer self);
  static GstBusSyncReply onBusMessage(GstBus* bus, GstMessage* message, gpointer self);

  void linkVideoPad(GstPad* pad);
  void handleBusMessage(GstMessage* message);

  const RenderedPipeline rendered_;
  std::shared_ptr<Mailbox> mailbox_;
  std::shared_ptr<StreamCounters> counters_;
  FrameScaler scaler_;         // used on the sink's streaming thread only
  RateCeiling rate_ceiling_;   // likewise
  ReferenceGate reference_gate_;  // used on the parser's streaming thread only
  std::unique_ptr<KeyFrameSampler> sampler_;  // analysis mode health: admit on the parser's thread
  std::shared_ptr<EncodedFanout> relay_;      // may be null
  bool decodes_ = false;          // the chain has a decoder; set before linking
  gst::ElementPtr pipeline_;
  gst::BusPtr bus_;
  GstElement* source_ = nullptr;  // borrowed: owned by pipeline_

  mutable std::mutex info_mutex_;  // guards info_ and linked_
  StreamInfo info_;
  gst::PadPtr parse_src_;
  bool linked_ = false;
  std::atomic<bool> first_frame_posted_{false};
};

CameraPipeline::CameraPipeline(const RenderedPipeline& rendered, const config::RtspUrl& url,
                               const std::optional<config::Credentials>& credentials,
                               std::shared_ptr<Mailbox> mailbox, std::shared_ptr<StreamCounters> counters,
                               FrameOutput output)
    : impl_(std::make_unique<Impl>(rendered, url, credentials, std::move(mailbox), std::move(counters), output)) {}

CameraPipeline::~CameraPipeline() = default;

void CameraPipeline::play() { impl_->play(); }

StreamInfo CameraPipeline::info() const { return impl_->info(); }

void CameraPipeline::askForPicture() { impl_->askForPicture(); }

CameraPipeline::Impl::Impl(const RenderedPipeline& rendered, const config::RtspUrl& url,
                               const std::optional<config::Credentials>& credentials,
                               std::shared_ptr<Mailbox> mailbox, std::shared_ptr<StreamCounters> counters,
                               FrameOutput output)
    : rendered_(rendered),
      mailbox_(std::move(mailbox)),
      counters_(std::move(counters)),
      scaler_(output.size),
      rate_ceiling_(output.max_fps),
      sampler_(output.sample_every > Duration::zero() ? std::make_unique<KeyFrameSampler>(output.sample_every)
                                                      : nullptr),
      relay_(std::move(output.relay)) {
  gst::ensureInitialised();
  pipeline_ = gst::adoptFloating(gst_pipeline_new(nullptr));
  gst::ElementPtr source = parseLaunch(rendered_.source, /*as_bin=*/false);
  source_ = source.get();
  // The address and the secrets go in as properties, never through a string
  // that GStreamer might log or put into an error.
  g_object_set(source_, "location", url.withoutCredentials().c_str(), nullptr);
  if (credentials) {
    g_object_set(source_, "user-id", credentials->username.c_str(), "user-pw", credentials->password.c_str(),
                 nullptr);
  }
  gst_bin_add(GST_BIN(pipeline_.get()), source.get());  // the bin takes a reference of its own
  g_signal_connect(source_, "pad-added", G_CALLBACK(&CameraPipeline::Impl::onPadAdded), this);

  bus_.reset(gst_element_get_bus(pipeline_.get()));
  gst_bus_set_sync_handler(bus_.get(), &CameraPipeline::Impl::onBusMessage, this, nullptr);
}

CameraPipeline::Impl::~Impl() {
  // NULL joins every streaming thread; after it no callback can run.
  gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
  g_signal_handlers_disconnect_by_data(source_, this);
  gst_bus_set_sync_handler(bus_.get(), nullptr, nullptr, nullptr);
}

void CameraPipeline::Impl::play() {
  if (gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    mailbox_->postFailure({health::FailureKind::Other, "pipeline refused to start"});
  }
}

StreamInfo CameraPipeline::Impl::info() const {
  std::lock_guard lock(info_mutex_);
  StreamInfo out = info_;
  if (parse_src_ && out.width == 0) {
    gst::CapsPtr caps(gst_pad_get_current_caps(parse_src_.get()));
    if (caps && gst_caps_get_size(caps.get()) > 0) {
      const GstStructure* s = gst_caps_get_structure(caps.get(), 0);
      gst_structure_get_int(s, "width", &out.width);
      gst_structure_get_int(s, "height", &out.height);
    }
  }
  return out;
}

void CameraPipeline::Impl::onPadAdded(GstElement*, GstPad* pad, gpointer self) {
  static_cast<CameraPipeline::Impl*>(self)->linkVideoPad(pad);
}

void CameraPipeline::Impl::linkVideoPad(GstPad* pad) {
  gst::CapsPtr caps(gst_pad_get_current_caps(pad));
  if (!caps) caps.reset(gst_pad_query_caps(pad, nullptr));
  if (!caps || gst_caps_get_size(caps.get()) == 0) return;
  const GstStructure* s = gst_caps_get_structure(caps.get(), 0);
  const char* media = gst_structure_get_string(s, "media");
  const char* encoding = gst_structure_get_string(s, "encoding-name");
  if (!media || std::string(media) != "video") return;  // audio and metadata are not ours
  const std::string codec = lower(encoding ? encoding : "unknown");

  std::lock_guard lock(info_mutex_);
  if (linked_) return;  // the first video stream is the one we watch
  const auto chain = rendered_.chainFor(codec);
  if (!chain) {
    mailbox_->postFailure({health::FailureKind::UnsupportedCodec, "unsupported codec '" + codec + "'"});
    return;
  }
  gst::ElementPtr bin;
  try {
    bin = parseLaunch(*chain, /*as_bin=*/true);
  } catch (const std::exception& e) {
    mailbox_->postFailure({health::FailureKind::Other, e.what()});
    return;
  }
  GstElement* borrowed = bin.get();  // stays alive as a child of the pipeline
  gst_bin_add(GST_BIN(pipeline_.get()), bin.get());

  gst::ElementPtr sink(gst_bin_get_by_name(GST_BIN(borrowed), "sink"));
  decodes_ = sink != nullptr;  // a template may end in a nameless sink after the parser
  gst::ElementPtr parse(gst_bin_get_by_name(GST_BIN(borrowed), "parse"));
  if (parse) {
    parse_src_.reset(gst_element_get_static_pad(parse.get(), "src"));
    gst_pad_add_probe(parse_src_.get(), GST_PAD_PROBE_TYPE_BUFFER, &CameraPipeline::Impl::onEncodedBuffer, this, nullptr);
    if (relay_) {
      gst_pad_add_probe(parse_src_.get(), GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, &CameraPipeline::Impl::onEncodedCaps,
                        this, nullptr);
    }
  }
  if (sink) {
    // Frames are taken on the sink's input pad and go no further: the sink
    // never holds (or queues) a decoder picture.
    gst::PadPtr sink_input(gst_element_get_static_pad(sink.get(), "sink"));
    if (sink_input) {
      gst_pad_add_probe(sink_input.get(), GST_PAD_PROBE_TYPE_BUFFER, &CameraPipeline::Impl::onDecodedBuffer, this, nullptr);
    }
  }
  gst::PadPtr sink_pad(gst_element_get_static_pad(borrowed, "sink"));
  if (!sink_pad || gst_pad_link(pad, sink_pad.get()) != GST_PAD_LINK_OK) {
    mailbox_->postFailure({health::FailureKind::Other, "cannot link the " + codec + " stream to its decoder"});
    return;
  }
  gst_element_sync_state_with_parent(borrowed);
  info_.codec = codec;
  linked_ = true;
}

GstPadProbeReturn CameraPipeline::Impl::onEncodedBuffer(GstPad*, GstPadProbeInfo* info, gpointer self) {
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  auto* pipeline = static_cast<CameraPipeline::Impl*>(self);
  auto& c = *pipeline->counters_;
  const auto size = gst_buffer_get_size(buffer);
  const bool key = !GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
  c.frames.fetch_add(1, std::memory_order_relaxed);
  c.bytes.fetch_add(size, std::memory_order_relaxed);
  if (key) {
    c.key_frames.fetch_add(1, std::memory_order_relaxed);
    c.key_bytes.fetch_add(size, std::memory_order_relaxed);
    c.last_gop_frames.store(c.frames_since_key.exchange(1, std::memory_order_relaxed), std::memory_order_relaxed);
  } else {
    c.delta_bytes.fetch_add(size, std::memory_order_relaxed);
    c.frames_since_key.fetch_add(1, std::memory_order_relaxed);
  }
  if (pipeline->relay_) {
    pipeline->relay_->push(EncodedUnit(buffer, std::chrono::system_clock::now(), std::chrono::steady_clock::now()));
  }
  if (!pipeline->first_frame_posted_.exchange(true, std::memory_order_relaxed)) {
    pipeline->mailbox_->postFirstEncodedFrame();
  }
  const bool complete = pipeline->reference_gate_.admit(key, GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT));
  if (!complete && pipeline->decodes_) {
    c.without_reference.fetch_add(1, std::memory_order_relaxed);
    return GST_PAD_PROBE_DROP;  // the decoder would smear it: no analyser, detector or baseline sees it
  }
  if (pipeline->sampler_ && !pipeline->sampler_->admit(key, std::chrono::steady_clock::now())) {
    return GST_PAD_PROBE_DROP;  // health mode: no sample due
  }
  return GST_PAD_PROBE_OK;
}

// The parser's output format, for the relay: its caps as a string.
GstPadProbeReturn CameraPipeline::Impl::onEncodedCaps(GstPad*, GstPadProbeInfo* info, gpointer self) {
  GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
  if (GST_EVENT_TYPE(event) != GST_EVENT_CAPS) return GST_PAD_PROBE_OK;
  GstCaps* caps = nullptr;
  gst_event_parse_caps(event, &caps);  // borrowed
  if (!caps || gst_caps_get_size(caps) == 0) return GST_PAD_PROBE_OK;
  auto* pipeline = static_cast<CameraPipeline::Impl*>(self);
  const std::string name = gst_structure_get_name(gst_caps_get_structure(caps, 0));
  const std::string codec = name == "video/x-h264" ? "h264" : name == "video/x-h265" ? "h265" : lower(name);
  gst::CharPtr text(gst_caps_to_string(caps));
  pipeline->relay_->setFormat({codec, text.get()});
  return GST_PAD_PROBE_OK;
}

// A decoded frame: dropped if it comes sooner than the analysis rate allows,
// else scaled here, on the streaming thread (0.1 ms a 720p frame), into the
// mailbox's free slot. Either way the decoder's picture is released when this
// returns: nothing downstream holds a full-size picture, and the decoder's
// pool stays at what decoding needs.
GstPadProbeReturn CameraPipeline::Impl::onDecodedBuffer(GstPad* pad, GstPadProbeInfo* info, gpointer self) {
  auto* pipeline = static_cast<CameraPipeline::Impl*>(self);
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  if (pipeline->sampler_) pipeline->sampler_->decoded();
  if (GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_CORRUPTED)) {
    pipeline->counters_->corrupt.fetch_add(1, std::memory_order_relaxed);
    return GST_PAD_PROBE_DROP;
  }
  const GstClockTime pts = GST_BUFFER_PTS(buffer);
  if (!pipeline->rate_ceiling_.take(GST_CLOCK_TIME_IS_VALID(pts) ? std::optional<std::uint64_t>(pts) : std::nullopt)) {
    return GST_PAD_PROBE_DROP;
  }
  const gst::CapsPtr caps(gst_pad_get_current_caps(pad));
  const FrameView view(buffer, caps.get());
  if (!view.ok()) {
    pipeline->mailbox_->postFailure({health::FailureKind::Other, "the pipeline's sink takes a format the node cannot read "
                                                         "(BGR, GRAY8 or I420)"});
    return GST_PAD_PROBE_DROP;  // the worker stops the stream on the failure
  }
  pipeline->scaler_.scale(view, pipeline->mailbox_->frameToFill());
  pipeline->mailbox_->postFrame();
  return GST_PAD_PROBE_DROP;
}

GstBusSyncReply CameraPipeline::Impl::onBusMessage(GstBus*, GstMessage* message, gpointer self) {
  static_cast<CameraPipeline::Impl*>(self)->handleBusMessage(message);
  // Nothing piles up on the bus: we take what we need here and drop the
  // message, which (GstBusSyncHandler's contract) means we unref it.
  gst_message_unref(message);
  return GST_BUS_DROP;
}

void CameraPipeline::Impl::handleBusMessage(GstMessage* message) {
  switch (GST_MESSAGE_TYPE(message)) {
    case GST_MESSAGE_ERROR: {
      GError* raw = nullptr;
      gchar* raw_debug = nullptr;
      gst_message_parse_error(message, &raw, &raw_debug);
      gst::ErrorPtr error(raw);
      gst::CharPtr debug(raw_debug);
      mailbox_->postFailure(classifyError(error.get(), debug ? debug.get() : ""));
      break;
    }
    case GST_MESSAGE_EOS:
      mailbox_->postFailure({health::FailureKind::StreamEnded, "camera ended the stream"});
      break;
    default:
      break;
  }
}

}  // namespace villagecam::ingest
