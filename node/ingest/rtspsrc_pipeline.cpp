// The camera read by GStreamer's rtspsrc: the whole template, [source] to
// [output], in one pipeline; StreamTaps on the parser's and the sink's pads.
#include <algorithm>
#include <stdexcept>

#include "ingest/error_classifier.hpp"
#include "ingest/gst_ptr.hpp"
#include "ingest/pipeline_backend.hpp"
#include "ingest/stream_taps.hpp"

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

class RtspsrcPipeline final : public PipelineBackend {
 public:
  RtspsrcPipeline(const RenderedPipeline& rendered, const config::RtspUrl& url,
       const std::optional<config::Credentials>& credentials, std::shared_ptr<Mailbox> mailbox,
       std::shared_ptr<StreamCounters> counters, FrameOutput output);
  ~RtspsrcPipeline() override;
  RtspsrcPipeline(const RtspsrcPipeline&) = delete;
  RtspsrcPipeline& operator=(const RtspsrcPipeline&) = delete;

  void play() override;
  StreamInfo info() const override;
  void askForPicture() override { taps_.askForPicture(); }

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
  StreamTaps taps_;
  gst::ElementPtr pipeline_;
  gst::BusPtr bus_;
  GstElement* source_ = nullptr;  // borrowed: owned by pipeline_

  mutable std::mutex info_mutex_;  // guards info_ and linked_
  StreamInfo info_;
  gst::PadPtr parse_src_;
  bool linked_ = false;
};

RtspsrcPipeline::RtspsrcPipeline(const RenderedPipeline& rendered, const config::RtspUrl& url,
                                 const std::optional<config::Credentials>& credentials,
                                 std::shared_ptr<Mailbox> mailbox, std::shared_ptr<StreamCounters> counters,
                                 FrameOutput output)
    : rendered_(rendered), mailbox_(mailbox), taps_(std::move(mailbox), std::move(counters), std::move(output)) {
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
  g_signal_connect(source_, "pad-added", G_CALLBACK(&RtspsrcPipeline::onPadAdded), this);

  bus_.reset(gst_element_get_bus(pipeline_.get()));
  gst_bus_set_sync_handler(bus_.get(), &RtspsrcPipeline::onBusMessage, this, nullptr);
}

RtspsrcPipeline::~RtspsrcPipeline() {
  // NULL joins every streaming thread; after it no callback can run.
  gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
  g_signal_handlers_disconnect_by_data(source_, this);
  gst_bus_set_sync_handler(bus_.get(), nullptr, nullptr, nullptr);
}

void RtspsrcPipeline::play() {
  if (gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    mailbox_->postFailure({health::FailureKind::Other, "pipeline refused to start"});
  }
}

StreamInfo RtspsrcPipeline::info() const {
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

void RtspsrcPipeline::onPadAdded(GstElement*, GstPad* pad, gpointer self) {
  static_cast<RtspsrcPipeline*>(self)->linkVideoPad(pad);
}

void RtspsrcPipeline::linkVideoPad(GstPad* pad) {
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
  taps_.setDecodes(sink != nullptr);  // a template may end in a nameless sink after the parser
  gst::ElementPtr parse(gst_bin_get_by_name(GST_BIN(borrowed), "parse"));
  if (parse) {
    parse_src_.reset(gst_element_get_static_pad(parse.get(), "src"));
    gst_pad_add_probe(parse_src_.get(), GST_PAD_PROBE_TYPE_BUFFER, &RtspsrcPipeline::onEncodedBuffer, this, nullptr);
    {
      gst_pad_add_probe(parse_src_.get(), GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, &RtspsrcPipeline::onEncodedCaps,
                        this, nullptr);
    }
  }
  if (sink) {
    // Frames are taken on the sink's input pad and go no further: the sink
    // never holds (or queues) a decoder picture.
    gst::PadPtr sink_input(gst_element_get_static_pad(sink.get(), "sink"));
    if (sink_input) {
      gst_pad_add_probe(sink_input.get(), GST_PAD_PROBE_TYPE_BUFFER, &RtspsrcPipeline::onDecodedBuffer, this, nullptr);
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

GstPadProbeReturn RtspsrcPipeline::onEncodedBuffer(GstPad*, GstPadProbeInfo* info, gpointer self) {
  auto* pipeline = static_cast<RtspsrcPipeline*>(self);
  return pipeline->taps_.encoded(GST_PAD_PROBE_INFO_BUFFER(info)) ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
}

// The parser's output format, for the relay: its caps as a string.
GstPadProbeReturn RtspsrcPipeline::onEncodedCaps(GstPad*, GstPadProbeInfo* info, gpointer self) {
  GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
  if (GST_EVENT_TYPE(event) != GST_EVENT_CAPS) return GST_PAD_PROBE_OK;
  GstCaps* caps = nullptr;
  gst_event_parse_caps(event, &caps);  // borrowed
  static_cast<RtspsrcPipeline*>(self)->taps_.encodedCaps(caps);
  return GST_PAD_PROBE_OK;
}

GstPadProbeReturn RtspsrcPipeline::onDecodedBuffer(GstPad* pad, GstPadProbeInfo* info, gpointer self) {
  const gst::CapsPtr caps(gst_pad_get_current_caps(pad));
  static_cast<RtspsrcPipeline*>(self)->taps_.decoded(GST_PAD_PROBE_INFO_BUFFER(info), caps.get());
  return GST_PAD_PROBE_DROP;  // the sink never holds a decoder picture
}

GstBusSyncReply RtspsrcPipeline::onBusMessage(GstBus*, GstMessage* message, gpointer self) {
  static_cast<RtspsrcPipeline*>(self)->handleBusMessage(message);
  // Nothing piles up on the bus: we take what we need here and drop the
  // message, which (GstBusSyncHandler's contract) means we unref it.
  gst_message_unref(message);
  return GST_BUS_DROP;
}

void RtspsrcPipeline::handleBusMessage(GstMessage* message) {
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

std::unique_ptr<PipelineBackend> makeRtspsrcPipeline(const RenderedPipeline& rendered, const config::RtspUrl& url,
                                                     const std::optional<config::Credentials>& credentials,
                                                     std::shared_ptr<Mailbox> mailbox,
                                                     std::shared_ptr<StreamCounters> counters, FrameOutput output) {
  return std::make_unique<RtspsrcPipeline>(rendered, url, credentials, std::move(mailbox), std::move(counters),
                                           std::move(output));
}

}  // namespace villagecam::ingest
