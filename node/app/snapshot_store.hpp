// Snapshots kept on disk under <state_dir>/snapshots/<camera>/, named
// <taken_at in ms>_<reason>_<id>.jpg, so the latest of each camera can be
// published again after a restart. Bounded in bytes: the oldest go first.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "contract/payloads.hpp"

namespace villagecam::app {

class SnapshotStore {
 public:
  SnapshotStore(std::filesystem::path dir, std::size_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {}

  // Writes atomically, then removes the oldest files beyond max_bytes.
  // Throws std::runtime_error naming the file (e.g. a full disk).
  void save(const contract::Snapshot& snapshot);
  // The newest snapshot of a camera, if any.
  std::optional<contract::Snapshot> latest(const std::string& camera) const;
  // One snapshot by its id, if it is still kept (the bound may have removed
  // it). Safe to call from another thread than save()'s: a file removed
  // meanwhile reads as gone.
  std::optional<contract::Snapshot> find(const std::string& camera, const std::string& id) const;
  std::size_t bytes() const;

 private:
  void prune();

  std::filesystem::path dir_;
  std::size_t max_bytes_;
};

}  // namespace villagecam::app
