#include "health/camera_state.hpp"

namespace villagecam::health {

const char* toString(CameraState s) {
  switch (s) {
    case CameraState::Connecting: return "connecting";
    case CameraState::Online: return "online";
    case CameraState::Stalled: return "stalled";
    case CameraState::Offline: return "offline";
    case CameraState::Unauthorized: return "unauthorized";
  }
  return "unknown";
}

const char* toString(FailureKind k) {
  switch (k) {
    case FailureKind::Unauthorized: return "unauthorized";
    case FailureKind::NotFound: return "not_found";
    case FailureKind::Refused: return "refused";
    case FailureKind::Unreachable: return "unreachable";
    case FailureKind::Timeout: return "timeout";
    case FailureKind::StreamEnded: return "stream_ended";
    case FailureKind::UnsupportedCodec: return "unsupported_codec";
    case FailureKind::Stalled: return "stalled";
    case FailureKind::Other: return "other";
  }
  return "other";
}

}  // namespace villagecam::health
