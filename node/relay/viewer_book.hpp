// Who watches which re-served camera, and whether one more may: the
// per-camera viewer cap and the node's outgoing bit-rate budget. Pure: the
// restream server asks it and carries out what it says.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace villagecam::relay {

enum class Refusal {
  None,
  UnknownCamera,       // 404 Not Found
  CameraOffline,       // 503 Service Unavailable: nothing to re-serve now
  TooManyViewers,      // 503 Service Unavailable: restream.max_viewers_per_camera
  NotEnoughBandwidth,  // 453 Not Enough Bandwidth: restream.max_bitrate_kbps
};

// A label for logs and metrics ("too_many_viewers", ...).
const char* toString(Refusal r);
// The RTSP status a refusal is answered with (RFC 2326, 7.1.1).
int rtspStatus(Refusal r);

struct ViewerLimits {
  int max_viewers_per_camera = 4;
  std::uint64_t max_bits_per_second = 20'000'000;
};

class ViewerBook {
 public:
  using ViewerId = std::uintptr_t;  // one RTSP connection
  using Rates = std::map<std::string, std::uint64_t>;  // camera id to its bits a second

  explicit ViewerBook(ViewerLimits limits) : limits_(limits) {}

  // May `who` start watching `camera` (which streams at rates[camera])? A
  // viewer already watching it always may (PLAY after PAUSE).
  Refusal check(ViewerId who, const std::string& camera, const Rates& rates) const;
  // Returns false if `who` already watched `camera`.
  bool join(ViewerId who, const std::string& camera);
  bool leave(ViewerId who, const std::string& camera);
  // The connection closed: every camera it watched.
  std::vector<std::string> leaveAll(ViewerId who);

  int viewers(const std::string& camera) const;
  int viewers() const { return static_cast<int>(watching_.size()); }
  // What every viewer costs together, at the cameras' current rates.
  std::uint64_t outgoing(const Rates& rates) const;
  std::vector<ViewerId> watchersOf(const std::string& camera) const;

 private:
  ViewerLimits limits_;
  std::set<std::pair<ViewerId, std::string>> watching_;
};

// A camera's bit rate from its byte counter, sampled about once a second:
// the rate over the last `window` samples.
class BitRate {
 public:
  explicit BitRate(std::size_t window = 5) : window_(window) {}
  void sample(double at_seconds, std::uint64_t bytes);
  std::uint64_t bitsPerSecond() const;
  void reset() { samples_.clear(); }

 private:
  std::size_t window_;
  std::vector<std::pair<double, std::uint64_t>> samples_;
};

}  // namespace villagecam::relay
