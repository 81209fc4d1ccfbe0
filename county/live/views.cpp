#include "live/views.hpp"

#include <algorithm>
#include <cmath>

#include "events/alert.hpp"
#include "events/code_words.hpp"
#include "util/time_format.hpp"

namespace villagecam::county {
namespace {

using nlohmann::json;

json rate(const std::optional<double>& r) { return r ? json(std::round(*r * 10000.0) / 10000.0) : json(nullptr); }
json time(const std::optional<WallTime>& t) { return t ? json(toRfc3339(*t)) : json(nullptr); }

json rowJson(const GroupRow& row) {
  json j = countsJson(row.counts);
  j["key"] = row.key;
  j["name"] = row.name;
  j["code"] = row.code.empty() ? json(nullptr) : json(row.code);
  return j;
}

json code(const std::string& c) { return c.empty() ? json(nullptr) : json(c); }

std::string nodeGbCode(const NodeLive& node) { return node.status ? node.status->gb_code : std::string(); }

// Where a problem is: the node and its place.
json where(const NodeLive& node) {
  return {{"node", node.node_id}, {"village", node.label()}, {"township", node.place.township}};
}

// The open alert of this type about this camera or area, if any.
const contract::AlertMessage* openAlert(const LivePicture& picture, const NodeLive& node, events::AlertType type,
                                        const std::string& camera, const std::string& area) {
  for (const auto& [id, m] : picture.openAlerts()) {
    if (m.alert.type == type && m.origin.node_id == node.node_id && m.alert.camera_id == camera &&
        m.alert.area_id == area) {
      return &m;
    }
  }
  return nullptr;
}

json placeJson(const contract::Place& p) {
  return {{"region", p.region}, {"township", p.township}, {"village", p.village},
          {"code", p.admin_code.empty() ? json(nullptr) : json(p.admin_code)}};
}

json refusedJson(const std::optional<Refusal>& r) {
  if (!r) return nullptr;
  return {{"topic", r->topic}, {"reason", r->reason}, {"at", toRfc3339(r->at)}, {"count", r->count}};
}

}  // namespace

json countsJson(const Counts& c) {
  return {
      {"nodes", {{"total", c.nodes}, {"silent", c.nodes_silent}}},
      {"cameras", {{"configured", c.cameras}, {"online", c.online}, {"intact", c.intact}, {"unverified", c.unverified}}},
      {"areas",
       {{"total", c.areas},
        {"covered", c.areas_covered},
        {"unverified", c.areas_unverified},
        {"uncovered", c.areas_uncovered},
        {"unknown", c.areas_unknown},
        {"silent", c.areas_silent}}},
      {"rates",
       {{"online", rate(c.onlineRate())},
        {"intact", rate(c.intactRate())},
        {"coverage", rate(c.coverageRate())},
        {"unverified_views", rate(c.unverifiedViewShare())},
        {"unverified_areas", rate(c.unverifiedAreaShare())}}},
  };
}

json summaryJson(const LivePicture& picture, const std::string& county_name, WallTime now) {
  const auto o = overview(picture);
  json j = countsJson(o.county);
  j["county"] = county_name;
  json townships = json::array();
  for (const auto& t : o.townships) townships.push_back(rowJson(t));
  j["townships"] = townships;
  j["open_alerts"] = picture.openAlerts().size();
  j["updated_at"] = toRfc3339(now);
  return j;
}

json villagesJson(const LivePicture& picture) {
  json out = json::array();
  for (const auto& v : overview(picture).villages) {
    json j = rowJson(v);
    j["township"] = v.township;
    const auto* node = picture.node(v.key);
    j["silent_since"] = node ? time(node->silent_since) : json(nullptr);
    out.push_back(std::move(j));
  }
  return out;
}

json villageJson(const LivePicture& picture, const std::string& key) {
  const auto* node = picture.node(key);
  if (!node) return nullptr;
  json j = countsJson(countNode(picture, *node));
  j["node"] = node->node_id;
  j["village"] = node->label();
  j["township"] = node->place.township;
  j["region"] = node->place.region;
  j["code"] = node->place.admin_code.empty() ? json(nullptr) : json(node->place.admin_code);
  j["silent_since"] = time(node->silent_since);
  j["silent_reason"] = node->silent_reason.empty() ? json(nullptr) : json(node->silent_reason);
  j["version"] = node->status ? json(node->status->version) : json(nullptr);
  j["gb_code"] = code(nodeGbCode(*node));
  j["claimed_place"] = node->claimed_place ? placeJson(*node->claimed_place) : json(nullptr);
  j["refused"] = refusedJson(node->refused);
  json cameras = json::array();
  for (const auto& [id, cam] : node->cameras) {
    auto window = [](const health::UptimeWindow& w) { return rate(w.ratio()); };
    // A silent node's cameras are not known now: the last they said is
    // kept apart, and they read as unknown since the node fell silent.
    const bool silent = picture.silent(*node);
    cameras.push_back({{"id", cam.id},
                       {"name", cam.name},
                       {"gb_code", code(cam.gb_code)},
                       {"state", silent ? "unknown" : health::toString(cam.state)},
                       {"last_reported_state", health::toString(cam.state)},
                       {"since", silent ? time(node->silent_since) : json(toRfc3339(cam.since))},
                       {"reason", cam.reason},
                       {"failure", cam.failure.empty() ? json(nullptr) : json(cam.failure)},
                       {"view", {{"state", cam.view.state}, {"issues", cam.view.issues}}},
                       {"uptime", {{"24h", window(cam.uptime.last_24h)}, {"7d", window(cam.uptime.last_7d)}}},
                       {"snapshot", cam.snapshot_id ? json(*cam.snapshot_id) : json(nullptr)}});
  }
  j["cameras"] = cameras;
  json areas = json::array();
  if (node->coverage) {
    for (const auto& a : node->coverage->report.areas) {
      const auto seen = node->area_seen_since.find(a.id);
      areas.push_back({{"id", a.id},
                       {"name", a.name},
                       {"kind", config::toString(a.kind)},
                       {"grid", a.grid.empty() ? json(nullptr) : json(a.grid)},
                       {"weight", a.weight},
                       {"state", picture.silent(*node) ? "unknown" : health::toString(a.state)},
                       {"since", seen == node->area_seen_since.end() ? json(nullptr) : json(toRfc3339(seen->second))},
                       {"watching", a.watching()}});
    }
  }
  j["areas"] = areas;
  json open = json::array();
  for (const auto& a : openAlertsJson(picture)) {
    if (a["node"] == node->node_id) open.push_back(a);
  }
  j["open_alerts"] = open;
  return j;
}

json problemsJson(const LivePicture& picture) {
  json silent = json::array(), offline = json::array(), tampered = json::array(), uncovered = json::array(),
       unchecked = json::array(), node_problems = json::array();
  for (const auto& [key, node] : picture.nodes()) {
    if (node.refused || node.claimed_place) {
      json j = where(node);
      j["refused"] = refusedJson(node.refused);
      j["claimed_place"] = node.claimed_place ? placeJson(*node.claimed_place) : json(nullptr);
      j["since"] = node.refused ? json(toRfc3339(node.refused->at)) : json(nullptr);
      node_problems.push_back(std::move(j));
    }
    if (picture.silent(node)) {
      json j = where(node);
      j["since"] = time(node.silent_since);
      j["reason"] = node.silent_reason;
      j["cameras"] = countNode(picture, node).cameras;
      silent.push_back(std::move(j));
      continue;  // its cameras and areas are not known now: the node is the problem
    }
    for (const auto& [id, cam] : node.cameras) {
      json j = where(node);
      j["camera"] = cam.id;
      j["name"] = cam.name;
      j["gb_code"] = code(cam.gb_code);
      j["snapshot"] = cam.snapshot_id ? json(*cam.snapshot_id) : json(nullptr);
      if (cam.state != health::CameraState::Online) {
        j["state"] = health::toString(cam.state);
        j["since"] = toRfc3339(cam.since);
        j["reason"] = cam.reason;
        j["failure"] = cam.failure.empty() ? json(nullptr) : json(cam.failure);
        offline.push_back(std::move(j));
      } else if (cam.view.state == "tampered") {
        const auto* alert = openAlert(picture, node, events::AlertType::ViewTampered, cam.id, "");
        j["issues"] = cam.view.issues;
        j["covered_share"] = cam.view.covered_share ? json(*cam.view.covered_share) : json(nullptr);
        j["since"] = toRfc3339(alert ? alert->alert.started_at : cam.view_seen_since);
        if (alert && alert->alert.snapshot) j["snapshot"] = alert->alert.snapshot->id;
        tampered.push_back(std::move(j));
      } else if (cam.view.state == "unknown") {
        j["since"] = toRfc3339(cam.view_seen_since);
        unchecked.push_back(std::move(j));
      }
    }
    if (!node.coverage) continue;
    for (const auto& area : node.coverage->report.areas) {
      if (area.state != health::AreaState::Uncovered) continue;
      const auto* alert = openAlert(picture, node, events::AlertType::CoverageLost, "", area.id);
      json j = where(node);
      j["area"] = area.id;
      j["name"] = area.name;
      j["kind"] = config::toString(area.kind);
      j["grid"] = area.grid.empty() ? json(nullptr) : json(area.grid);
      const auto seen = node.area_seen_since.find(area.id);
      j["since"] = alert ? time(alert->alert.started_at)
                         : time(seen == node.area_seen_since.end() ? std::nullopt : std::optional(seen->second));
      json causes = json::array();
      for (const auto& w : area.cameras) {
        if (w.watching != health::Watch::Yes) causes.push_back({{"camera", w.id}, {"code", w.code}, {"detail", w.detail}});
      }
      j["causes"] = causes;
      uncovered.push_back(std::move(j));
    }
  }
  auto oldestFirst = [](json& list) {
    std::stable_sort(list.begin(), list.end(), [](const json& a, const json& b) {
      return a["since"].is_string() && b["since"].is_string() ? a["since"] < b["since"] : a["since"].is_string();
    });
  };
  for (json* list : {&silent, &offline, &tampered, &uncovered, &unchecked}) oldestFirst(*list);
  return {{"node_problems", node_problems},
          {"pending_nodes", picture.pending().size()},
          {"silent_nodes", silent},
          {"offline_cameras", offline},
          {"tampered_views", tampered},
          {"uncovered_areas", uncovered},
          {"unverified_views", unchecked}};
}

namespace {

std::string lowerAscii(std::string s) {
  for (auto& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// How well `field` answers `query` (lower-cased): 0 not at all; 3 the whole
// field, 2 its start, 1 inside it. UTF-8 is matched byte for byte, which for
// a whole query string is a match of characters.
int matchRank(const std::string& field, const std::string& query) {
  if (field.empty()) return 0;
  const auto f = lowerAscii(field);
  if (f == query) return 3;
  const auto at = f.find(query);
  return at == std::string::npos ? 0 : at == 0 ? 2 : 1;
}

struct Hit {
  int rank = 0;
  const char* matched = "";
  json row;
};

// The best of the fields, a device code ranked above a name.
void consider(Hit& hit, const std::string& field, const std::string& query, const char* what, int bonus) {
  const int r = matchRank(field, query);
  if (r > 0 && r * 10 + bonus > hit.rank) {
    hit.rank = r * 10 + bonus;
    hit.matched = what;
  }
}

}  // namespace

json searchJson(const LivePicture& picture, const std::string& raw_query, std::size_t limit) {
  const auto query = lowerAscii(raw_query);
  std::vector<Hit> hits;
  if (!query.empty()) {
    for (const auto& [key, node] : picture.nodes()) {
      Hit v;
      consider(v, nodeGbCode(node), query, "gb_code", 5);
      consider(v, node.node_id, query, "node", 3);
      consider(v, node.place.village, query, "village", 2);
      consider(v, node.place.admin_code, query, "admin_code", 4);
      consider(v, node.place.township, query, "township", 0);
      if (v.rank > 0) {
        v.row = where(node);
        v.row["kind"] = "village";
        v.row["gb_code"] = code(nodeGbCode(node));
        v.row["state"] = picture.silent(node) ? "silent" : "heard";
        hits.push_back(std::move(v));
      }
      for (const auto& [id, cam] : node.cameras) {
        Hit c;
        consider(c, cam.gb_code, query, "gb_code", 5);
        consider(c, cam.id, query, "camera", 3);
        consider(c, cam.name, query, "name", 2);
        if (c.rank == 0) continue;
        c.row = where(node);
        c.row["kind"] = "camera";
        c.row["camera"] = cam.id;
        c.row["name"] = cam.name;
        c.row["gb_code"] = code(cam.gb_code);
        c.row["state"] = picture.silent(node) ? "unknown" : health::toString(cam.state);
        hits.push_back(std::move(c));
      }
    }
  }
  std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.rank > b.rank; });
  json results = json::array();
  for (std::size_t i = 0; i < hits.size() && i < limit; ++i) {
    hits[i].row["matched"] = hits[i].matched;
    results.push_back(std::move(hits[i].row));
  }
  return {{"query", raw_query},
          {"results", results},
          {"more", hits.size() > limit ? hits.size() - limit : 0}};
}

json alertMessagesJson(const events::Alert& alert) {
  return {{"zh-CN", events::renderMessage(alert, config::Language::ZhCN)},
          {"en", events::renderMessage(alert, config::Language::En)}};
}

json openAlertsJson(const LivePicture& picture) {
  std::vector<const contract::AlertMessage*> open;
  for (const auto& [id, m] : picture.openAlerts()) open.push_back(&m);
  std::sort(open.begin(), open.end(),
            [](const auto* a, const auto* b) { return a->alert.started_at > b->alert.started_at; });
  json out = json::array();
  for (const auto* m : open) {
    const auto& a = m->alert;
    const auto device = m->origin.camera_gb_codes.find(a.camera_id);
    out.push_back({{"id", a.id},
                   {"device_code", device != m->origin.camera_gb_codes.end() ? json(device->second)
                                                                             : code(m->origin.gb_code)},
                   {"node", m->origin.node_id},
                   {"village", m->origin.place.village},
                   {"township", m->origin.place.township},
                   {"type", events::toString(a.type)},
                   {"severity", events::toString(a.severity)},
                   {"phase", events::toString(a.phase)},
                   {"camera", a.camera_id.empty() ? json(nullptr) : json(a.camera_id)},
                   {"area", a.area_id.empty() ? json(nullptr) : json(a.area_id)},
                   {"zone", a.zone_id.empty() ? json(nullptr) : json(a.zone_id)},
                   {"started_at", toRfc3339(a.started_at)},
                   {"updated_at", time(a.updated_at)},
                   {"snapshot", a.snapshot ? json(a.snapshot->id) : json(nullptr)},
                   {"clip", a.clip ? json(a.clip->id) : json(nullptr)},
                   {"message", a.message},
                   {"messages", alertMessagesJson(a)}});
  }
  return out;
}

}  // namespace villagecam::county

namespace villagecam::county {

json pendingJson(const LivePicture& picture) {
  json out = json::array();
  for (const auto& [key, node] : picture.pending()) {
    out.push_back({{"node", key},
                   {"claimed_place", placeJson(node.place)},
                   {"first_seen", toRfc3339(node.first_seen)},
                   {"silent_since", time(node.silent_since)},
                   {"cameras", node.cameras.size()},
                   {"version", node.status ? json(node.status->version) : json(nullptr)},
                   {"ignored", node.ignored_while_pending},
                   {"refused", refusedJson(node.refused)}});
  }
  return out;
}

json admittedJson(const LivePicture& picture) {
  json out = json::array();
  for (const auto& [key, place] : picture.admitted()) {
    json j = placeJson(place);
    j["node"] = key;
    out.push_back(std::move(j));
  }
  return out;
}

json wordsJson() {
  json out = json::object();
  for (const auto lang : {config::Language::ZhCN, config::Language::En}) {
    json kinds = json::object();
    for (const auto kind : events::codeKinds()) {
      json words = json::object();
      for (const auto code : events::knownCodes(kind)) words[std::string(code)] = *events::codeWords(kind, code, lang);
      kinds[events::toString(kind)] = std::move(words);
    }
    out[lang == config::Language::ZhCN ? "zh-CN" : "en"] = std::move(kinds);
  }
  return out;
}

}  // namespace villagecam::county
