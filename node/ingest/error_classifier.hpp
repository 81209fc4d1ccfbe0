// Turns a GStreamer error into a failure kind and a plain-words reason.
#pragma once

#include <glib.h>

#include <string>

#include "ingest/stream_failure.hpp"

namespace villagecam::ingest {

// debug is GStreamer's debug string (may be empty). The reason never holds a
// password: URLs in it are redacted.
StreamFailure classifyError(const GError* error, const std::string& debug);

}  // namespace villagecam::ingest
