#include "console/county_console.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <regex>

#include "access/passwords.hpp"
#include "history/alert_listing.hpp"
#include "history/day_rates.hpp"
#include "live/views.hpp"
#include "postgres/postgres_history.hpp"
#include "sqlite/sqlite_history.hpp"
#include "config/admin_code.hpp"
#include "contract/readers.hpp"
#include "util/time_format.hpp"
#include "service/signals.hpp"
#include "util/log_text.hpp"
#include "util/logging.hpp"

namespace villagecam::county {

std::string userProblem(const std::string& name, const std::string& role, const std::string& password) {
  static const std::regex kName("[a-z0-9_.-]{1,32}");
  if (!std::regex_match(name, kName)) return "name: 1-32 of a-z 0-9 _ . - (got '" + forLog(name, 40) + "')";
  if (role != "admin" && role != "viewer") return "role: admin or viewer (got '" + forLog(role, 20) + "')";
  if (const auto p = passwordProblem(password); !p.empty()) return "password: " + p;
  return {};
}

std::string nodeProblem(const std::string& node, const contract::Place& place) {
  static const std::regex kNode("[A-Za-z0-9_.-]{1,64}");
  if (!std::regex_match(node, kNode)) return "node: 1-64 of A-Z a-z 0-9 _ . - (got '" + forLog(node, 70) + "')";
  for (const auto* name : {&place.region, &place.township, &place.village}) {
    if (name->size() > 200 || forLog(*name, 400) != *name) return "a place's name is one line of at most 200 bytes";
  }
  if (!place.admin_code.empty()) {
    if (const auto problem = config::adminCodeProblem(place.admin_code); !problem.empty()) return "admin_code: " + problem;
  }
  return {};
}

std::unique_ptr<HistoryStore> openStore(const CountyConfig& config) {
  if (config.storage.engine == StorageEngine::Postgresql) {
    return std::make_unique<postgres::PostgresHistory>(config.storage.postgresql, config.storage.password);
  }
  // Owner-only: the history holds the operators' password hashes.
  std::filesystem::create_directories(config.state_dir);
  std::filesystem::permissions(config.state_dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
  return std::make_unique<sqlite::SqliteHistory>(config.state_dir / "county.sqlite3");
}

CountyConsole::CountyConsole(CountyConfig config, const Clock& clock, std::unique_ptr<HistoryStore> store)
    : config_(std::move(config)),
      clock_(clock),
      picture_(config_.topic_root, config_.default_status_interval,
               Admission{config_.admission.admin_code_prefixes, static_cast<std::size_t>(config_.admission.max_pending)}),
      store_(std::move(store)),
      feed_(config_, [this](FeedMessage m) { queue_.post(std::move(m)); }),
      live_video_(config_, clock_, [this](const std::string& topic, const std::string& payload) {
        return feed_.publish(topic, payload);
      }),
      clips_(config_, clock_, live_video_.receiver(), [this](const std::string& topic, const std::string& payload) {
        return feed_.publish(topic, payload);
      }),
      server_(config_.http, *this, consolePagesDir(), consoleModulesDir()) {}

CountyConsole::~CountyConsole() { stop(); }

int CountyConsole::start() {
  // The alerts open before a restart: their ends will come from the broker.
  std::vector<contract::AlertMessage> open;
  AlertQuery open_query;
  open_query.open_only = true;
  open_query.limit = 10000;
  for (const auto& r : store_->alerts(open_query)) open.push_back(alertMessageOf(r));
  picture_.restoreOpenAlerts(std::move(open));
  reloadAdmitted();
  next_flush_ = clock_.steady() + std::chrono::minutes(1);
  live_port_ = live_video_.start();
  clips_.start();
  const int port = server_.start();
  thread_ = std::thread([this] { loop(); });
  feed_.start();
  return port;
}

void CountyConsole::stop() {
  live_video_.endAll();  // every push it asked for stops now, while the broker is there to say so
  feed_.stop();
  queue_.stop();
  if (thread_.joinable()) thread_.join();  // the loop books and stores what it has before it returns
  server_.stop();
  live_video_.stop();  // no page asks any more: every push it asked for is stopped
}

// The nodes admitted in the store (by an admin, here or on the other console
// of a shared store) into the picture.
void CountyConsole::reloadAdmitted() {
  std::map<std::string, contract::Place> admitted;
  try {
    for (const auto& n : store_->admittedNodes()) admitted[n.node] = n.place;
  } catch (const std::exception& e) {
    logger("county")->warn("cannot read the admitted nodes: {}", e.what());
    return;
  }
  std::lock_guard lock(mutex_);
  picture_.setAdmitted(admitted);
}

// Refused payloads: counted always, logged once a minute per node (with how
// many were not logged), escaped and cut, so no node can flood or forge the log.
void CountyConsole::noteRefused(const std::string& source, const std::string& error, SteadyTime now) {
  ++bad_;
  // And at most kRefusalLinesPerMinute lines in all: many sources say it in one line a minute.
  if (now - refusal_minute_ >= std::chrono::minutes(1)) {
    if (refusals_unlogged_ > 0) {
      logger("county")->warn("{} more payloads refused in the last minute, not logged one by one (see /api/problems)",
                             refusals_unlogged_);
    }
    refusal_minute_ = now;
    refusal_lines_ = 0;
    refusals_unlogged_ = 0;
  }
  if (refusal_log_.size() > 10000) {
    std::erase_if(refusal_log_, [&](const auto& e) { return now - e.second.logged > std::chrono::minutes(1); });
  }
  auto& entry = refusal_log_[forLog(source, 64)];
  if ((entry.logged != SteadyTime{} && now - entry.logged < std::chrono::minutes(1)) ||
      refusal_lines_ >= kRefusalLinesPerMinute) {
    ++entry.unlogged;
    ++refusals_unlogged_;
    return;
  }
  ++refusal_lines_;
  const auto unlogged = std::exchange(entry.unlogged, 0);
  entry.logged = now;
  logger("county")->warn("payload refused: {}{}", forLog(error, 400),
                         unlogged ? fmt::format(" ({} more from {} in the last minute)", unlogged, forLog(source, 64)) : "");
}

bool CountyConsole::isReply(const FeedMessage& m, std::string& node) const {
  const std::string head = config_.topic_root + "/";
  static const std::string tail = "/replies";
  if (m.topic.size() <= head.size() + tail.size() || m.topic.rfind(head, 0) != 0 ||
      m.topic.compare(m.topic.size() - tail.size(), tail.size(), tail) != 0) {
    return false;
  }
  node = m.topic.substr(head.size(), m.topic.size() - head.size() - tail.size());
  return node.find('/') == std::string::npos;
}

// A reply counts only from the node it was asked of, on its own topic (the
// broker binds topics to accounts), and only for a command of this console.
void CountyConsole::takeReply(const std::string& node, const FeedMessage& m, SteadyTime now) {
  try {
    const auto reply = contract::readCommandReply(contract::parsePayload(m.payload, "command-reply")).reply;
    const bool ours = reply.kind == contract::CommandKind::ClipUpload ? clips_.replied(node, reply)
                                                                      : live_video_.replied(node, reply);
    if (!ours) {
      logger("county")->debug("a reply of node {} to a command not of this console ({})", forLog(node, 64),
                              forLog(reply.command_id, 80));
    }
  } catch (const std::exception& e) {
    std::lock_guard lock(mutex_);
    noteRefused(node, forLog(m.topic, 120) + ": " + e.what(), now);
  }
}

void CountyConsole::apply(const FeedMessage& m, SteadyTime now, WallTime wall) {
  Applied applied;
  try {
    applied = picture_.apply(m, now, wall);
  } catch (const std::exception& e) {  // nothing a node sends ends the console
    applied.kind = Applied::Kind::Bad;
    applied.error = forLog(m.topic, 120) + ": " + e.what();
  }
  ++applied_;
  if (applied.admitted_now) {
    pending_admissions_.push_back({applied.node_key, applied.place, "config", wall});
    logger("county")->info("node {} admitted by its admin code {} ({} {})", applied.node_key, applied.place.admin_code,
                           forLog(applied.place.township, 60), forLog(applied.place.village, 60));
  }
  if (applied.kind == Applied::Kind::Alert) {
    pending_alerts_.emplace_back(*applied.alert, wall);
    live_alerts_.push_back(*applied.alert);
    const auto& a = applied.alert->alert;
    if (a.phase == events::AlertPhase::End && a.clip) ended_clips_.emplace_back(applied.node_key, a.id);
  }
  if (applied.kind == Applied::Kind::Snapshot) {
    const auto& s = applied.snapshot->snapshot;
    pending_snapshots_.push_back({s.id, applied.node_key, s.camera_id, s.reason, s.taken_at, s.jpeg, wall});
  }
  if (applied.kind == Applied::Kind::Bad) noteRefused(applied.node_key, applied.error, now);
}

// Every alert message into the history, in order; what the store refuses
// (disk full, database away) stays queued and is tried again each second.
void CountyConsole::storePending() {
  while (!pending_admissions_.empty()) {
    try {
      store_->admitNode(pending_admissions_.front());
    } catch (const std::exception& e) {
      logger("county")->warn("cannot store the admission of node {} (retried): {}", pending_admissions_.front().node,
                             e.what());
      break;
    }
    pending_admissions_.pop_front();
  }
  while (!pending_snapshots_.empty()) {
    try {
      store_->putSnapshot(pending_snapshots_.front());
    } catch (const std::exception& e) {
      logger("county")->warn("cannot store a snapshot of {} (dropped: a snapshot is not an alert): {}",
                             pending_snapshots_.front().camera, e.what());
    }
    pending_snapshots_.pop_front();
  }
  while (!pending_alerts_.empty()) {
    try {
      if (store_->addAlert(pending_alerts_.front().first, pending_alerts_.front().second)) ++alerts_stored_;
    } catch (const std::exception& e) {
      if (e.what() != last_store_error_) {
        logger("county")->error("cannot store alerts ({} waiting, kept in memory and retried): {}",
                                pending_alerts_.size(), e.what());
        last_store_error_ = e.what();
      }
      break;
    }
    if (!last_store_error_.empty()) {
      logger("county")->info("the history takes alerts again");
      last_store_error_.clear();
    }
    pending_alerts_.pop_front();
  }
  alerts_pending_ = pending_alerts_.size();
}

// Alerts the other console of a shared group stored (PostgreSQL NOTIFY).
void CountyConsole::takeOthersAlerts() {
  std::vector<AlertRecord> records;
  try {
    records = store_->alertsFromOthers();
  } catch (const std::exception& e) {
    logger("county")->warn("cannot read the other console's alerts: {}", e.what());
    return;
  }
  if (records.empty()) return;
  std::lock_guard lock(mutex_);
  for (const auto& r : records) {
    picture_.applyAlert(alertMessageOf(r));
    live_alerts_.push_back(alertMessageOf(r));
  }
}

// To the live pages: each alert as it came; once a second, the summary if it changed.
void CountyConsole::publishLive(bool with_summary) {
  std::vector<contract::AlertMessage> alerts;
  std::string summary;
  {
    std::lock_guard lock(mutex_);
    alerts.swap(live_alerts_);
    if (with_summary) summary = summaryJson(picture_, config_.name, clock_.wall()).dump();
  }
  for (const auto& m : alerts) {
    auto j = alertsJson({alertRecordOf(m)})[0];
    j["messages"] = alertMessagesJson(m.alert);
    live_.publish("alert", j.dump());
  }
  if (!with_summary) return;
  // updated_at changes every time: compare without it.
  auto j = nlohmann::json::parse(summary);
  j.erase("updated_at");
  const auto key = j.dump();
  if (key != last_summary_) {
    last_summary_ = key;
    live_.publish("summary", summary);
  }
}

// The seconds booked (once a second, under the picture's lock) are written
// each minute and at a stop. Rows the store refuses are kept for the next
// write (each row adds its seconds, so two rows of one day and camera add up).
void CountyConsole::flushSeconds(SteadyTime now, bool force) {
  if (!force && now < next_flush_) return;
  next_flush_ = now + std::chrono::minutes(1);
  std::pair<std::vector<CameraSeconds>, std::vector<AreaSeconds>> rows;
  {
    std::lock_guard lock(mutex_);  // the booker and the kept rows are read by the reports too
    auto [cameras, areas] = booker_.take();
    auto& [kept_cameras, kept_areas] = pending_seconds_;
    kept_cameras.insert(kept_cameras.end(), cameras.begin(), cameras.end());
    kept_areas.insert(kept_areas.end(), areas.begin(), areas.end());
    rows.swap(pending_seconds_);
  }
  if (rows.first.empty() && rows.second.empty()) return;
  try {
    store_->addSeconds(rows.first, rows.second);
  } catch (const std::exception& e) {
    logger("county")->error("cannot store the booked time ({} rows kept for the next minute): {}",
                            rows.first.size() + rows.second.size(), e.what());
    std::lock_guard lock(mutex_);
    pending_seconds_.first.insert(pending_seconds_.first.end(), rows.first.begin(), rows.first.end());
    pending_seconds_.second.insert(pending_seconds_.second.end(), rows.second.begin(), rows.second.end());
  }
}

// Silences as the picture has them now against what the history was told.
std::vector<CountyConsole::SilenceChange> CountyConsole::silenceChanges(WallTime wall) {
  std::vector<SilenceChange> out;
  for (const auto& [key, node] : picture_.nodes()) {
    const bool silent = picture_.silent(node);
    auto it = told_silent_.find(node.node_id);
    const bool told = it != told_silent_.end();
    if (silent && !told) {
      out.push_back({node.node_id, node.label(), SilenceRecord{node.node_id, node.silent_reason, *node.silent_since, {}}, true});
      told_silent_.insert(node.node_id);
    } else if (!silent && told) {
      out.push_back({node.node_id, node.label(), SilenceRecord{node.node_id, "", wall, {}}, false});
      told_silent_.erase(it);
    }
  }
  return out;
}

void CountyConsole::loop() {
  auto log = logger("county");
  auto next_check = clock_.steady();
  while (true) {
    auto batch = queue_.waitUntil(next_check);
    std::vector<SilenceChange> silences;
    const auto now = clock_.steady();
    const bool each_second = now >= next_check || batch.stopping;
    // Asked before the picture's lock: with PostgreSQL it is a round trip.
    const bool books = each_second ? store_->booksTime() : books_.load();
    books_ = books;
    if (each_second && now >= next_reload_) {  // an admission on the other console of a shared store
      reloadAdmitted();
      next_reload_ = now + std::chrono::seconds(10);
    }
    // Replies to live-video commands go to the live video, outside the
    // picture's lock (they may publish commands and open or close paths).
    std::string reply_node;
    std::erase_if(batch.messages, [&](const FeedMessage& m) {
      if (!isReply(m, reply_node)) return false;
      takeReply(reply_node, m, now);
      return true;
    });
    {
      std::lock_guard lock(mutex_);
      const auto wall = clock_.wall();
      for (const auto& m : batch.messages) apply(m, now, wall);
      if (each_second) {
        picture_.checkSilence(now, wall);
        silences = silenceChanges(wall);
        booker_.tick(picture_, now, wall, books && feed_.connected());
        next_check = now + std::chrono::seconds(1);
      }
    }
    // The history's writes, outside the picture's lock: pages are not kept waiting.
    storePending();
    for (const auto& [node, alert] : std::exchange(ended_clips_, {})) clips_.alertEnded(node, alert);
    if (!each_second) {
      if (!live_alerts_.empty()) publishLive(false);
      continue;
    }
    takeOthersAlerts();
    publishLive(true);
    live_video_.tick();
    clips_.tick();
    for (const auto& c : silences) {
      if (c.began) {
        log->warn("node {} ({}) is silent: {}", c.node, forLog(c.label, 80),
                  c.record.reason == "offline" ? "its state says offline" : "no status for 3 intervals");
      } else {
        log->info("node {} ({}) is heard again", c.node, forLog(c.label, 80));
      }
      try {
        if (c.began) {
          store_->silenceBegan(c.record);
        } else {
          store_->silenceEnded(c.node, c.record.began_at);
        }
      } catch (const std::exception& e) {
        log->error("cannot store the silence of node {}: {}", c.node, e.what());
      }
    }
    flushSeconds(now, batch.stopping);
    if (batch.stopping) return;
  }
}

nlohmann::json CountyConsole::summary() {
  std::lock_guard lock(mutex_);
  return summaryJson(picture_, config_.name, clock_.wall());
}

nlohmann::json CountyConsole::villages() {
  std::lock_guard lock(mutex_);
  return villagesJson(picture_);
}

nlohmann::json CountyConsole::village(const std::string& node) {
  std::lock_guard lock(mutex_);
  return villageJson(picture_, node);
}

std::optional<std::string> CountyConsole::snapshot(const std::string& id) {
  const auto s = store_->snapshot(id);
  return s ? std::optional(s->jpeg) : std::nullopt;
}

std::optional<std::string> CountyConsole::latestSnapshot(const std::string& node, const std::string& camera) {
  const auto s = store_->latestSnapshot(node, camera);
  return s ? std::optional(s->jpeg) : std::nullopt;
}

LoginResult CountyConsole::login(const std::string& name, const std::string& password, const std::string& client) {
  const auto now = clock_.steady();
  const auto shown = forLog(name, 40);
  if (name.size() > 64 || password.size() > 1024) return {"", "wrong name or password", 401};
  {
    std::lock_guard lock(login_mutex_);
    if (const long wait = throttle_.waitSeconds(name, client, now); wait > 0) {
      logger("county.access")->warn("login for '{}' from {} refused: too many failed tries", shown, forLog(client, 46));
      return {"", "too many failed logins; try again in " + std::to_string(wait) + " s", 429};
    }
    // Counted as failed until it succeeds: tries made at once see each other.
    throttle_.failed(name, client, now);
  }
  // At most kConcurrentHashes scrypt runs at once; the rest wait a little, then are told to retry.
  if (!hashing_.try_acquire_for(std::chrono::seconds(3))) {
    logger("county.access")->warn("login for '{}' from {} refused: the console is busy checking passwords", shown,
                                  forLog(client, 46));
    return {"", "busy; try again in a few seconds", 503};  // it stays counted: a flood slows itself
  }
  struct Release {
    std::counting_semaphore<kConcurrentHashes>& s;
    ~Release() { s.release(); }
  } release{hashing_};
  const auto user = store_->user(name);
  // Without such a user, a hash is checked all the same: the answer takes as long.
  static const std::string kNobody = hashPassword("no such user, no such password");
  const bool ok = verifyPassword(password, user ? user->password_hash : kNobody) && user.has_value();
  std::lock_guard lock(login_mutex_);
  if (!ok) {
    logger("county.access")->warn("failed login for '{}' from {}", shown, forLog(client, 46));
    return {"", "wrong name or password", 401};
  }
  throttle_.succeeded(name, client, now);
  const auto token = newSessionToken();
  const auto wall = clock_.wall();
  store_->putSession({tokenDigest(token), user->name, wall, wall + std::chrono::hours(ConsoleServer::kSessionHours)});
  logger("county.access")->info("{} ({}) logged in from {}", user->name, user->role, client);
  return {token, "", 200};
}

std::optional<Operator> CountyConsole::operatorOf(const std::string& token) {
  const auto session = store_->session(tokenDigest(token), clock_.wall());
  if (!session) return std::nullopt;
  const auto user = store_->user(session->user);
  if (!user) return std::nullopt;
  return Operator{user->name, user->role};
}

void CountyConsole::logout(const std::string& token) {
  if (!token.empty()) store_->dropSession(tokenDigest(token));
}

nlohmann::json CountyConsole::users() {
  auto out = nlohmann::json::array();
  for (const auto& u : store_->users()) out.push_back({{"name", u.name}, {"role", u.role}, {"created_at", toRfc3339(u.created_at)}});
  return out;
}

nlohmann::json CountyConsole::addUser(const nlohmann::json& body) {
  if (!body.is_object()) throw BadRequest("expected JSON: {\"name\": ..., \"role\": ..., \"password\": ...}");
  const auto text = [&](const char* key) {
    const auto it = body.find(key);
    if (it == body.end() || !it->is_string()) throw BadRequest(std::string(key) + ": expected a string");
    return it->get<std::string>();
  };
  const auto name = text("name"), role = text("role"), password = text("password");
  if (const auto problem = userProblem(name, role, password); !problem.empty()) throw BadRequest(problem);
  store_->putUser({name, role, hashPassword(password), clock_.wall()});
  logger("county.access")->info("user '{}' ({}) added or changed", name, role);
  return {{"name", name}, {"role", role}};
}

nlohmann::json CountyConsole::admittedNodes() {
  std::lock_guard lock(mutex_);
  return admittedJson(picture_);
}

nlohmann::json CountyConsole::pendingNodes() {
  std::lock_guard lock(mutex_);
  return pendingJson(picture_);
}

nlohmann::json CountyConsole::admitNode(const std::string& node, const nlohmann::json& body, const std::string& by) {
  if (!body.is_object()) throw BadRequest("expected JSON: {} or {\"township\": ..., \"village\": ..., \"admin_code\": ...}");
  contract::Place place;
  {
    std::lock_guard lock(mutex_);
    const auto& pending = picture_.pending();
    if (const auto it = pending.find(node); it != pending.end()) {
      place = it->second.place;
    } else if (const auto* known = picture_.node(node)) {
      place = known->claimed_place.value_or(known->place);
    } else {
      throw BadRequest("no node '" + node + "' has been heard from");
    }
  }
  for (const auto& [key, value] : body.items()) {
    std::string* field = key == "region" ? &place.region : key == "township" ? &place.township
                       : key == "village" ? &place.village : key == "admin_code" ? &place.admin_code : nullptr;
    if (!field) throw BadRequest("unknown key '" + forLog(key, 40) + "' (known: region, township, village, admin_code)");
    if (!value.is_string() || value.get_ref<const std::string&>().size() > 200) {
      throw BadRequest(key + ": expected a string of at most 200 bytes");
    }
    *field = value.get<std::string>();
  }
  if (const auto problem = nodeProblem(node, place); !problem.empty()) throw BadRequest(problem);
  const NodeRecord record{node, place, by, clock_.wall()};
  store_->admitNode(record);
  {
    std::lock_guard lock(mutex_);
    picture_.admit(node, place);
  }
  logger("county.access")->info("node {} admitted by {} as {} {} ({})", node, by, forLog(place.township, 60),
                                forLog(place.village, 60), place.admin_code);
  std::lock_guard lock(mutex_);
  const auto j = admittedJson(picture_);
  for (const auto& n : j) {
    if (n["node"] == node) return n;
  }
  return {{"node", node}};
}

nlohmann::json CountyConsole::problems() {
  std::lock_guard lock(mutex_);
  return problemsJson(picture_);
}

nlohmann::json CountyConsole::search(const std::string& query) {
  std::lock_guard lock(mutex_);
  return searchJson(picture_, query);
}

nlohmann::json CountyConsole::words() {
  static const nlohmann::json words = wordsJson();  // the same for every page: built once
  return words;
}

nlohmann::json CountyConsole::openAlerts() {
  std::lock_guard lock(mutex_);
  return openAlertsJson(picture_);
}

nlohmann::json CountyConsole::alerts(const Params& params) {
  auto q = alertQueryOf(params);
  if (auto* error = std::get_if<std::string>(&q)) throw BadRequest(*error);
  return alertsJson(store_->alerts(std::get<AlertQuery>(q)));
}

std::string CountyConsole::alertsCsv(const Params& params) {
  auto q = alertQueryOf(params);
  if (auto* error = std::get_if<std::string>(&q)) throw BadRequest(*error);
  auto query = std::get<AlertQuery>(q);
  if (!params.count("limit")) query.limit = 10000;
  return county::alertsCsv(store_->alerts(query));
}

nlohmann::json CountyConsole::days(const Params& params) {
  const auto today = localDate(clock_.wall());
  Params p = params;
  const std::string from = p.count("from") ? p["from"] : localDate(clock_.wall() - std::chrono::hours(24 * 6));
  const std::string to = p.count("to") ? p["to"] : today;
  static const std::regex date("\\d{4}-\\d{2}-\\d{2}");
  for (const auto& [key, value] : p) {
    if (key != "from" && key != "to" && key != "group" && key != "per") {
      throw BadRequest("unknown parameter '" + key + "' (known: from, to, group, per)");
    }
  }
  if (!std::regex_match(from, date)) throw BadRequest("from: expected a date such as 2026-12-06, got '" + from + "'");
  if (!std::regex_match(to, date)) throw BadRequest("to: expected a date such as 2026-12-06, got '" + to + "'");
  if (to < from) throw BadRequest("to: must not be before from");
  Grouping grouping = Grouping::County;
  if (const auto g = p.find("group"); g != p.end()) {
    if (g->second == "township") {
      grouping = Grouping::Township;
    } else if (g->second == "village") {
      grouping = Grouping::Village;
    } else if (g->second != "county") {
      throw BadRequest("group: expected county, township or village, got '" + g->second + "'");
    }
  }
  const auto per = p.count("per") ? p["per"] : "day";
  if (per != "day" && per != "range") throw BadRequest("per: expected day or range, got '" + per + "'");
  const auto wall = clock_.wall();
  const double today_s = toSeconds(wall - startOfLocalDay(wall));
  auto length = [&](const std::string& day) { return day == today ? today_s : 86400.0; };
  auto cameras = store_->cameraDays(from, to);
  auto areas = store_->areaDays(from, to);
  {
    // And what is booked but not written yet (written each minute): a report
    // of today is true to the second.
    std::lock_guard lock(mutex_);
    auto add = [&](const auto& booked) {
      for (const auto& c : booked.first) {
        if (c.day >= from && c.day <= to) cameras.push_back(c);
      }
      for (const auto& a : booked.second) {
        if (a.day >= from && a.day <= to) areas.push_back(a);
      }
    };
    add(booker_.peek());
    add(pending_seconds_);
  }
  if (per == "day") return dayRatesJson(dayRates(cameras, areas, grouping, length));
  return dayRatesJson(rangeRates(cameras, areas, grouping, from + "/" + to, length));
}

nlohmann::json CountyConsole::silences(const Params& params) {
  const auto wall = clock_.wall();
  WallTime from = wall - std::chrono::hours(24 * 7), to = wall + std::chrono::seconds(1);
  for (const auto& [key, value] : params) {
    if (key != "from" && key != "to") throw BadRequest("unknown parameter '" + key + "' (known: from, to)");
    const auto t = timeParam(value);
    if (!t) throw BadRequest(key + ": expected a date (2026-12-06) or an RFC 3339 time, got '" + value + "'");
    (key == "from" ? from : to) = *t;
  }
  auto out = nlohmann::json::array();
  const auto spells = store_->silences(from, to);
  std::lock_guard lock(mutex_);
  for (const auto& s : spells) {
    std::string village = s.node, township;
    for (const auto& [key, node] : picture_.nodes()) {
      if (node.node_id == s.node) village = node.label(), township = node.place.township;
    }
    out.push_back({{"node", s.node},
                   {"village", village},
                   {"township", township},
                   {"reason", s.reason},
                   {"began_at", toRfc3339(s.began_at)},
                   {"ended_at", s.ended_at ? nlohmann::json(toRfc3339(*s.ended_at)) : nlohmann::json(nullptr)}});
  }
  return out;
}

nlohmann::json CountyConsole::health() {
  const bool connected = feed_.connected();
  return {{"ok", connected},
          {"broker", connected ? "connected" : feed_.lastError()},
          {"messages", applied_.load()},
          {"refused", bad_.load()},
          {"history", store_->engine()},
          {"alerts_stored", alerts_stored_.load()},
          {"alerts_waiting", alerts_pending_.load()},
          {"books_time", books_.load()},
          {"live_video", live_video_.health()},
          {"clips", clips_.health()}};
}

nlohmann::json CountyConsole::watchLive(const Operator&, const std::string& node, const std::string& camera,
                                        const std::string& viewer, bool again) {
  // Any signed-in operator (admin or viewer) may watch any camera of an
  // admitted node; a node waiting for admission is never asked for video.
  {
    std::lock_guard lock(mutex_);
    const auto* n = picture_.node(node);
    if (!n || !picture_.admitted().count(node)) throw BadRequest("no admitted node " + forLog(node, 64));
    if (!n->cameras.count(camera)) throw BadRequest("node " + node + " has reported no camera " + forLog(camera, 64));
  }
  return live_video_.watch(node, camera, viewer, again);
}

void CountyConsole::leaveLive(const std::string& node, const std::string& camera, const std::string& viewer) {
  live_video_.leave(node, camera, viewer);
}

nlohmann::json CountyConsole::fetchClip(const std::string& node, const std::string& alert, bool again) {
  {
    std::lock_guard lock(mutex_);
    if (!picture_.node(node) || !picture_.admitted().count(node)) throw BadRequest("no admitted node " + forLog(node, 64));
  }
  return clips_.fetch(node, alert, again);
}

std::optional<std::filesystem::path> CountyConsole::clipFile(const std::string& node, const std::string& alert) {
  return clips_.file(node, alert);
}

std::optional<std::filesystem::path> CountyConsole::liveFile(const std::string& node, const std::string& camera,
                                                            const std::string& generation, const std::string& name) {
  return live_video_.file(node, camera, generation, name);
}

int runConsole(const CountyConfig& config) {
  auto log = logger("county");
  ::umask(077);  // the history, its WAL and everything else it writes: the service user's only
  SystemClock clock;
  std::unique_ptr<HistoryStore> store;
  try {
    store = openStore(config);
  } catch (const std::exception& e) {
    log->error("cannot open the history: {}", e.what());
    return 1;
  }
  log->info("history: {} (schema {})", store->engine(), store->schemaVersion());
  CountyConsole console(config, clock, std::move(store));
  int port = 0;
  try {
    port = console.start();
  } catch (const std::exception& e) {
    log->error("{}", e.what());
    return 1;
  }
  log->info("console on http://{}:{}/ (county broker {}, topics under {}/)", config.http.host, port,
            config.mqtt.brokers.front(), config.topic_root);
  if (config.live.enabled) {
    log->info("live video: nodes push to rtsp://{}:{} ({} node credentials)", config.live.host, console.livePort(),
              config.live.push_passwords.size());
  }
  while (true) {
    const char* name = nullptr;
    if (service::waitForSignal(std::chrono::seconds(1), &name) == service::Signal::Stop) {
      log->info("{}: stopping", name ? name : "signal");
      break;
    }
  }
  console.stop();
  return 0;
}

}  // namespace villagecam::county
