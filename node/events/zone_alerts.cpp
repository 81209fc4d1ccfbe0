#include "events/zone_alerts.hpp"

#include <fmt/format.h>

namespace villagecam::events {

Alert zoneAlert(const ZoneEventFacts& e) {
  Alert a;
  const bool motion = e.kind == config::ZoneKind::Motion;
  a.type = motion ? AlertType::Motion : AlertType::Intrusion;
  a.camera_id = e.camera_id;
  a.camera_name = e.camera_name;
  a.zone_id = e.zone_id;
  a.zone_name = e.zone_name;
  a.objects = e.objects;
  a.person = e.person;
  a.suppressed = e.suppressed;
  a.reason_code = motion ? "motion" : (e.person.value_or(false) ? "person" : "object");
  a.detail = fmt::format("{} object(s) in zone {}", e.objects.size(), e.zone_id);
  return a;
}

}  // namespace villagecam::events
