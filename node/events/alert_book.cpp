#include "events/alert_book.hpp"

namespace villagecam::events {

std::vector<Alert> AlertBook::set(const std::string& subject, std::optional<Alert> wanted, WallTime now) {
  std::vector<Alert> out;
  auto it = open_.find(subject);
  if (it != open_.end() && wanted && wanted->type == it->second.type) return out;
  if (it != open_.end()) {
    auto ended = end(subject, now);
    out.insert(out.end(), ended.begin(), ended.end());
  }
  if (wanted) {
    Alert a = std::move(*wanted);
    a.id = newAlertId();
    a.severity = severityOf(a.type);
    a.phase = AlertPhase::Start;
    a.started_at = now;
    a.ended_at.reset();
    a.message = renderMessage(a, language_);
    open_.emplace(subject, a);
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<Alert> AlertBook::end(const std::string& subject, WallTime now) {
  std::vector<Alert> out;
  if (auto it = open_.find(subject); it != open_.end()) {
    Alert a = std::move(it->second);
    open_.erase(it);
    a.phase = AlertPhase::End;
    a.ended_at = now;
    a.message = renderMessage(a, language_);
    out.push_back(std::move(a));
  }
  return out;
}

const Alert* AlertBook::open(const std::string& subject) const {
  const auto it = open_.find(subject);
  return it == open_.end() ? nullptr : &it->second;
}

std::vector<Alert> AlertBook::openAlerts() const {
  std::vector<Alert> out;
  for (const auto& [subject, a] : open_) out.push_back(a);
  return out;
}

void AlertBook::restore(const std::vector<Alert>& open) {
  for (const auto& a : open) open_[subjectOf(a)] = a;
}

}  // namespace villagecam::events
