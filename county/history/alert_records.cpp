#include "history/history_store.hpp"

namespace villagecam::county {

AlertRecord alertRecordOf(const contract::AlertMessage& m) {
  const auto& a = m.alert;
  AlertRecord r;
  r.id = a.id;
  r.node = m.origin.node_id;
  r.township = m.origin.place.township;
  r.village = m.origin.place.village;
  r.admin_code = m.origin.place.admin_code;
  r.type = events::toString(a.type);
  r.severity = events::toString(a.severity);
  r.phase = events::toString(a.phase);
  r.camera = a.camera_id;
  r.area = a.area_id;
  r.zone = a.zone_id;
  r.started_at = a.started_at;
  r.ended_at = a.ended_at;
  r.updated_at = a.updated_at;
  r.snapshot = a.snapshot ? a.snapshot->id : "";
  r.clip = a.clip ? a.clip->id : "";
  r.message = a.message;
  return r;
}

bool supersedes(const AlertRecord& incoming, const AlertRecord& stored) {
  auto rank = [](const std::string& phase) { return phase == "end" ? 2 : phase == "update" ? 1 : 0; };
  if (rank(incoming.phase) != rank(stored.phase)) return rank(incoming.phase) > rank(stored.phase);
  return incoming.phase == "update" && incoming.updated_at > stored.updated_at;
}

}  // namespace villagecam::county
