#include "config/sections.hpp"

#include "i18n/messages.hpp"

namespace villagecam::config {

namespace fs = std::filesystem;

using i18n::Msg;
using i18n::tr;

namespace {

std::optional<Polygon> readPolygon(Sections& ctx, const YAML::Node& n, const std::string& path) {
  if (!ctx.reader.expectSequence(n, path)) return std::nullopt;
  Polygon polygon;
  bool ok = true;
  for (size_t i = 0; i < n.size(); ++i) {
    const YAML::Node p = n[i];
    const std::string ppath = indexPath(path, i);
    if (!p.IsSequence() || p.size() != 2) {
      ctx.reader.report(p.Mark(), ppath, tr(Msg::ConfigExpectedPoint, "[x, y]", "x", "y"));
      ok = false;
      continue;
    }
    const auto x = ctx.reader.number(p[0], ppath + ".x", 0, 1);
    const auto y = ctx.reader.number(p[1], ppath + ".y", 0, 1);
    if (!x || !y) {
      ok = false;
      continue;
    }
    polygon.push_back({*x, *y});
  }
  if (ok && polygon.size() < 3) {
    ctx.reader.report(n.Mark(), path, tr(Msg::ConfigPolygonTooFewPoints));
    return std::nullopt;
  }
  return ok ? std::optional<Polygon>(polygon) : std::nullopt;
}

void readSchedule(Sections& ctx, const YAML::Node& n, const std::string& path, WeeklySchedule& schedule) {
  if (!ctx.reader.expectSequence(n, path)) return;
  for (size_t i = 0; i < n.size(); ++i) {
    const YAML::Node w = n[i];
    const std::string wpath = indexPath(path, i);
    if (!ctx.reader.expectMap(w, wpath)) continue;
    ctx.reader.rejectUnknownKeys(w, wpath, kScheduleKeys);
    ScheduleWindow window;
    window.days = {0, 1, 2, 3, 4, 5, 6};
    if (auto d = w["days"]; d.IsDefined()) {
      if (auto text = ctx.reader.string(d, childPath(wpath, "days"))) {
        if (auto days = parseDays(*text)) {
          window.days = *days;
        } else {
          ctx.reader.report(d.Mark(), childPath(wpath, "days"),
                            tr(Msg::ConfigExpectedDays, kDaysExamples[0], kDaysExamples[1], kDaysExamples[2],
                               kDaysExamples[3], *text));
        }
      }
    }
    bool ok = true;
    for (const char* key : {"from", "to"}) {
      const auto v = ctx.reader.required(w, wpath, key);
      if (!v) {
        ok = false;
        continue;
      }
      const auto text = ctx.reader.string(*v, childPath(wpath, key));
      const auto minute = text ? parseClock(*text) : std::nullopt;
      if (text && !minute) {
        ctx.reader.report(v->Mark(), childPath(wpath, key), tr(Msg::ConfigExpectedTimeOfDay, "19:00", *text));
      }
      if (!minute) ok = false;
      (std::string(key) == "from" ? window.from_minute : window.to_minute) = minute.value_or(0);
    }
    if (ok && window.from_minute == window.to_minute) {
      ctx.reader.report(w.Mark(), wpath, tr(Msg::ConfigEmptyWindow, "from", "to"));
      continue;
    }
    if (ok) schedule.windows.push_back(std::move(window));
  }
}

}  // namespace

void readDetection(Sections& ctx, const YAML::Node& n, const std::string& path, DetectionConfig& d) {
  ctx.reader.rejectUnknownKeys(n, path, kDetectionKeys);
  if (auto v = n["fps"]; v.IsDefined()) d.fps = ctx.reader.number(v, childPath(path, "fps"), 0.5, 30).value_or(d.fps);
  if (auto v = n["min_area"]; v.IsDefined()) {
    d.min_area = ctx.reader.number(v, childPath(path, "min_area"), 0.0001, 0.5).value_or(d.min_area);
  }
  if (auto v = n["masks"]; v.IsDefined() && ctx.reader.expectSequence(v, childPath(path, "masks"))) {
    for (size_t i = 0; i < v.size(); ++i) {
      if (auto p = readPolygon(ctx, v[i], indexPath(childPath(path, "masks"), i))) d.masks.push_back(std::move(*p));
    }
  }
  if (auto v = n["rate_limit"]; v.IsDefined() && ctx.reader.expectMap(v, childPath(path, "rate_limit"))) {
    const std::string rpath = childPath(path, "rate_limit");
    ctx.reader.rejectUnknownKeys(v, rpath, kRateLimitKeys);
    if (auto a = v["alerts"]; a.IsDefined()) {
      d.max_alerts = static_cast<int>(ctx.reader.integer(a, childPath(rpath, "alerts"), 1, 10000).value_or(d.max_alerts));
    }
    if (auto p = v["per"]; p.IsDefined()) d.rate_period = ctx.reader.duration(p, childPath(rpath, "per"), 1, 86400).value_or(d.rate_period);
  }
  const std::string zpath = childPath(path, "zones");
  if (auto v = ctx.reader.required(n, path, "zones"); v && ctx.reader.expectSequence(*v, zpath)) {
    std::map<std::string, YAML::Mark> first_seen;
    for (size_t i = 0; i < v->size(); ++i) {
      const YAML::Node z = (*v)[i];
      const std::string p = indexPath(zpath, i);
      if (!ctx.reader.expectMap(z, p)) continue;
      ctx.reader.rejectUnknownKeys(z, p, kZoneKeys);
      ZoneConfig zone;
      zone.id = readUniqueId(ctx, z, p, Msg::ConfigDuplicateZoneId, first_seen).value_or("");
      zone.name = zone.id;
      if (auto x = z["name"]; x.IsDefined()) zone.name = ctx.reader.string(x, childPath(p, "name")).value_or(zone.id);
      if (auto x = ctx.reader.required(z, p, "kind")) {
        if (auto k = ctx.reader.choice(*x, childPath(p, "kind"), kZoneKinds)) zone.kind = static_cast<ZoneKind>(*k);
      }
      if (zone.kind == ZoneKind::Motion) zone.dwell = Seconds(0.2);
      if (auto x = ctx.reader.required(z, p, "polygon")) {
        if (auto poly = readPolygon(ctx, *x, childPath(p, "polygon"))) zone.polygon = std::move(*poly);
      }
      if (auto x = z["schedule"]; x.IsDefined()) readSchedule(ctx, x, childPath(p, "schedule"), zone.schedule);
      if (auto x = z["min_size"]; x.IsDefined()) {
        zone.min_size = ctx.reader.number(x, childPath(p, "min_size"), 0.0001, 1).value_or(zone.min_size);
      }
      auto dur = [&](const char* key, Seconds& out, double min_s, double max_s) {
        readDuration(ctx, z, p, key, out, min_s, max_s);
      };
      dur("dwell", zone.dwell, 0, 600);
      dur("clear_after", zone.clear_after, 0.5, 3600);
      dur("cooldown", zone.cooldown, 0, 86400);
      if (auto x = z["people_only"]; x.IsDefined()) {
        zone.people_only = ctx.reader.boolean(x, childPath(p, "people_only")).value_or(false);
      }
      d.zones.push_back(std::move(zone));
    }
  }
}

}  // namespace villagecam::config
