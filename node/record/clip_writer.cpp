#include "record/clip_writer.hpp"

#include <fcntl.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <unistd.h>

#include <stdexcept>

#include "ingest/gst_ptr.hpp"

namespace villagecam::record {
namespace {

namespace fs = std::filesystem;

constexpr guint64 kMaxQueued = 64u << 20;  // the muxer this far behind (a stuck disk): the clip is cut there

// fsync of a file or a folder by path; false if it could not be done.
bool syncPath(const fs::path& p, bool directory) {
  const int fd = ::open(p.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

class ClipWriter::Impl {
 public:
  Impl(const ingest::EncodedFormat& format, fs::path final_path, WallTime until)
      : final_(std::move(final_path)), part_(final_.string() + ".part"), codec_(format.codec), until_(until) {
    gst::ensureInitialised();
    const char* parser = format.codec == "h264" ? "h264parse" : format.codec == "h265" ? "h265parse" : nullptr;
    if (!parser) throw std::runtime_error("a clip cannot be made of a " + format.codec + " stream");
    GError* raw = nullptr;
    const std::string description = std::string("appsrc name=src format=time is-live=false block=false max-bytes=0 ! ") +
                                    parser + " ! mp4mux faststart=true ! filesink name=file sync=false";
    GstElement* element = gst_parse_launch(description.c_str(), &raw);
    gst::ErrorPtr error(raw);
    if (!element || error) {
      if (element) gst_object_unref(element);
      throw std::runtime_error("the clip pipeline does not build: " + std::string(error ? error->message : "?"));
    }
    pipeline_ = gst::adoptFloating(element);
    gst::ElementPtr src(gst_bin_get_by_name(GST_BIN(pipeline_.get()), "src"));
    gst::ElementPtr file(gst_bin_get_by_name(GST_BIN(pipeline_.get()), "file"));
    appsrc_ = src.get();  // borrowed: the pipeline holds it
    g_object_set(file.get(), "location", part_.c_str(), nullptr);
    gst::CapsPtr caps(gst_caps_from_string(format.caps.c_str()));
    if (caps) gst_app_src_set_caps(GST_APP_SRC(appsrc_), caps.get());
    bus_.reset(gst_element_get_bus(pipeline_.get()));
    if (gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
      gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
      throw std::runtime_error("the clip pipeline does not start (cannot write " + part_.string() + "?)");
    }
  }

  ~Impl() {
    if (pipeline_) gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
    std::error_code ec;
    if (!finished_) fs::remove(part_, ec);
  }

  void format(const ingest::EncodedFormat& format) {
    std::lock_guard lock(mutex_);
    if (format.codec != codec_) complete_ = true;  // another codec cannot go on in this file
  }

  void unit(const ingest::EncodedUnit& u) {
    std::lock_guard lock(mutex_);
    if (complete_ || ended_) return;
    if (u.arrived() > until_) {
      complete_ = true;
      return;
    }
    if (!u.pts() || (!base_ && !u.key())) return;
    if (!base_) base_ = *u.pts();
    if (*u.pts() < *base_) return;  // from before the clip's first key frame (reordered)
    if (gst_app_src_get_current_level_bytes(GST_APP_SRC(appsrc_)) > kMaxQueued) {
      complete_ = true;
      return;
    }
    GstBuffer* out = gst_buffer_copy(u.buffer());  // new metadata over the same memory
    const GstClockTime pts = *u.pts() - *base_;
    GST_BUFFER_PTS(out) = pts;
    const GstClockTime dts = GST_BUFFER_DTS(u.buffer());
    GST_BUFFER_DTS(out) = GST_CLOCK_TIME_IS_VALID(dts) && dts >= *base_ ? dts - *base_ : pts;
    GST_BUFFER_FLAG_UNSET(out, GST_BUFFER_FLAG_DISCONT);
    gst_app_src_push_buffer(GST_APP_SRC(appsrc_), out);
    if (written_.units == 0) written_.first = u.arrived();
    written_.last = u.arrived();
    ++written_.units;
  }

  void stop() {
    std::lock_guard lock(mutex_);
    complete_ = true;
  }

  void setUntil(WallTime until) {
    std::lock_guard lock(mutex_);
    if (!complete_) until_ = std::max(until, written_.last);
  }

  WallTime until() const {
    std::lock_guard lock(mutex_);
    return until_;
  }

  bool complete() const {
    std::lock_guard lock(mutex_);
    return complete_;
  }

  std::optional<WrittenClip> finish(Duration timeout) {
    WrittenClip written;
    {
      std::lock_guard lock(mutex_);
      complete_ = true;
      ended_ = true;
      written = written_;
    }
    gst_app_src_end_of_stream(GST_APP_SRC(appsrc_));
    gst::MessagePtr message(gst_bus_timed_pop_filtered(
        bus_.get(), static_cast<GstClockTime>(std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count()),
        static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR)));
    const bool ended = message && GST_MESSAGE_TYPE(message.get()) == GST_MESSAGE_EOS;
    gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
    std::error_code ec;
    if (!ended || written.units == 0 || !syncPath(part_, false)) {
      fs::remove(part_, ec);
      return std::nullopt;
    }
    fs::rename(part_, final_, ec);
    if (ec) {
      fs::remove(part_, ec);
      return std::nullopt;
    }
    syncPath(final_.parent_path(), true);
    finished_ = true;
    written.bytes = fs::file_size(final_, ec);
    return written;
  }

 private:
  const fs::path final_;
  const fs::path part_;
  const std::string codec_;
  gst::ElementPtr pipeline_;
  gst::BusPtr bus_;
  GstElement* appsrc_ = nullptr;  // borrowed: owned by pipeline_
  mutable std::mutex mutex_;
  WallTime until_;
  bool complete_ = false;  // takes no more units
  bool ended_ = false;     // end of stream sent
  bool finished_ = false;  // in place under its final name
  std::optional<std::uint64_t> base_;
  WrittenClip written_;
};

ClipWriter::ClipWriter(const ingest::EncodedFormat& format, std::filesystem::path final_path, WallTime until)
    : impl_(std::make_unique<Impl>(format, std::move(final_path), until)) {}
ClipWriter::~ClipWriter() = default;
void ClipWriter::format(const ingest::EncodedFormat& format) { impl_->format(format); }
void ClipWriter::unit(const ingest::EncodedUnit& unit) { impl_->unit(unit); }
void ClipWriter::interrupted() { impl_->stop(); }
void ClipWriter::closed() { impl_->stop(); }
void ClipWriter::setUntil(WallTime until) { impl_->setUntil(until); }
WallTime ClipWriter::until() const { return impl_->until(); }
bool ClipWriter::complete() const { return impl_->complete(); }
std::optional<WrittenClip> ClipWriter::finish(Duration timeout) { return impl_->finish(timeout); }

}  // namespace villagecam::record
