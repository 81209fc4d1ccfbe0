// What the console keeps in its history, as plain rows: the alerts (every
// start, update and end once), the seconds each camera and area spent in
// each state per day, and the spells nodes were silent. Both stores (SQLite,
// PostgreSQL) read and write these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "contract/payloads.hpp"
#include "util/clock.hpp"

namespace villagecam::county {

// One alert as the history lists it: its latest word (start, update or end).
struct AlertRecord {
  std::string id;
  std::string node;
  std::string township;
  std::string village;
  std::string admin_code;
  std::string type;
  std::string severity;
  std::string phase;  // the latest phase stored
  std::string camera;
  std::string area;
  std::string zone;
  WallTime started_at{};
  std::optional<WallTime> ended_at;
  std::optional<WallTime> updated_at;
  std::string snapshot;  // the snapshot id it names, if any
  std::string message;
  std::string clip;      // the evidence clip it names (its id), if any
  bool operator==(const AlertRecord&) const = default;
};

struct AlertQuery {
  std::optional<WallTime> from;  // started at or after
  std::optional<WallTime> to;    // started before
  std::string type;              // empty: any
  std::string township;
  std::string node;
  bool open_only = false;
  int limit = 1000;
};

// The seconds a camera spent in each state over (part of) a local day.
struct CameraSeconds {
  std::string day;  // local date, 2026-12-06
  std::string node;
  std::string camera;
  std::string township;
  std::string village;
  double online = 0;      // delivering video
  double intact = 0;      // online with a view that passed its checks
  double unverified = 0;  // online, view not checked
  double down = 0;        // not online, or its node silent
  double known() const { return online + down; }
};

struct AreaSeconds {
  std::string day;
  std::string node;
  std::string area;
  std::string township;
  std::string village;
  double weight = 1;
  double covered = 0;
  double unverified = 0;
  double uncovered = 0;  // includes the time its node was silent
  double known() const { return covered + unverified + uncovered; }
};

// Rows of one day and subject added up into one (history/day_rates.cpp).
std::vector<CameraSeconds> merged(const std::vector<CameraSeconds>& rows);
std::vector<AreaSeconds> merged(const std::vector<AreaSeconds>& rows);

struct UserRecord {
  std::string name;
  std::string role;           // admin or viewer
  std::string password_hash;  // hashPassword's
  WallTime created_at{};
};

struct SessionRecord {
  std::string token_digest;  // SHA-256 of the token: the token itself is never stored
  std::string user;
  WallTime created_at{};
  WallTime expires_at{};
};

struct SnapshotRecord {
  std::string id;
  std::string node;
  std::string camera;
  std::string reason;
  WallTime taken_at{};   // the node's clock: shown, never trusted for retention
  std::string jpeg;
  WallTime received_at{};  // the console's clock: what retention and "latest" go by
};

// A node admitted into the county's numbers, and the place it counts under.
struct NodeRecord {
  std::string node;
  contract::Place place;
  std::string admitted_by;  // an operator's name, or "config" (admin-code prefix)
  WallTime admitted_at{};
};

struct SilenceRecord {
  std::string node;
  std::string reason;  // offline, no_status
  WallTime began_at{};
  std::optional<WallTime> ended_at;
};

}  // namespace villagecam::county
