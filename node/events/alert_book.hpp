// The open alerts of a node, at most one per subject (a camera's health, a
// camera's view, an area's coverage; see subjectOf). Callers say what alert,
// if any, a subject calls for now; the book turns that into starts and ends
// under one id with the duration. Pure: the caller passes the time and keeps
// the open alerts across restarts (openAlerts / restore).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "events/alert.hpp"

namespace villagecam::events {

class AlertBook {
 public:
  explicit AlertBook(config::Language language) : language_(language) {}

  // `wanted` is the alert the subject calls for now (its type and details;
  // id, phase, times and message are filled in here), or nullopt for none.
  // Returns what that changes: nothing (the same type is already open), a
  // start, an end, or an end and a start when one condition turns into another.
  std::vector<Alert> set(const std::string& subject, std::optional<Alert> wanted, WallTime now);
  // An update of the subject's open alert (its id, start and type kept),
  // changed by `change`; nothing if none is open.
  template <typename Change>
  std::vector<Alert> update(const std::string& subject, Change&& change, WallTime now) {
    const auto it = open_.find(subject);
    if (it == open_.end()) return {};
    change(it->second);
    Alert a = it->second;
    a.phase = AlertPhase::Update;
    a.updated_at = now;
    a.message = renderMessage(a, language_);
    return {a};
  }
  // Ends the subject's open alert, if any (e.g. its camera left the config).
  std::vector<Alert> end(const std::string& subject, WallTime now);

  const Alert* open(const std::string& subject) const;
  std::vector<Alert> openAlerts() const;
  void restore(const std::vector<Alert>& open);

 private:
  config::Language language_;
  std::map<std::string, Alert> open_;  // by subject
};

}  // namespace villagecam::events
