// The clips on disk, under <state_dir>/clips: <id>.mp4 and its <id>.json,
// written in that order, each atomically; a clip is listed only with both.
// At start, what a crash left (a .part file, an MP4 without its record, a
// record without its MP4) is removed. Bounded by bytes, the oldest first.
//
// Threads: every call takes the store's lock; a file is written before it
// is recorded, so a reader never sees a clip that is not whole.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "util/clock.hpp"

namespace villagecam::record {

struct ClipInfo {
  std::string id;  // the alert's id
  std::string camera;
  std::string alert_type;
  WallTime start{};  // its first frame (arrival at the node)
  WallTime end{};    // its last
  std::uintmax_t bytes = 0;
  std::uint64_t frames = 0;
  bool operator==(const ClipInfo&) const = default;
};

// Whether a string may name a clip (and so a file): what alert ids are.
bool isClipId(const std::string& id);

class ClipStore {
 public:
  // Creates the folder if needed and clears what a crash left; throws
  // std::runtime_error naming the folder if it cannot be used.
  ClipStore(std::filesystem::path dir, std::uintmax_t max_bytes);

  std::filesystem::path mp4For(const std::string& id) const { return dir_ / (id + ".mp4"); }
  // Records a clip whose MP4 is in place, then removes the oldest clips
  // beyond the byte bound (never the one just added). Returns the ids removed.
  std::vector<std::string> add(const ClipInfo& clip);
  std::vector<ClipInfo> list() const;  // newest first
  std::optional<ClipInfo> find(const std::string& id) const;
  std::uintmax_t bytes() const;
  // What the start-up found and removed.
  int recovered() const { return recovered_; }

 private:
  void load();
  void remove(const ClipInfo& clip);

  const std::filesystem::path dir_;
  const std::uintmax_t max_bytes_;
  mutable std::mutex mutex_;
  std::vector<ClipInfo> clips_;  // oldest first
  int recovered_ = 0;
};

}  // namespace villagecam::record
