// GStreamer for the layers above ingest, which never include its headers.
#pragma once

namespace villagecam::ingest {

// Initialises GStreamer once for the process (thread-safe, idempotent).
void initGStreamer();

}  // namespace villagecam::ingest
