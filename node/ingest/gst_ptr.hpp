// Owners for GStreamer and GLib handles. Every handle the node holds is in one
// of these; a raw pointer only borrows. See docs/architecture.md (ownership).
#pragma once

#include <gst/gst.h>

#include <memory>
#include <string>

namespace villagecam::gst {

struct ObjectUnref {
  void operator()(gpointer p) const { if (p) gst_object_unref(p); }
};
struct MiniObjectUnref {
  void operator()(GstMiniObject* p) const { if (p) gst_mini_object_unref(p); }
};
struct ErrorFree {
  void operator()(GError* e) const { if (e) g_error_free(e); }
};
struct GFree {
  void operator()(gpointer p) const { g_free(p); }
};

template <typename T>
using ObjectPtr = std::unique_ptr<T, ObjectUnref>;

using ElementPtr = ObjectPtr<GstElement>;
using BusPtr = ObjectPtr<GstBus>;
using PadPtr = ObjectPtr<GstPad>;

struct SampleUnref { void operator()(GstSample* s) const { if (s) gst_sample_unref(s); } };
struct MessageUnref { void operator()(GstMessage* m) const { if (m) gst_message_unref(m); } };
struct CapsUnref { void operator()(GstCaps* c) const { if (c) gst_caps_unref(c); } };
struct BufferUnref { void operator()(GstBuffer* b) const { if (b) gst_buffer_unref(b); } };

using SamplePtr = std::unique_ptr<GstSample, SampleUnref>;
using MessagePtr = std::unique_ptr<GstMessage, MessageUnref>;
using CapsPtr = std::unique_ptr<GstCaps, CapsUnref>;
using BufferPtr = std::unique_ptr<GstBuffer, BufferUnref>;
using ErrorPtr = std::unique_ptr<GError, ErrorFree>;
using CharPtr = std::unique_ptr<gchar, GFree>;

// Takes a floating reference into ownership (an element not yet in a bin).
// gst_bin_add() then takes a reference of its own: keep ours and let it go.
inline ElementPtr adoptFloating(GstElement* e) {
  if (e) gst_object_ref_sink(e);
  return ElementPtr(e);
}

// The same for a pad made with gst_pad_new().
inline PadPtr adoptFloatingPad(GstPad* p) {
  if (p) gst_object_ref_sink(p);
  return PadPtr(p);
}

// A new reference held by the caller.
template <typename T>
ObjectPtr<T> ref(T* p) {
  if (p) gst_object_ref(p);
  return ObjectPtr<T>(p);
}

// Calls gst_init once per process, in a thread-safe way.
void ensureInitialised();

// A buffer mapped for reading for the lifetime of this object.
class MappedBuffer {
 public:
  explicit MappedBuffer(GstBuffer* buffer) : buffer_(buffer) {
    mapped_ = buffer_ && gst_buffer_map(buffer_, &info_, GST_MAP_READ);
  }
  ~MappedBuffer() { if (mapped_) gst_buffer_unmap(buffer_, &info_); }
  MappedBuffer(const MappedBuffer&) = delete;
  MappedBuffer& operator=(const MappedBuffer&) = delete;

  bool ok() const { return mapped_; }
  const guint8* data() const { return info_.data; }
  gsize size() const { return info_.size; }

 private:
  GstBuffer* buffer_;
  GstMapInfo info_{};
  bool mapped_ = false;
};

}  // namespace villagecam::gst
