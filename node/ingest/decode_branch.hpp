// The decoding half of a camera pipeline when the node reads the camera
// itself (RtspDemuxer): the template's codec chain from its parser on
// ("h264parse name=parse ! avdec_h264 ! ... ! fakesink name=sink") in a
// pipeline of its own, fed access units by push() on the caller's thread
// through a pad the node owns (no appsrc, no queue, no streaming thread of
// its own). Decoded pictures go to StreamTaps::decoded() on the sink's pad.
#pragma once

#include <gst/gst.h>

#include <mutex>
#include <string>

#include "ingest/gst_ptr.hpp"
#include "ingest/stream_taps.hpp"

namespace villagecam::ingest {

class DecodeBranch {
 public:
  // `chain` from the parser to the sink named "sink"; `caps` of the units
  // pushed. Throws std::runtime_error if the chain does not build or link.
  DecodeBranch(const std::string& chain, const std::string& caps, StreamTaps& taps);
  ~DecodeBranch();
  DecodeBranch(const DecodeBranch&) = delete;
  DecodeBranch& operator=(const DecodeBranch&) = delete;

  // Takes the buffer. False: the branch failed (its error is posted to the
  // taps' mailbox); push nothing more.
  bool push(GstBuffer* buffer);
  // Puts out every picture the decoder still holds (one that reorders keeps
  // the last until the next unit comes), on this thread for a software
  // decoder, then lets the decoder go: its pictures, pool and tables (some
  // 10 MiB at 720p) are freed and the elements stay, READY. The next push
  // starts it again, from a key frame.
  void rest();
  // The stream's size as the parser read it; {0, 0} before the first key frame.
  std::pair<int, int> size() const;

 private:
  bool wake();  // from rest(): PLAYING again; false if it failed (posted)
  static GstPadProbeReturn onDecoded(GstPad* pad, GstPadProbeInfo* info, gpointer self);
  static gboolean onQuery(GstPad* pad, GstObject* parent, GstQuery* query);
  static GstBusSyncReply onBusMessage(GstBus* bus, GstMessage* message, gpointer self);

  StreamTaps& taps_;
  gst::CapsPtr caps_;
  gst::ElementPtr pipeline_;
  gst::BusPtr bus_;
  gst::PadPtr feed_;       // ours: the branch's upstream
  gst::PadPtr parse_src_;  // for size()
  bool started_ = false;   // stream-start, caps and segment sent
  bool resting_ = false;   // READY since rest()
  bool failed_ = false;
};

}  // namespace villagecam::ingest
