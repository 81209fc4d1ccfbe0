#include "sqlite/sqlite_history.hpp"

#include "util/time_format.hpp"

namespace villagecam::county::sqlite {
namespace {

// Each migration once, in order; never edit one that has shipped.
const std::vector<std::pair<int, std::string>> kMigrations = {
    {1, R"(
CREATE TABLE alert_events (
  id TEXT NOT NULL, phase TEXT NOT NULL, updated_at TEXT NOT NULL, received_at TEXT NOT NULL, payload TEXT NOT NULL,
  PRIMARY KEY (id, phase, updated_at));
CREATE TABLE alerts (
  id TEXT PRIMARY KEY, node TEXT NOT NULL, township TEXT NOT NULL, village TEXT NOT NULL, admin_code TEXT NOT NULL,
  type TEXT NOT NULL, severity TEXT NOT NULL, phase TEXT NOT NULL, camera TEXT NOT NULL, area TEXT NOT NULL,
  zone TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT, updated_at TEXT, snapshot TEXT NOT NULL,
  message TEXT NOT NULL);
CREATE INDEX alerts_by_start ON alerts (started_at);
CREATE INDEX alerts_open ON alerts (started_at) WHERE ended_at IS NULL;
CREATE TABLE camera_days (
  day TEXT NOT NULL, node TEXT NOT NULL, camera TEXT NOT NULL, township TEXT NOT NULL, village TEXT NOT NULL,
  online REAL NOT NULL, intact REAL NOT NULL, unverified REAL NOT NULL, down REAL NOT NULL,
  PRIMARY KEY (day, node, camera));
CREATE TABLE area_days (
  day TEXT NOT NULL, node TEXT NOT NULL, area TEXT NOT NULL, township TEXT NOT NULL, village TEXT NOT NULL,
  weight REAL NOT NULL, covered REAL NOT NULL, unverified REAL NOT NULL, uncovered REAL NOT NULL,
  PRIMARY KEY (day, node, area));
CREATE TABLE silences (
  node TEXT NOT NULL, reason TEXT NOT NULL, began_at TEXT NOT NULL, ended_at TEXT,
  PRIMARY KEY (node, began_at));
)"},
    {2, R"(
CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE sessions (token_digest TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL,
                       expires_at TEXT NOT NULL);
CREATE TABLE snapshots (id TEXT PRIMARY KEY, node TEXT NOT NULL, camera TEXT NOT NULL, reason TEXT NOT NULL,
                        taken_at TEXT NOT NULL, jpeg BLOB NOT NULL);
CREATE INDEX snapshots_latest ON snapshots (node, camera, taken_at);
)"},
    {3, R"(
ALTER TABLE snapshots ADD COLUMN received_at TEXT NOT NULL DEFAULT '';
UPDATE snapshots SET received_at = taken_at;
CREATE INDEX snapshots_received ON snapshots (node, camera, received_at);
CREATE TABLE nodes (node TEXT PRIMARY KEY, region TEXT NOT NULL, township TEXT NOT NULL, village TEXT NOT NULL,
                    admin_code TEXT NOT NULL, admitted_by TEXT NOT NULL, admitted_at TEXT NOT NULL);
)"},
    {4, R"(
ALTER TABLE alerts ADD COLUMN clip TEXT NOT NULL DEFAULT '';
)"},
};

std::optional<std::string> optionalTime(const std::optional<WallTime>& t) {
  return t ? std::optional(toRfc3339(*t)) : std::nullopt;
}
std::optional<WallTime> timeOf(const std::optional<std::string>& text) {
  return text ? fromRfc3339(*text) : std::nullopt;
}

AlertRecord recordAt(const Statement& s) {
  AlertRecord r;
  r.id = s.text(0);
  r.node = s.text(1);
  r.township = s.text(2);
  r.village = s.text(3);
  r.admin_code = s.text(4);
  r.type = s.text(5);
  r.severity = s.text(6);
  r.phase = s.text(7);
  r.camera = s.text(8);
  r.area = s.text(9);
  r.zone = s.text(10);
  r.started_at = fromRfc3339(s.text(11)).value_or(WallTime{});
  r.ended_at = timeOf(s.optionalText(12));
  r.updated_at = timeOf(s.optionalText(13));
  r.snapshot = s.text(14);
  r.message = s.text(15);
  r.clip = s.text(16);
  return r;
}

constexpr const char* kAlertColumns =
    "id, node, township, village, admin_code, type, severity, phase, camera, area, zone, started_at, ended_at, "
    "updated_at, snapshot, message, clip";

}  // namespace

SqliteHistory::SqliteHistory(const std::filesystem::path& file) : file_(file), db_(file) {
  db_.exec("PRAGMA journal_mode=WAL");
  db_.exec("PRAGMA synchronous=FULL");  // a commit survives a power cut, not only a kill -9
  // Owner-only, a file made by an older version too: it holds password hashes.
  for (const auto* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    std::filesystem::permissions(file_.string() + suffix,
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace, ec);
  }
  migrate();
}

void SqliteHistory::migrate() {
  std::lock_guard lock(mutex_);
  db_.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
  for (const auto& [version, sql] : kMigrations) {
    Transaction tx(db_);
    auto seen = db_.prepare("SELECT 1 FROM schema_migrations WHERE version = ?");
    if (seen.bind(1, static_cast<std::int64_t>(version)).step()) continue;
    db_.exec(sql);
    db_.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)")
        .bind(1, static_cast<std::int64_t>(version))
        .bind(2, toRfc3339(std::chrono::system_clock::now()))
        .run();
    tx.commit();
  }
}

int SqliteHistory::schemaVersion() {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  s.step();
  return static_cast<int>(s.integer(0));
}

bool SqliteHistory::addAlert(const contract::AlertMessage& message, WallTime received_at) {
  const auto record = alertRecordOf(message);
  std::lock_guard lock(mutex_);
  Transaction tx(db_);
  auto owner = db_.prepare("SELECT node FROM alerts WHERE id = ?");
  if (owner.bind(1, record.id).step() && owner.text(0) != record.node) return false;  // another node's alert
  db_.prepare("INSERT OR IGNORE INTO alert_events (id, phase, updated_at, received_at, payload) VALUES (?, ?, ?, ?, ?)")
      .bind(1, record.id)
      .bind(2, record.phase)
      .bind(3, record.updated_at ? toRfc3339(*record.updated_at) : std::string())
      .bind(4, toRfc3339(received_at))
      .bind(5, contract::alertJson(message.alert, message.origin, config::Language::ZhCN).dump())
      .run();
  if (db_.changes() == 0) return false;  // seen before: at least once means sometimes twice
  auto stored = db_.prepare(std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE id = ?");
  const bool exists = stored.bind(1, record.id).step();
  if (!exists || supersedes(record, recordAt(stored))) {
    AlertRecord row = record;
    if (exists) {  // a later word keeps what the start said (an end says it again)
      const auto before = recordAt(stored);
      row.started_at = before.started_at;
      if (row.clip.empty()) row.clip = before.clip;
      if (row.snapshot.empty()) row.snapshot = before.snapshot;
    }
    db_.prepare(std::string("INSERT OR REPLACE INTO alerts (") + kAlertColumns +
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, row.id).bind(2, row.node).bind(3, row.township).bind(4, row.village).bind(5, row.admin_code)
        .bind(6, row.type).bind(7, row.severity).bind(8, row.phase).bind(9, row.camera).bind(10, row.area)
        .bind(11, row.zone).bind(12, toRfc3339(row.started_at)).bind(13, optionalTime(row.ended_at))
        .bind(14, optionalTime(row.updated_at)).bind(15, row.snapshot).bind(16, row.message).bind(17, row.clip)
        .run();
  }
  tx.commit();
  return true;
}

std::vector<AlertRecord> SqliteHistory::alerts(const AlertQuery& q) {
  std::string sql = std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE 1 = 1";
  std::vector<std::string> args;
  if (q.from) sql += " AND started_at >= ?", args.push_back(toRfc3339(*q.from));
  if (q.to) sql += " AND started_at < ?", args.push_back(toRfc3339(*q.to));
  if (!q.type.empty()) sql += " AND type = ?", args.push_back(q.type);
  if (!q.township.empty()) sql += " AND township = ?", args.push_back(q.township);
  if (!q.node.empty()) sql += " AND node = ?", args.push_back(q.node);
  if (q.open_only) sql += " AND ended_at IS NULL";
  sql += " ORDER BY started_at DESC, id LIMIT " + std::to_string(std::max(1, q.limit));
  std::lock_guard lock(mutex_);
  auto s = db_.prepare(sql);
  for (std::size_t i = 0; i < args.size(); ++i) s.bind(static_cast<int>(i + 1), args[i]);
  std::vector<AlertRecord> out;
  while (s.step()) out.push_back(recordAt(s));
  return out;
}

void SqliteHistory::addSeconds(const std::vector<CameraSeconds>& cameras, const std::vector<AreaSeconds>& areas) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_);
  auto cam = db_.prepare(
      "INSERT INTO camera_days (day, node, camera, township, village, online, intact, unverified, down) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day, node, camera) DO UPDATE SET "
      "township = excluded.township, village = excluded.village, online = online + excluded.online, "
      "intact = intact + excluded.intact, unverified = unverified + excluded.unverified, down = down + excluded.down");
  for (const auto& c : cameras) {
    cam.bind(1, c.day).bind(2, c.node).bind(3, c.camera).bind(4, c.township).bind(5, c.village)
        .bind(6, c.online).bind(7, c.intact).bind(8, c.unverified).bind(9, c.down).run();
    cam.reset();
  }
  auto area = db_.prepare(
      "INSERT INTO area_days (day, node, area, township, village, weight, covered, unverified, uncovered) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day, node, area) DO UPDATE SET "
      "township = excluded.township, village = excluded.village, weight = excluded.weight, "
      "covered = covered + excluded.covered, unverified = unverified + excluded.unverified, "
      "uncovered = uncovered + excluded.uncovered");
  for (const auto& a : areas) {
    area.bind(1, a.day).bind(2, a.node).bind(3, a.area).bind(4, a.township).bind(5, a.village)
        .bind(6, a.weight).bind(7, a.covered).bind(8, a.unverified).bind(9, a.uncovered).run();
    area.reset();
  }
  tx.commit();
}

std::vector<CameraSeconds> SqliteHistory::cameraDays(const std::string& from_day, const std::string& to_day) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT day, node, camera, township, village, online, intact, unverified, down FROM camera_days "
                       "WHERE day >= ? AND day <= ? ORDER BY day, node, camera");
  s.bind(1, from_day).bind(2, to_day);
  std::vector<CameraSeconds> out;
  while (s.step()) {
    out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.number(5), s.number(6), s.number(7),
                   s.number(8)});
  }
  return out;
}

std::vector<AreaSeconds> SqliteHistory::areaDays(const std::string& from_day, const std::string& to_day) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT day, node, area, township, village, weight, covered, unverified, uncovered FROM area_days "
                       "WHERE day >= ? AND day <= ? ORDER BY day, node, area");
  s.bind(1, from_day).bind(2, to_day);
  std::vector<AreaSeconds> out;
  while (s.step()) {
    out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.number(5), s.number(6), s.number(7),
                   s.number(8)});
  }
  return out;
}

void SqliteHistory::silenceBegan(const SilenceRecord& r) {
  std::lock_guard lock(mutex_);
  db_.prepare("INSERT OR IGNORE INTO silences (node, reason, began_at, ended_at) VALUES (?, ?, ?, NULL)")
      .bind(1, r.node).bind(2, r.reason).bind(3, toRfc3339(r.began_at)).run();
}

void SqliteHistory::silenceEnded(const std::string& node, WallTime at) {
  std::lock_guard lock(mutex_);
  db_.prepare("UPDATE silences SET ended_at = ? WHERE node = ? AND ended_at IS NULL")
      .bind(1, toRfc3339(at)).bind(2, node).run();
}

std::vector<SilenceRecord> SqliteHistory::silences(WallTime from, WallTime to) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT node, reason, began_at, ended_at FROM silences "
                       "WHERE began_at < ? AND (ended_at IS NULL OR ended_at >= ?) ORDER BY began_at");
  s.bind(1, toRfc3339(to)).bind(2, toRfc3339(from));
  std::vector<SilenceRecord> out;
  while (s.step()) {
    out.push_back({s.text(0), s.text(1), fromRfc3339(s.text(2)).value_or(WallTime{}), timeOf(s.optionalText(3))});
  }
  return out;
}

void SqliteHistory::putUser(const UserRecord& u) {
  std::lock_guard lock(mutex_);
  db_.prepare("INSERT OR REPLACE INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)")
      .bind(1, u.name).bind(2, u.role).bind(3, u.password_hash).bind(4, toRfc3339(u.created_at)).run();
}

std::optional<UserRecord> SqliteHistory::user(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT name, role, password_hash, created_at FROM users WHERE name = ?");
  if (!s.bind(1, name).step()) return std::nullopt;
  return UserRecord{s.text(0), s.text(1), s.text(2), fromRfc3339(s.text(3)).value_or(WallTime{})};
}

std::vector<UserRecord> SqliteHistory::users() {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT name, role, password_hash, created_at FROM users ORDER BY name");
  std::vector<UserRecord> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), fromRfc3339(s.text(3)).value_or(WallTime{})});
  return out;
}

void SqliteHistory::putSession(const SessionRecord& r) {
  std::lock_guard lock(mutex_);
  db_.prepare("DELETE FROM sessions WHERE expires_at < ?").bind(1, toRfc3339(r.created_at)).run();
  db_.prepare("INSERT INTO sessions (token_digest, name, created_at, expires_at) VALUES (?, ?, ?, ?)")
      .bind(1, r.token_digest).bind(2, r.user).bind(3, toRfc3339(r.created_at)).bind(4, toRfc3339(r.expires_at)).run();
}

std::optional<SessionRecord> SqliteHistory::session(const std::string& digest, WallTime now) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT token_digest, name, created_at, expires_at FROM sessions WHERE token_digest = ? "
                       "AND expires_at > ?");
  if (!s.bind(1, digest).bind(2, toRfc3339(now)).step()) return std::nullopt;
  return SessionRecord{s.text(0), s.text(1), fromRfc3339(s.text(2)).value_or(WallTime{}),
                       fromRfc3339(s.text(3)).value_or(WallTime{})};
}

void SqliteHistory::dropSession(const std::string& digest) {
  std::lock_guard lock(mutex_);
  db_.prepare("DELETE FROM sessions WHERE token_digest = ?").bind(1, digest).run();
}

bool SqliteHistory::putSnapshot(const SnapshotRecord& r) {
  std::lock_guard lock(mutex_);
  Transaction tx(db_);
  auto owner = db_.prepare("SELECT node FROM snapshots WHERE id = ?");
  if (owner.bind(1, r.id).step()) return false;  // stored before, or another node's id
  auto insert = db_.prepare(
      "INSERT INTO snapshots (id, node, camera, reason, taken_at, jpeg, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, r.id).bind(2, r.node).bind(3, r.camera).bind(4, r.reason).bind(5, toRfc3339(r.taken_at));
  insert.bindBlob(6, r.jpeg).bind(7, toRfc3339(r.received_at)).run();
  db_.prepare("DELETE FROM snapshots WHERE received_at < ?").bind(1, toRfc3339(r.received_at - kSnapshotDays)).run();
  // The node's own oldest go once it holds more than its share.
  auto sizes = db_.prepare("SELECT id, length(jpeg) FROM snapshots WHERE node = ? ORDER BY received_at DESC, id DESC");
  sizes.bind(1, r.node);
  std::size_t kept = 0;
  std::vector<std::string> over;
  while (sizes.step()) {
    kept += static_cast<std::size_t>(sizes.integer(1));
    if (kept > kSnapshotBytesPerNode) over.push_back(sizes.text(0));
  }
  for (const auto& id : over) db_.prepare("DELETE FROM snapshots WHERE id = ?").bind(1, id).run();
  tx.commit();
  return true;
}

namespace {

SnapshotRecord snapshotAt(const Statement& s) {
  return SnapshotRecord{s.text(0), s.text(1), s.text(2), s.text(3), fromRfc3339(s.text(4)).value_or(WallTime{}),
                        s.blob(5), fromRfc3339(s.text(6)).value_or(WallTime{})};
}

}  // namespace

std::optional<SnapshotRecord> SqliteHistory::snapshot(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT id, node, camera, reason, taken_at, jpeg, received_at FROM snapshots WHERE id = ?");
  if (!s.bind(1, id).step()) return std::nullopt;
  return snapshotAt(s);
}

std::optional<SnapshotRecord> SqliteHistory::latestSnapshot(const std::string& node, const std::string& camera) {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT id, node, camera, reason, taken_at, jpeg, received_at FROM snapshots "
                       "WHERE node = ? AND camera = ? ORDER BY received_at DESC LIMIT 1");
  if (!s.bind(1, node).bind(2, camera).step()) return std::nullopt;
  return snapshotAt(s);
}

void SqliteHistory::admitNode(const NodeRecord& n) {
  std::lock_guard lock(mutex_);
  db_.prepare("INSERT OR REPLACE INTO nodes (node, region, township, village, admin_code, admitted_by, admitted_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, n.node).bind(2, n.place.region).bind(3, n.place.township).bind(4, n.place.village)
      .bind(5, n.place.admin_code).bind(6, n.admitted_by).bind(7, toRfc3339(n.admitted_at))
      .run();
}

std::vector<NodeRecord> SqliteHistory::admittedNodes() {
  std::lock_guard lock(mutex_);
  auto s = db_.prepare("SELECT node, region, township, village, admin_code, admitted_by, admitted_at FROM nodes ORDER BY node");
  std::vector<NodeRecord> out;
  while (s.step()) {
    out.push_back({s.text(0), {s.text(1), s.text(2), s.text(3), s.text(4)}, s.text(5),
                   fromRfc3339(s.text(6)).value_or(WallTime{})});
  }
  return out;
}

}  // namespace villagecam::county::sqlite
