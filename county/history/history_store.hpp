// The console's history, one interface over two engines: SQLite (one file in
// the state directory, the default) and PostgreSQL (shared by two consoles).
// Every method may throw StoreError naming the engine and what failed; the
// console logs it and keeps the data for the next try where it can.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "contract/readers.hpp"
#include "history/records.hpp"

namespace villagecam::county {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class HistoryStore {
 public:
  virtual ~HistoryStore() = default;

  virtual std::string engine() const = 0;  // "sqlite /path", "postgresql host=..."
  virtual int schemaVersion() = 0;

  // Stores one alert message once, by (id, phase, updated_at); true if it
  // was new. The alert's row follows its latest word. A message whose id is
  // another node's alert is not stored (false): a node speaks for itself.
  virtual bool addAlert(const contract::AlertMessage& message, WallTime received_at) = 0;
  virtual std::vector<AlertRecord> alerts(const AlertQuery& query) = 0;  // newest first

  // Adds seconds to each row's day (rows for the same day and subject add up).
  virtual void addSeconds(const std::vector<CameraSeconds>& cameras, const std::vector<AreaSeconds>& areas) = 0;
  virtual std::vector<CameraSeconds> cameraDays(const std::string& from_day, const std::string& to_day) = 0;
  virtual std::vector<AreaSeconds> areaDays(const std::string& from_day, const std::string& to_day) = 0;

  virtual void silenceBegan(const SilenceRecord& silence) = 0;
  virtual void silenceEnded(const std::string& node, WallTime at) = 0;
  virtual std::vector<SilenceRecord> silences(WallTime from, WallTime to) = 0;

  // Whether this console books the seconds (one console of a shared store
  // does; with SQLite, always).
  virtual bool booksTime() = 0;

  // Operators and their sessions.
  virtual void putUser(const UserRecord& user) = 0;  // added, or replaced by name
  virtual std::optional<UserRecord> user(const std::string& name) = 0;
  virtual std::vector<UserRecord> users() = 0;
  virtual void putSession(const SessionRecord& session) = 0;
  virtual std::optional<SessionRecord> session(const std::string& token_digest, WallTime now) = 0;  // unexpired
  virtual void dropSession(const std::string& token_digest) = 0;

  // Snapshots (JPEG) by id; the latest received of each camera. Kept 30 days
  // from their receipt, and at most kSnapshotBytesPerNode of each node (its
  // oldest go first), so no node's flood evicts another's. A snapshot whose
  // id another node already used is not stored (false).
  static constexpr std::size_t kSnapshotBytesPerNode = 64u << 20;
  static constexpr auto kSnapshotDays = std::chrono::hours(24 * 30);
  virtual bool putSnapshot(const SnapshotRecord& snapshot) = 0;
  virtual std::optional<SnapshotRecord> snapshot(const std::string& id) = 0;
  virtual std::optional<SnapshotRecord> latestSnapshot(const std::string& node, const std::string& camera) = 0;

  // The nodes admitted into the numbers; admitting again moves a node.
  virtual void admitNode(const NodeRecord& node) = 0;
  virtual std::vector<NodeRecord> admittedNodes() = 0;

  // Alerts another console stored since the last call (a shared store),
  // so that each console's live picture has every alert.
  virtual std::vector<AlertRecord> alertsFromOthers() { return {}; }
};

// The record an alert message makes.
AlertRecord alertRecordOf(const contract::AlertMessage& message);

// Whether `incoming` is a later word about the alert than `stored`: an end
// is final; an update supersedes a start and an earlier update. Messages
// arrive at least once and, across two consoles, in any order.
bool supersedes(const AlertRecord& incoming, const AlertRecord& stored);

}  // namespace villagecam::county
