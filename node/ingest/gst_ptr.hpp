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

// GLib owners: a GObject that is no GstObject (gst-rtsp-server's server,
// mounts, factories, auth), a main context and loop of one's own, and a
// source attached to a context (destroyed, that is detached, then unreffed).
struct GObjectUnref {
  void operator()(gpointer p) const {
    if (p) g_object_unref(p);
  }
};
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;
struct ContextUnref {
  void operator()(GMainContext* c) const {
    if (c) g_main_context_unref(c);
  }
};
struct LoopUnref {
  void operator()(GMainLoop* l) const {
    if (l) g_main_loop_unref(l);
  }
};
// A source attached to a context: destroyed (detached) and unreffed.
struct SourceDestroy {
  void operator()(GSource* s) const {
    if (s) {
      g_source_destroy(s);
      g_source_unref(s);
    }
  }
};
using ContextPtr = std::unique_ptr<GMainContext, ContextUnref>;
using LoopPtr = std::unique_ptr<GMainLoop, LoopUnref>;
using SourcePtr = std::unique_ptr<GSource, SourceDestroy>;

// Ends a loop running (or about to run) on its own thread from any thread:
// by a source in its context, since a g_main_loop_quit() that comes before
// the thread's g_main_loop_run() is undone by it (the loop then never ends).
inline void quitLoop(GMainContext* context, GMainLoop* loop) {
  GSource* source = g_idle_source_new();
  g_source_set_callback(
      source, +[](gpointer l) -> gboolean {
        g_main_loop_quit(static_cast<GMainLoop*>(l));
        return G_SOURCE_REMOVE;
      },
      loop, nullptr);
  g_source_attach(source, context);
  g_source_unref(source);
}

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
