// What a camera is doing, as its supervisor sees it: the facts health, events
// and the contract reason about, kept below the GStreamer adapter (ingest).
#pragma once

#include <string>

#include "util/clock.hpp"

namespace villagecam::health {

enum class CameraState { Connecting, Online, Stalled, Offline, Unauthorized };

const char* toString(CameraState s);

// Why an attempt to stream failed, from GStreamer's error or our own checks.
enum class FailureKind {
  Unauthorized,      // 401: wrong or missing credentials
  NotFound,          // 404: no such stream path on the camera
  Refused,           // nothing listens at the address
  Unreachable,       // name not resolved, no route
  Timeout,           // connected, or tried to, but no video came in time
  StreamEnded,       // the camera ended the stream (EOS)
  UnsupportedCodec,  // the stream's codec has no section in the template
  Stalled,           // frames stopped while the pipeline was playing
  Other,
};

const char* toString(FailureKind k);

struct StateInfo {
  CameraState state = CameraState::Connecting;
  SteadyTime since{};
  std::string reason;
};

}  // namespace villagecam::health
