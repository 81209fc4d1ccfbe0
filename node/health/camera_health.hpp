// A camera's health at one moment: what status and metrics report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "health/camera_state.hpp"
#include "util/clock.hpp"

namespace villagecam::health {

struct CameraHealth {
  std::string id;
  std::string name;
  std::string url;  // redacted: never holds a password
  std::string gb_code;  // its GB/T 28181 device code (config); empty: none
  CameraState state = CameraState::Connecting;
  WallTime since{};
  std::string reason;
  std::string failure;  // the last failure's kind (e.g. "refused"); empty if none yet
  std::string codec;  // empty until the stream is known
  int width = 0;
  int height = 0;
  double fps = 0;                  // encoded frames per second, measured
  double bitrate_kbps = 0;         // measured
  double keyframe_interval_s = 0;  // measured; 0 when unknown
  std::optional<WallTime> last_frame;
  std::uint64_t reconnects = 0;
  std::uint64_t frames_received = 0;  // encoded frames, all streams so far
  std::uint64_t frames_decoded = 0;   // handed to analysis
  std::uint64_t frames_dropped = 0;   // decoded but replaced before analysis took them
  std::uint64_t frames_without_reference = 0;  // kept from the decoder: their references were lost
  std::uint64_t frames_corrupt = 0;            // decoded, flagged corrupt by the decoder, not analysed
  std::optional<WallTime> next_attempt;
};

}  // namespace villagecam::health
