#include "ingest/gstreamer.hpp"

#include "ingest/gst_ptr.hpp"

namespace villagecam::ingest {

void initGStreamer() { gst::ensureInitialised(); }

}  // namespace villagecam::ingest
