// The alerts open when the node stops or dies, kept in
// <state_dir>/open_alerts.json (written atomically after every change), so
// that after a restart a camera that was offline gets its end with the
// original id.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "contract/payloads.hpp"
#include "events/alert.hpp"

namespace villagecam::app {

class OpenAlertStore {
 public:
  OpenAlertStore(std::filesystem::path file, contract::Origin origin, config::Language language);

  // Empty if the file does not exist. Throws std::runtime_error (or a JSON
  // error) if it cannot be read.
  std::vector<events::Alert> load() const;
  // Throws std::runtime_error naming the file (a full disk, say).
  void save(const std::vector<events::Alert>& open) const;
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  contract::Origin origin_;
  config::Language language_;
};

// The subjects (events::subjectOf) of the open alerts that are not among
// `live` (their camera, zone or area left the config): they end. Pure.
std::vector<std::string> subjectsGone(const std::vector<events::Alert>& open, const std::set<std::string>& live);

}  // namespace villagecam::app
