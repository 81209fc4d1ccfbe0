// Which encoded access units the decoder may see. A delta unit is decodable
// only if every unit since the last key frame reached the decoder; a stream
// joined mid-GOP, or one that lost packets (the depayloader marks the next
// unit as a discontinuity), decodes to smeared pictures until the next key
// frame, and GStreamer's software decoders hand such pictures on unflagged.
// So the gate drops delta units from a discontinuity to the next key frame,
// before the decoder. A key frame that itself comes after a discontinuity
// (other than the stream's very first unit) may be missing slices of its
// own: the largest units lose packets most often, and a key frame decoded
// with a hole smears every frame of its GOP, so it is dropped too and the
// gate waits for the next whole one. Pure: the pipeline's pad probe feeds it
// the flags.
#pragma once

namespace villagecam::ingest {

class ReferenceGate {
 public:
  // One access unit, in stream order. True: pass it to the decoder.
  bool admit(bool key_frame, bool discontinuity) {
    const bool first = !started_;
    started_ = true;
    if (discontinuity && !first) {
      complete_ = false;
      return false;  // a delta unit misses a reference; a key frame may miss part of itself
    }
    if (key_frame) complete_ = true;  // a key frame needs nothing before it
    return complete_;
  }
  // True until the first key frame, and from a discontinuity to the next one.
  bool waiting() const { return !complete_; }

 private:
  bool complete_ = false;  // every reference since the last key frame was passed
  bool started_ = false;   // a unit was seen: a discontinuity from now on is a loss
};

}  // namespace villagecam::ingest
