// Why one attempt to stream failed, in plain words, and how a bare "could not
// connect" is turned into a reason an installer can act on.
#pragma once

#include <chrono>
#include <string>

#include "config/rtsp_url.hpp"
#include "health/camera_state.hpp"

namespace villagecam::ingest {

struct StreamFailure {
  health::FailureKind kind;
  std::string reason;
};

// The reason given when GStreamer does not say why a connection failed; the
// worker and the probe then ask explainFailure(). In the process's language.
std::string couldNotConnect();

// The port an RTSP URL connects to: its own, or the scheme's default.
int defaultPort(const config::RtspUrl& url);

// When GStreamer only said it could not connect (couldNotConnect()), one TCP
// attempt (net::checkTcp) says why; any other failure is kept as it is.
StreamFailure explainFailure(StreamFailure failure, const config::RtspUrl& url, std::chrono::milliseconds timeout);

}  // namespace villagecam::ingest
