#include "ingest/decode_branch.hpp"

#include <stdexcept>

#include "ingest/error_classifier.hpp"

namespace villagecam::ingest {

DecodeBranch::DecodeBranch(const std::string& chain, const std::string& caps, StreamTaps& taps) : taps_(taps) {
  gst::ensureInitialised();
  caps_.reset(gst_caps_from_string(caps.c_str()));
  if (!caps_) throw std::runtime_error("invalid caps for the decoder: " + caps);
  GError* raw_error = nullptr;
  GstElement* bin = gst_parse_bin_from_description(chain.c_str(), TRUE, &raw_error);
  gst::ErrorPtr error(raw_error);
  gst::ElementPtr owned_bin = gst::adoptFloating(bin);
  if (!bin || error) {
    throw std::runtime_error("pipeline template does not build: " +
                             std::string(error ? error->message : "unknown error") + " in '" + chain + "'");
  }
  pipeline_ = gst::adoptFloating(gst_pipeline_new(nullptr));
  gst_bin_add(GST_BIN(pipeline_.get()), bin);  // the pipeline takes a reference of its own

  gst::ElementPtr parse(gst_bin_get_by_name(GST_BIN(bin), "parse"));
  if (parse) parse_src_.reset(gst_element_get_static_pad(parse.get(), "src"));
  gst::ElementPtr sink(gst_bin_get_by_name(GST_BIN(bin), "sink"));
  if (!sink) throw std::runtime_error("the decoding chain has no element named sink: '" + chain + "'");
  gst::PadPtr sink_input(gst_element_get_static_pad(sink.get(), "sink"));
  gst_pad_add_probe(sink_input.get(), GST_PAD_PROBE_TYPE_BUFFER, &DecodeBranch::onDecoded, this, nullptr);

  feed_ = gst::adoptFloatingPad(gst_pad_new("feed", GST_PAD_SRC));
  gst_pad_set_query_function(feed_.get(), &DecodeBranch::onQuery);
  gst::PadPtr bin_input(gst_element_get_static_pad(bin, "sink"));
  if (!bin_input || gst_pad_link(feed_.get(), bin_input.get()) != GST_PAD_LINK_OK) {
    throw std::runtime_error("cannot link the stream to its decoder: '" + chain + "'");
  }
  gst_pad_set_active(feed_.get(), TRUE);

  bus_.reset(gst_element_get_bus(pipeline_.get()));
  gst_bus_set_sync_handler(bus_.get(), &DecodeBranch::onBusMessage, this, nullptr);
  if (gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
    gst_bus_set_sync_handler(bus_.get(), nullptr, nullptr, nullptr);
    throw std::runtime_error("the decoder refused to start: '" + chain + "'");
  }
}

DecodeBranch::~DecodeBranch() {
  gst_pad_set_active(feed_.get(), FALSE);
  gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
  gst_bus_set_sync_handler(bus_.get(), nullptr, nullptr, nullptr);
  gst_pad_unlink(feed_.get(), gst::PadPtr(gst_pad_get_peer(feed_.get())).get());
}

bool DecodeBranch::push(GstBuffer* buffer) {
  if (failed_ || (resting_ && !wake())) {
    gst_buffer_unref(buffer);
    return false;
  }
  if (!started_) {
    started_ = true;
    gst_pad_push_event(feed_.get(), gst_event_new_stream_start("villagecam-camera"));
    gst_pad_push_event(feed_.get(), gst_event_new_caps(caps_.get()));
    GstSegment segment;
    gst_segment_init(&segment, GST_FORMAT_TIME);
    gst_pad_push_event(feed_.get(), gst_event_new_segment(&segment));
  }
  const GstFlowReturn flow = gst_pad_push(feed_.get(), buffer);
  if (flow == GST_FLOW_OK) return true;
  failed_ = true;
  if (flow != GST_FLOW_FLUSHING) {  // the element that failed may post more on the bus
    taps_.mailbox().postFailure({health::FailureKind::Other,
                                 std::string("the decoder failed (") + gst_flow_get_name(flow) + ")"});
  }
  return false;
}

void DecodeBranch::rest() {
  if (failed_ || resting_) return;
  if (started_) gst_pad_push_event(feed_.get(), gst_event_new_eos());  // drains the decoder
  gst_pad_set_active(feed_.get(), FALSE);  // and forgets the EOS and the caps
  gst_element_set_state(pipeline_.get(), GST_STATE_READY);
  started_ = false;
  resting_ = true;
}

bool DecodeBranch::wake() {
  resting_ = false;
  gst_pad_set_active(feed_.get(), TRUE);
  if (gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE) return true;
  failed_ = true;
  taps_.mailbox().postFailure({health::FailureKind::Other, "the decoder refused to start again"});
  return false;
}

std::pair<int, int> DecodeBranch::size() const {
  std::pair<int, int> out{0, 0};
  if (!parse_src_) return out;
  gst::CapsPtr caps(gst_pad_get_current_caps(parse_src_.get()));
  if (caps && gst_caps_get_size(caps.get()) > 0) {
    const GstStructure* s = gst_caps_get_structure(caps.get(), 0);
    gst_structure_get_int(s, "width", &out.first);
    gst_structure_get_int(s, "height", &out.second);
  }
  return out;
}

GstPadProbeReturn DecodeBranch::onDecoded(GstPad* pad, GstPadProbeInfo* info, gpointer self) {
  const gst::CapsPtr caps(gst_pad_get_current_caps(pad));
  static_cast<DecodeBranch*>(self)->taps_.decoded(GST_PAD_PROBE_INFO_BUFFER(info), caps.get());
  return GST_PAD_PROBE_DROP;  // the sink never holds a decoder picture
}

// The branch is fed live, as rtspsrc's would be: the decoder then threads by
// slices, not by frames, and holds no frames back.
gboolean DecodeBranch::onQuery(GstPad* pad, GstObject* parent, GstQuery* query) {
  if (GST_QUERY_TYPE(query) == GST_QUERY_LATENCY) {
    gst_query_set_latency(query, TRUE, 0, GST_CLOCK_TIME_NONE);
    return TRUE;
  }
  return gst_pad_query_default(pad, parent, query);
}

GstBusSyncReply DecodeBranch::onBusMessage(GstBus*, GstMessage* message, gpointer self) {
  auto* branch = static_cast<DecodeBranch*>(self);
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
    GError* raw = nullptr;
    gchar* raw_debug = nullptr;
    gst_message_parse_error(message, &raw, &raw_debug);
    gst::ErrorPtr error(raw);
    gst::CharPtr debug(raw_debug);
    branch->taps_.mailbox().postFailure(classifyError(error.get(), debug ? debug.get() : ""));
  }
  gst_message_unref(message);
  return GST_BUS_DROP;
}

}  // namespace villagecam::ingest
