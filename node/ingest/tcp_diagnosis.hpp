// When GStreamer only says "Failed to connect", one plain TCP connection
// attempt tells an installer why: name not resolved, connection refused,
// no answer (firewall, wrong address), or unreachable.
#pragma once

#include <chrono>
#include <optional>

#include "config/rtsp_url.hpp"
#include "ingest/mailbox.hpp"

namespace villagecam::ingest {

// Blocks for at most about `timeout` (name resolution may add to it). Returns
// nullopt if the TCP connection succeeds (the problem is elsewhere).
std::optional<StreamFailure> diagnoseTcp(const config::RtspUrl& url, std::chrono::milliseconds timeout);

int defaultPort(const config::RtspUrl& url);

// The failure in plain words: when GStreamer only said it could not connect
// (kCouldNotConnect), one TCP attempt says why; any other failure is kept.
StreamFailure explainFailure(StreamFailure failure, const config::RtspUrl& url, std::chrono::milliseconds timeout);

}  // namespace villagecam::ingest
