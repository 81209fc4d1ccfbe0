// What the console's JSON API answers (docs/county.md), made from the live
// picture by pure functions: the server only routes. Nothing here carries a
// camera URL or a credential: the picture never holds one.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "live/picture.hpp"
#include "live/rates.hpp"

namespace villagecam::county {

nlohmann::json countsJson(const Counts& counts);

// GET /api/summary: the county's nodes, cameras, areas, the three rates and
// the shares unverified, and each township's.
nlohmann::json summaryJson(const LivePicture& picture, const std::string& county_name, WallTime now);

// GET /api/villages: every village (node) with its counts and rates, worst first.
nlohmann::json villagesJson(const LivePicture& picture);

// GET /api/villages/<node>: its place, counts, cameras (state, view, uptime
// over 24 h and 7 days by the node's own ledger), areas and open alerts; null
// if no such node.
nlohmann::json villageJson(const LivePicture& picture, const std::string& node_key);

// GET /api/problems: nodes whose payloads are refused or who claim another
// place, the number pending admission, silent nodes, cameras not online,
// tampered views, uncovered areas and views not checked, each with since when.
nlohmann::json problemsJson(const LivePicture& picture);

// GET /api/nodes/pending: nodes heard from but not admitted, with the place
// they claim and what was not taken from them.
nlohmann::json pendingJson(const LivePicture& picture);

// GET /api/nodes: the admitted nodes and the places they were admitted with.
nlohmann::json admittedJson(const LivePicture& picture);

// GET /api/alerts/open: the open alerts, newest first.
nlohmann::json openAlertsJson(const LivePicture& picture);

// An alert's message in each language the pages speak, said by the console
// from the alert itself (the node's own message is in the node's language):
// {"zh-CN": "...", "en": "..."}.
nlohmann::json alertMessagesJson(const events::Alert& alert);

// GET /api/search?q=: the admitted villages and their cameras whose GB/T 28181
// device code, id, name (or the village's admin code, township) holds `query`
// (ASCII letters in any case), best first: a whole device code, then one
// that starts with it, then the rest; at most `limit`, and how many more.
// {"query", "results": [{"kind": "village"|"camera", "node", "village",
// "township", "camera", "name", "gb_code", "state", "matched"}], "more"}.
nlohmann::json searchJson(const LivePicture& picture, const std::string& query, std::size_t limit = 50);

// The words for the contract's codes, both languages (events/code_words):
// {"zh-CN": {"failure": {code: words}, "issue": {...}, ...}, "en": {...}}.
// The pages show a code through these, never the code itself.
nlohmann::json wordsJson();

}  // namespace villagecam::county
