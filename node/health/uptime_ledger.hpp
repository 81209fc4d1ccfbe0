// Per-camera uptime history in one-minute buckets over the last 7 days.
// Each bucket holds how long the camera was known up and known down; the
// rest of the minute is unknown (the node was not running, or the camera was
// still connecting after a start). Saved as JSON with runs of equal buckets
// merged, so a camera that was up all week costs a few bytes.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/clock.hpp"

namespace villagecam::health {

struct UptimeWindow {
  double up_s = 0;
  double down_s = 0;
  double unknown_s = 0;
  // up / (up + down); nullopt while nothing is known
  std::optional<double> ratio() const;
};

struct UptimeStats {
  UptimeWindow last_1h;
  UptimeWindow last_24h;
  UptimeWindow last_7d;
};

class UptimeLedger {
 public:
  static constexpr std::int64_t kBucketSeconds = 60;
  static constexpr std::int64_t kKeepMinutes = 7 * 24 * 60 + 60;

  // Adds [from, to) as up or down for a camera.
  void record(const std::string& camera, WallTime from, WallTime to, bool up);
  UptimeStats stats(const std::string& camera, WallTime now) const;
  UptimeWindow window(const std::string& camera, WallTime now, std::chrono::seconds length) const;
  // Forgets buckets older than kKeepMinutes.
  void prune(WallTime now);

  std::vector<std::string> cameras() const;
  std::string toJson() const;
  // Throws std::runtime_error on a malformed document.
  static UptimeLedger fromJson(const std::string& text);

 private:
  struct Bucket {
    std::uint32_t up_ms = 0;
    std::uint32_t down_ms = 0;
    bool operator==(const Bucket&) const = default;
  };
  struct History {
    std::int64_t first_minute = 0;
    std::deque<Bucket> buckets;
    Bucket& at(std::int64_t minute);
  };
  std::map<std::string, History> histories_;
};

}  // namespace villagecam::health
