#include "app/open_alert_store.hpp"

#include <nlohmann/json.hpp>

#include "contract/payloads.hpp"
#include "util/atomic_file.hpp"

namespace villagecam::app {

OpenAlertStore::OpenAlertStore(std::filesystem::path file, contract::Origin origin, config::Language language)
    : file_(std::move(file)), origin_(std::move(origin)), language_(language) {}

std::vector<events::Alert> OpenAlertStore::load() const {
  std::vector<events::Alert> open;
  const auto text = readFileIfExists(file_);
  if (!text) return open;
  for (const auto& j : nlohmann::json::parse(*text)) open.push_back(contract::alertFromJson(j));
  return open;
}

void OpenAlertStore::save(const std::vector<events::Alert>& open) const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : open) list.push_back(contract::alertJson(a, origin_, language_));
  writeFileAtomically(file_, list.dump());
}

std::vector<std::string> subjectsGone(const std::vector<events::Alert>& open, const std::set<std::string>& live) {
  std::vector<std::string> gone;
  for (const auto& a : open) {
    const auto subject = events::subjectOf(a);
    if (!live.count(subject)) gone.push_back(subject);
  }
  return gone;
}

}  // namespace villagecam::app
