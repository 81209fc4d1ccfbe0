// The county's three rates, defined once (docs/county.md):
//   online rate   = cameras online / cameras configured; a silent node's
//                   cameras count as configured and not online; disabled
//                   cameras count as configured and not online
//   intact rate   = online cameras whose view passed its checks / cameras
//                   configured; an online camera whose view is not checked
//                   (no baseline yet) is unverified: not intact, counted apart
//   coverage rate = weight of the areas covered (a checked view watches them)
//                   / weight of the areas known; a silent node's areas are
//                   known and not covered; areas a live node does not know
//                   yet are left out
// Pure: the picture in, counts out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "live/picture.hpp"

namespace villagecam::county {

struct Counts {
  int nodes = 0;
  int nodes_silent = 0;
  int cameras = 0;  // configured
  int online = 0;
  int intact = 0;
  int unverified = 0;  // online, view not checked
  int areas = 0;
  int areas_covered = 0;
  int areas_unverified = 0;
  int areas_uncovered = 0;
  int areas_unknown = 0;  // left out of the coverage rate
  int areas_silent = 0;   // of silent nodes: in the rate, not covered
  double weight = 0;      // of the areas in the coverage rate
  double weight_covered = 0;
  double weight_unverified = 0;

  Counts& operator+=(const Counts& o);
  std::optional<double> onlineRate() const;
  std::optional<double> intactRate() const;
  std::optional<double> coverageRate() const;
  std::optional<double> unverifiedViewShare() const;  // unverified / configured
  std::optional<double> unverifiedAreaShare() const;  // weight unverified / weight
};

Counts countNode(const LivePicture& picture, const NodeLive& node);

// A row of the overview: a township or a village (one node).
struct GroupRow {
  std::string key;   // township: its 9-digit code, or "name:<township>"; village: the node key
  std::string name;
  std::string township;  // villages: the township's name
  std::string code;      // the statistical area code (township: 9 digits, village: 12), if known
  Counts counts;
};

struct Overview {
  Counts county;
  std::vector<GroupRow> townships;  // worst first
  std::vector<GroupRow> villages;   // worst first
};

Overview overview(const LivePicture& picture);

// Worst first: the lowest online rate, then intact, then coverage; none known last.
bool worseThan(const GroupRow& a, const GroupRow& b);

}  // namespace villagecam::county
