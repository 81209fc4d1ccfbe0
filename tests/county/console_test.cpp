// villagecam-county against a real mosquitto, fed by the simulator (real MQTT
// clients with wills) and by a real node: its numbers equal the simulator's
// truth, a killed node shows as silent within its keepalive, and a restart
// rebuilds the picture from the retained topics.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "console_fixture.hpp"
#include "mosquitto.hpp"
#include "postgres.hpp"
#include "raw_http.hpp"
#include "scratch_dir.hpp"
#include "tcp_proxy.hpp"
#include "test_cameras.hpp"

namespace villagecam {
namespace {

using namespace std::chrono_literals;
using namespace villagecam::testing;
using nlohmann::json;

// The console as a child process, on a port of its choosing.
TEST(CountyConsole, ItsNumbersEqualTheSimulatorsTruthAndARestartRebuildsThemFromRetainedTopics) {
  ScratchDir dir("county");
  Mosquitto broker;
  auto console = std::make_unique<Console>(dir.path(), broker);
  // 24 villages of 9 cameras in 3 townships; 3 vanish after 3 s (their wills say offline).
  auto sim = runSim(broker, {"--nodes", "24", "--cameras", "9", "--villages-per-township", "8", "--offline-share", "0.1",
                             "--tampered-share", "0.1", "--unverified-share", "0.05", "--interval", "2", "--silent", "3",
                             "--silent-after", "3", "--seed", "14"});
  ASSERT_TRUE(sim->waitForSubstring("\"event\":\"truth\"", 20s)) << sim->output();
  const auto before = truthOf(*sim, 1);
  ASSERT_EQ(before["silent"], 0);
  auto summary = console->waitFor("/api/summary", [&](const json& s) { return matches(s, before); }, 10s);
  EXPECT_TRUE(matches(summary, before)) << summary.dump() << "\ntruth: " << before.dump();
  // Every township's rates too.
  ASSERT_EQ(summary["townships"].size(), before["townships"].size());
  for (const auto& t : summary["townships"]) {
    const auto& want = before["townships"][t["name"].get<std::string>()];
    EXPECT_EQ(t["cameras"]["online"], want["online"]) << t.dump();
    EXPECT_EQ(t["rates"]["coverage"], want["rates"]["coverage"]) << t.dump();
  }

  size_t at = 0;
  ASSERT_TRUE(sim->waitForSubstring("\"event\":\"truth\"", 20s, 1, &at)) << sim->output();
  const auto after = truthOf(*sim, 2);
  ASSERT_EQ(after["silent"], 3);
  summary = console->waitFor("/api/summary", [&](const json& s) { return matches(s, after); }, 10s);
  EXPECT_TRUE(matches(summary, after)) << summary.dump() << "\ntruth: " << after.dump();
  const auto problems = console->get("/api/problems");
  EXPECT_EQ(problems["silent_nodes"].size(), 3u) << problems.dump();

  // A restart: the picture comes back from the retained topics alone.
  console->process().signal(SIGTERM);
  ASSERT_TRUE(console->process().wait(10s)) << console->process().output();
  console.reset();
  const auto restarted_at = std::chrono::steady_clock::now();
  console = std::make_unique<Console>(dir.path(), broker);
  summary = console->waitFor("/api/summary", [&](const json& s) { return matches(s, after); }, 10s);
  EXPECT_TRUE(matches(summary, after)) << summary.dump() << "\ntruth: " << after.dump();
  EXPECT_LT(std::chrono::steady_clock::now() - restarted_at, 5s);
  // The time the first console booked (written at its stop): today's
  // time-weighted online rate lies between the rate before and after the
  // three nodes vanished; a camera's day is mostly unknown (not yet lived).
  const auto days = console->get("/api/days");
  ASSERT_EQ(days.size(), 1u) << days.dump();
  EXPECT_EQ(days[0]["cameras"], 24 * 9);
  EXPECT_GT(days[0]["known_minutes"].get<double>(), 0);
  EXPECT_GT(days[0]["unknown_minutes"].get<double>(), 0);
  EXPECT_LE(days[0]["rates"]["online"].get<double>(), before["rates"]["online"].get<double>());
  EXPECT_GE(days[0]["rates"]["online"].get<double>(), after["rates"]["online"].get<double>());
  // Nothing the console serves names a camera's URL (the nodes publish it).
  for (const char* path : {"/api/summary", "/api/villages", "/api/problems", "/api/alerts/open"}) {
    EXPECT_EQ(console->get(path).dump().find("rtsp"), std::string::npos) << path;
  }
}

TEST(CountyConsole, ARealNodeKilledShowsAsSilentWithinItsKeepalive) {
  ScratchDir dir("county");
  Mosquitto broker;
  Console console(dir.path(), broker);
  const auto config = dir / "node.yaml";
  std::ofstream(config) << "node: {id: n1, township: 城关镇, village: 新庄村, admin_code: \"410225100201\", "
                           "trust_unsynchronised_clock: true}\nstate_dir: "
                        << (dir / "node-state").string() << "\nmqtt:\n  brokers: [" << broker.uri()
                        << "]\n  keepalive: 5s\n  status_interval: 5s\nhttp: {enabled: false}\n"
                        << "cameras:\n  - {id: gate, rtsp_url: \"rtsp://127.0.0.1:1/x\"}\n";
  ChildProcess node({nodeBinary(), "run", "--config", config.string()});
  auto village = [](const json& list) { return list.is_array() && list.size() == 1 ? list[0] : json(); };
  auto listed = console.waitFor("/api/villages", [&](const json& l) {
    return village(l)["name"] == "新庄村" && village(l)["silent_since"].is_null() &&
           village(l)["cameras"]["configured"] == 1;
  }, 20s);
  ASSERT_EQ(village(listed)["name"], "新庄村") << listed.dump() << node.output();
  EXPECT_EQ(village(listed)["code"], "410225100201");
  EXPECT_EQ(village(listed)["cameras"]["online"], 0);  // its camera is refused
  const auto problems = console.get("/api/problems");
  ASSERT_EQ(problems["offline_cameras"].size(), 1u) << problems.dump();
  EXPECT_EQ(problems["offline_cameras"][0]["camera"], "gate");

  node.signal(SIGKILL);
  const auto killed_at = std::chrono::steady_clock::now();
  listed = console.waitFor("/api/villages", [&](const json& l) { return !village(l)["silent_since"].is_null(); }, 15s);
  ASSERT_FALSE(village(listed)["silent_since"].is_null()) << listed.dump();
  // The broker sends the will after 1.5 keepalives without a packet; the console takes it at once.
  EXPECT_LT(std::chrono::steady_clock::now() - killed_at, 5s * 3 / 2 + 2s);
  const auto summary = console.get("/api/summary");
  EXPECT_EQ(summary["nodes"]["silent"], 1);
  EXPECT_EQ(console.get("/api/problems")["silent_nodes"][0]["reason"], "offline");
  // The spell is in the history, still open.
  const auto spells = console.waitFor("/api/silences", [](const json& l) { return l.is_array() && l.size() == 1; }, 5s);
  ASSERT_EQ(spells.size(), 1u) << spells.dump();
  EXPECT_EQ(spells[0]["village"], "新庄村");
  EXPECT_EQ(spells[0]["reason"], "offline");
  EXPECT_TRUE(spells[0]["ended_at"].is_null());
}

// A node whose uplink goes quiet without closing (power cut, cable pulled
// far away): the broker sends its will once the keepalive runs out.
TEST(CountyConsole, ANodeWhoseUplinkGoesQuietShowsAsSilentWhenTheBrokerSendsItsWill) {
  ScratchDir dir("county");
  Mosquitto broker;
  TcpProxy uplink(broker.port());
  Console console(dir.path(), broker);
  const auto config = dir / "node.yaml";
  std::ofstream(config) << "node: {id: n2, village: 东坝头村, admin_code: \"410225100202\", trust_unsynchronised_clock: true}\nstate_dir: "
                        << (dir / "node-state").string() << "\nmqtt:\n  brokers: [tcp://127.0.0.1:" << uplink.port()
                        << "]\n  keepalive: 5s\n  status_interval: 60s\nhttp: {enabled: false}\n"
                        << "cameras:\n  - {id: gate, rtsp_url: \"rtsp://127.0.0.1:1/x\"}\n";
  ChildProcess node({nodeBinary(), "run", "--config", config.string()});
  auto silentSince = [](const json& list) { return list.is_array() && list.size() == 1 ? list[0]["silent_since"] : json(); };
  auto listed = console.waitFor("/api/villages", [&](const json& l) {
    return l.is_array() && l.size() == 1 && l[0]["name"] == "东坝头村" && silentSince(l).is_null();
  }, 20s);
  ASSERT_TRUE(listed.is_array() && listed.size() == 1) << listed.dump() << node.output();
  uplink.stall();
  const auto stalled_at = std::chrono::steady_clock::now();
  listed = console.waitFor("/api/villages", [&](const json& l) { return !silentSince(l).is_null(); }, 20s);
  ASSERT_FALSE(silentSince(listed).is_null()) << listed.dump();
  const auto took = std::chrono::steady_clock::now() - stalled_at;
  EXPECT_GT(took, 5s);  // not before the broker gave up on it
  // MQTT says 1.5 keepalives after the last packet; mosquitto 2.0.11 took
  // 11.3-11.9 s at 5 s here (its timer is coarse). The console adds < 0.2 s.
  EXPECT_LT(took, 5s * 5 / 2 + 2s);
  EXPECT_EQ(console.get("/api/problems")["silent_nodes"][0]["reason"], "offline");
}

// Alerts raised through a node's own outbox and publisher while the broker is
// down, and while the console is down: every one is in the history, once.
TEST(CountyConsole, NoAlertIsLostFromTheHistoryWhenTheBrokerOrTheConsoleIsAway) {
  ScratchDir dir("county");
  MosquittoOptions options;
  options.persistence = true;
  Mosquitto broker(options);
  auto console = std::make_unique<Console>(dir.path(), broker);
  // The alert simulator sends no status: it is admitted by hand, as an installer would.
  ChildProcess admit({VILLAGECAM_COUNTY_BIN, "admit-node", "--config", (dir / "county.yaml").string(), "--node", "sim",
                      "--township", "城关镇", "--village", "模拟村"});
  ASSERT_EQ(admit.wait(30s).value_or(-1), 0) << admit.output();
  ASSERT_TRUE(console->waitFor("/api/nodes", [](const json& n) { return n.size() == 1; }, 15s).size() == 1);
  ASSERT_TRUE(console->waitFor("/healthz", [](const json& h) { return h["ok"] == true; }, 10s)["ok"] == true);
  auto raise = [&](const std::string& state, int count) {
    auto sim = std::make_unique<ChildProcess>(std::vector<std::string>{
        alertSimBinary(), "--broker", broker.uri(), "--state", (dir / state).string(), "--count", std::to_string(count)});
    if (!sim->waitForSubstring("RAISED " + std::to_string(count), 20s)) ADD_FAILURE() << sim->output();
    return sim;
  };
  auto stored = [&](std::size_t n) {
    return console->waitFor("/api/alerts?limit=10000", [&](const json& a) { return a.size() >= n; }, 20s).size();
  };

  // The broker goes away; a node raises 100 alerts into its outbox meanwhile.
  broker.stop();
  auto first = raise("node-a", 100);
  broker.start();
  ASSERT_TRUE(first->waitForSubstring("DRAINED sent=100", 30s)) << first->output();
  EXPECT_EQ(stored(100), 100u);

  // The console goes away; the broker keeps its session's alerts for it.
  console->process().signal(SIGTERM);
  ASSERT_TRUE(console->process().wait(10s));
  console.reset();
  auto second = raise("node-b", 50);
  ASSERT_TRUE(second->waitForSubstring("DRAINED sent=50", 30s)) << second->output();
  console = std::make_unique<Console>(dir.path(), broker);
  EXPECT_EQ(stored(150), 150u);
  const auto health = console->get("/api/health");
  EXPECT_EQ(health["alerts_waiting"], 0);
  // Each alert once, whatever was delivered twice.
  const auto csv = [&] {
    httplib::Client http("127.0.0.1", console->port());
    auto res = http.Get("/api/alerts.csv", console->session());
    return res ? res->body : std::string();
  }();
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 151);  // the header and 150 alerts
  EXPECT_EQ(csv.rfind("\xEF\xBB\xBFid,township,village", 0), 0u);
}

TEST(CountyConsole, TheHistoryApiNamesABadParameter) {
  ScratchDir dir("county");
  Mosquitto broker;
  Console console(dir.path(), broker);
  httplib::Client http("127.0.0.1", console.port());
  for (const auto& [path, error] : std::vector<std::pair<std::string, std::string>>{
           {"/api/alerts?from=yesterday", "from: expected a date (2026-12-06) or an RFC 3339 time, got 'yesterday'"},
           {"/api/alerts?limit=0", "limit: expected a whole number from 1 to 10000, got '0'"},
           {"/api/alerts?colour=red", "unknown parameter 'colour' (known: from, to, type, township, node, open, limit)"},
           {"/api/days?group=province", "group: expected county, township or village, got 'province'"}}) {
    const auto res = http.Get(path, console.session());
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 400) << path;
    EXPECT_EQ(json::parse(res->body)["error"], error) << path;
  }
  EXPECT_EQ(http.Get("/api/nothing", console.session())->status, 404);
}

// Two consoles on one PostgreSQL, both in one MQTT shared group: each alert
// message reaches one of them and is stored once; both show every open
// alert; one of them books time.
TEST(CountyConsole, TwoConsolesOnOnePostgresqlStoreEveryAlertOnceAndBothShowThemAll) {
  ScratchDir dir("county");
  TestPostgres pg;
  const auto conninfo = pg.createDatabase("county");
  MosquittoOptions options;
  options.persistence = true;
  Mosquitto broker(options);
  const std::string storage = "storage: {engine: postgresql, postgresql: \"" + conninfo + "\"}\n";
  Console a(dir.path(), broker, storage, "  shared_group: consoles\n", "console-a");
  Console b(dir.path(), broker, storage, "  shared_group: consoles\n", "console-b");
  for (const auto* c : {&a, &b}) {
    ASSERT_TRUE(c->waitFor("/healthz", [](const json& h) { return h["ok"] == true; }, 10s)["ok"] == true);
  }
  // 20 alerts a second for 4 s, each ended after 1 s; the last ones stay open.
  auto sim = runSim(broker, {"--nodes", "6", "--cameras", "3", "--alerts-per-second", "20", "--alert-seconds", "1",
                             "--duration", "4", "--seed", "3"});
  ASSERT_TRUE(sim->waitForSubstring("\"event\":\"published\"", 30s)) << sim->output();
  json published;
  for (const auto& line : sim->lines()) {
    if (line.find("\"event\":\"published\"") != std::string::npos) published = json::parse(line);
  }
  const int starts = published["alerts"]["start"], ends = published["alerts"]["end"];
  ASSERT_GT(starts, 40);
  auto stored = [](const Console& c) { return c.get("/api/health")["alerts_stored"].get<int>(); };
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (stored(a) + stored(b) < starts + ends && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);  // polling the consoles' counters, as an operator's page would
  }
  EXPECT_EQ(stored(a) + stored(b), starts + ends);  // every message once, across both
  EXPECT_GT(stored(a), 0);  // both took a share
  EXPECT_GT(stored(b), 0);
  const auto history = a.get("/api/alerts?limit=10000");
  EXPECT_EQ(static_cast<int>(history.size()), starts);
  int open = 0;
  for (const auto& r : history) open += r["ended_at"].is_null();
  EXPECT_EQ(open, starts - ends);
  // One of them books time.
  EXPECT_NE(a.get("/api/health")["books_time"], b.get("/api/health")["books_time"]);
  // Each console's live list has every open alert, whichever console stored it.
  for (const auto* c : {&a, &b}) {
    const auto live = c->waitFor("/api/alerts/open", [&](const json& l) { return static_cast<int>(l.size()) == open; }, 10s);
    EXPECT_EQ(static_cast<int>(live.size()), open) << live.dump();
  }
}

// Access: nothing under /api/ without a session; a viewer reads and does not
// add users; a wrong password is refused, and a run of them is slowed down.
TEST(CountyConsole, AccessNeedsASessionAndOnlyAdminsAddOperators) {
  ScratchDir dir("county");
  Mosquitto broker;
  Console console(dir.path(), broker);  // logged in as "tester", an admin
  httplib::Client http("127.0.0.1", console.port());
  EXPECT_EQ(http.Get("/api/summary")->status, 401);
  EXPECT_EQ(http.Get("/api/summary", httplib::Headers{{"Cookie", "vc_session=forged"}})->status, 401);
  EXPECT_EQ(http.Get("/healthz")->status, 200);  // says only whether the broker is there
  EXPECT_EQ(http.Get("/healthz")->body.find("messages"), std::string::npos);

  auto post = [&](const std::string& path, const json& body, const httplib::Headers& h = {}) {
    return http.Post(path, h, body.dump(), "application/json");
  };
  EXPECT_EQ(post("/api/users", {{"name", "li"}, {"role", "viewer"}, {"password", "short"}}, console.session())->status, 400);
  const auto added = post("/api/users", {{"name", "li"}, {"role", "viewer"}, {"password", "li's password 1"}}, console.session());
  ASSERT_EQ(added->status, 201) << added->body;
  const auto users = console.get("/api/users");
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users.dump().find("scrypt"), std::string::npos);  // no hash leaves the console

  const auto login = post("/api/login", {{"name", "li"}, {"password", "li's password 1"}});
  ASSERT_EQ(login->status, 200);
  const auto cookie = login->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  const httplib::Headers viewer{{"Cookie", cookie.substr(0, cookie.find(';'))}};
  EXPECT_EQ(http.Get("/api/summary", viewer)->status, 200);
  EXPECT_EQ(post("/api/users", {{"name", "zhao"}, {"role", "admin"}, {"password", "zhao's password 1"}}, viewer)->status, 403);
  EXPECT_EQ(post("/api/logout", json::object(), viewer)->status, 200);
  EXPECT_EQ(http.Get("/api/summary", viewer)->status, 401);  // the session ended with the logout

  // A guesser from one address is slowed after 3 tries (1 s, then 2 s, 4 s ...) ...
  for (int i = 0; i < 3; ++i) EXPECT_EQ(post("/api/login", {{"name", "li"}, {"password", "guess " + std::to_string(i)}})->status, 401);
  const auto throttled = post("/api/login", {{"name", "li"}, {"password", "li's password 1"}});
  EXPECT_EQ(throttled->status, 429);  // even the right one, for a while
  EXPECT_NE(json::parse(throttled->body)["error"].get<std::string>().find("too many failed logins"), std::string::npos);
  // ... while li, from another address, is not slowed at all.
  const std::string body = json{{"name", "li"}, {"password", "li's password 1"}}.dump();
  const auto other = rawRequest(console.port(), "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                                "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body,
                                "127.0.0.2");
  EXPECT_EQ(statusOf(other), 200) << other;
}

}  // namespace
}  // namespace villagecam
