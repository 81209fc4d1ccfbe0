// The alert history as the API and its CSV export give it (pure): a query
// from the request's parameters, each refused one named; records as JSON and
// as CSV (RFC 4180, UTF-8 with a byte order mark so that spreadsheet
// programs read Chinese right).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <variant>
#include <vector>

#include "contract/readers.hpp"
#include "history/records.hpp"

namespace villagecam::county {

// from, to (RFC 3339 or a date, 2026-12-06, taken as local midnight),
// type, township, node, open (1/true), limit (1..10000).
// Returns the query, or what is wrong ("from: expected ... got ...").
std::variant<AlertQuery, std::string> alertQueryOf(const std::map<std::string, std::string>& params);

// A time parameter: RFC 3339, or a date (2026-12-06) taken as local midnight.
std::optional<WallTime> timeParam(const std::string& text);

nlohmann::json alertsJson(const std::vector<AlertRecord>& records);
std::string alertsCsv(const std::vector<AlertRecord>& records);

// An open alert as the live picture keeps it, from its record (a restart).
contract::AlertMessage alertMessageOf(const AlertRecord& record);

}  // namespace villagecam::county
