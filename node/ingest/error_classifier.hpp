// Turns a GStreamer error into a failure kind and a plain-words reason.
#pragma once

#include <glib.h>

#include <string>

#include "ingest/mailbox.hpp"

namespace villagecam::ingest {

// The reason given when GStreamer does not say why a connection failed; the
// worker and the probe then ask diagnoseTcp().
inline constexpr const char* kCouldNotConnect = "could not connect to the camera";

// debug is GStreamer's debug string (may be empty). The reason never holds a
// password: URLs in it are redacted.
StreamFailure classifyError(const GError* error, const std::string& debug);

}  // namespace villagecam::ingest
