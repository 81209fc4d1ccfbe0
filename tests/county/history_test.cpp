// The console's history: every store keeps each alert message once and its
// latest word, adds up the seconds of each day, and keeps silences; the time
// booker books only time it can vouch for; daily rates leave unknown time out.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>

#include "contract/payloads.hpp"
#include "contract/topics.hpp"
#include "history/day_rates.hpp"
#include "history/time_booker.hpp"
#include "postgres.hpp"
#include "postgres/postgres_history.hpp"
#include "scratch_dir.hpp"
#include "sqlite/sqlite_history.hpp"
#include "util/time_format.hpp"

namespace villagecam::county {
namespace {

using namespace std::chrono_literals;

const WallTime kT0 = *fromRfc3339("2026-12-06T02:00:00.000Z");  // 10:00 in Asia/Shanghai

// A query with one thing set.
AlertQuery query(const std::function<void(AlertQuery&)>& set) {
  AlertQuery q;
  set(q);
  return q;
}

contract::AlertMessage alert(const std::string& id, events::AlertPhase phase, WallTime started,
                             std::optional<WallTime> updated = std::nullopt, std::optional<WallTime> ended = std::nullopt) {
  contract::AlertMessage m;
  m.origin = {"xz", {"兰考县", "城关镇", "新庄村", "410225100201"}};
  auto& a = m.alert;
  a.id = id;
  a.type = events::AlertType::CameraOffline;
  a.severity = events::Severity::Critical;
  a.phase = phase;
  a.camera_id = "gate";
  a.started_at = started;
  a.updated_at = updated;
  a.ended_at = ended;
  a.reason_code = "refused";
  a.message = "offline";
  return m;
}

// Each store under test, made fresh in a scratch folder.
struct StoreMaker {
  std::string name;
  std::function<std::unique_ptr<HistoryStore>(const std::filesystem::path&)> make;
};

void PrintTo(const StoreMaker& maker, std::ostream* os) { *os << maker.name; }

class Stores : public ::testing::TestWithParam<StoreMaker> {
 protected:
  testing::ScratchDir dir_{"history"};
  std::unique_ptr<HistoryStore> store_ = GetParam().make(dir_.path());
};

TEST_P(Stores, EachAlertMessageIsStoredOnceAndTheAlertKeepsItsLatestWord) {
  EXPECT_TRUE(store_->addAlert(alert("a1", events::AlertPhase::Start, kT0), kT0));
  EXPECT_FALSE(store_->addAlert(alert("a1", events::AlertPhase::Start, kT0), kT0));  // delivered twice
  EXPECT_TRUE(store_->addAlert(alert("a1", events::AlertPhase::Update, kT0, kT0 + 30s), kT0));
  EXPECT_TRUE(store_->addAlert(alert("a1", events::AlertPhase::Update, kT0, kT0 + 60s), kT0));
  EXPECT_FALSE(store_->addAlert(alert("a1", events::AlertPhase::Update, kT0, kT0 + 30s), kT0));
  auto open = store_->alerts(query([](AlertQuery& q) { q.open_only = true; }));
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].phase, "update");
  EXPECT_EQ(open[0].updated_at, kT0 + 60s);
  EXPECT_EQ(open[0].village, "新庄村");
  EXPECT_TRUE(store_->addAlert(alert("a1", events::AlertPhase::End, kT0, std::nullopt, kT0 + 90s), kT0));
  EXPECT_TRUE(store_->alerts(query([](AlertQuery& q) { q.open_only = true; })).empty());
  // A late update (another console, a redelivery) does not reopen it.
  EXPECT_TRUE(store_->addAlert(alert("a1", events::AlertPhase::Update, kT0, kT0 + 45s), kT0));
  const auto all = store_->alerts({});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].phase, "end");
  EXPECT_EQ(all[0].ended_at, kT0 + 90s);
  EXPECT_EQ(all[0].started_at, kT0);
}

TEST_P(Stores, AlertsAreFilteredByTimeTypeTownshipAndNodeNewestFirst) {
  for (int i = 0; i < 5; ++i) store_->addAlert(alert("a" + std::to_string(i), events::AlertPhase::Start, kT0 + i * 1h), kT0);
  auto other = alert("b", events::AlertPhase::Start, kT0 + 30min);
  other.origin.place.township = "谷营镇";
  other.alert.type = events::AlertType::Intrusion;
  store_->addAlert(other, kT0);
  EXPECT_EQ(store_->alerts({}).size(), 6u);
  EXPECT_EQ(store_->alerts({}).front().id, "a4");
  EXPECT_EQ(store_->alerts(query([](AlertQuery& q) { q.from = kT0 + 1h, q.to = kT0 + 3h; })).size(), 2u);
  EXPECT_EQ(store_->alerts(query([](AlertQuery& q) { q.type = "intrusion"; })).size(), 1u);
  EXPECT_EQ(store_->alerts(query([](AlertQuery& q) { q.township = "谷营镇"; })).front().id, "b");
  EXPECT_EQ(store_->alerts(query([](AlertQuery& q) { q.limit = 2; })).size(), 2u);
}

TEST_P(Stores, SecondsOfADayAddUp) {
  store_->addSeconds({{"2026-12-06", "xz", "gate", "城关镇", "新庄村", 50, 40, 5, 10}},
                     {{"2026-12-06", "xz", "entrance", "城关镇", "新庄村", 2, 45, 5, 10}});
  store_->addSeconds({{"2026-12-06", "xz", "gate", "城关镇", "新庄村", 10, 10, 0, 0}},
                     {{"2026-12-06", "xz", "entrance", "城关镇", "新庄村", 2, 10, 0, 0}});
  store_->addSeconds({{"2026-12-07", "xz", "gate", "城关镇", "新庄村", 1, 1, 0, 0}}, {});
  const auto days = store_->cameraDays("2026-12-06", "2026-12-06");
  ASSERT_EQ(days.size(), 1u);
  EXPECT_DOUBLE_EQ(days[0].online, 60);
  EXPECT_DOUBLE_EQ(days[0].intact, 50);
  EXPECT_DOUBLE_EQ(days[0].down, 10);
  const auto areas = store_->areaDays("2026-12-01", "2026-12-31");
  ASSERT_EQ(areas.size(), 1u);
  EXPECT_DOUBLE_EQ(areas[0].covered, 55);
  EXPECT_EQ(store_->cameraDays("2026-12-01", "2026-12-31").size(), 2u);
}

TEST_P(Stores, AMinuteOfACountyIsWrittenAtOnceAndRowsOfOneKeyAddUp) {
  std::vector<CameraSeconds> cams;
  for (int i = 0; i < 1200; ++i) {  // more than one statement's worth
    cams.push_back({"2026-12-06", "n" + std::to_string(i / 30), "c" + std::to_string(i % 30), "城关镇", "村", 50, 40, 0, 10});
  }
  cams.push_back({"2026-12-06", "n0", "c0", "城关镇", "村", 5, 5, 0, 0});  // the same key again (a retried write)
  store_->addSeconds(cams, {{"2026-12-06", "n0", "a", "城关镇", "村", 2, 30, 0, 30},
                            {"2026-12-06", "n0", "a", "城关镇", "村", 2, 1, 0, 0}});
  const auto days = store_->cameraDays("2026-12-06", "2026-12-06");
  ASSERT_EQ(days.size(), 1200u);
  EXPECT_DOUBLE_EQ(days[0].online, 55);
  EXPECT_DOUBLE_EQ(days[1].online, 50);
  EXPECT_DOUBLE_EQ(store_->areaDays("2026-12-06", "2026-12-06").at(0).covered, 31);
}

TEST_P(Stores, SilencesOpenAndClose) {
  store_->silenceBegan({"xz", "offline", kT0, std::nullopt});
  store_->silenceBegan({"xz", "offline", kT0, std::nullopt});  // the same spell, told twice
  EXPECT_EQ(store_->silences(kT0 - 1h, kT0 + 1h).size(), 1u);
  store_->silenceEnded("xz", kT0 + 10min);
  const auto s = store_->silences(kT0 - 1h, kT0 + 1h);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].ended_at, kT0 + 10min);
  EXPECT_TRUE(store_->silences(kT0 + 20min, kT0 + 1h).empty());
}

TEST_P(Stores, MigrationsAreVersionedAndARestartKeepsEverything) {
  EXPECT_EQ(store_->schemaVersion(), 4);
  store_->addAlert(alert("a1", events::AlertPhase::Start, kT0), kT0);
  store_.reset();
  auto again = GetParam().make(dir_.path());
  EXPECT_EQ(again->schemaVersion(), 4);
  EXPECT_EQ(again->alerts({}).size(), 1u);
  EXPECT_FALSE(again->addAlert(alert("a1", events::AlertPhase::Start, kT0), kT0));
}

// One throwaway cluster for this test process; a database per store made.
testing::TestPostgres& cluster() {
  static testing::TestPostgres pg;
  return pg;
}

std::unique_ptr<HistoryStore> makePostgres(const std::filesystem::path& dir) {
  // The folder names the test; a store made again in it (a restart) finds its database.
  static std::map<std::string, std::string> made;
  auto& conninfo = made[dir.string()];
  if (conninfo.empty()) conninfo = cluster().createDatabase("t" + std::to_string(made.size()));
  return std::make_unique<postgres::PostgresHistory>(conninfo, std::nullopt);
}

TEST_P(Stores, UsersSessionsAndSnapshotsAreKept) {
  store_->putUser({"wang", "admin", "scrypt$x", kT0});
  store_->putUser({"li", "viewer", "scrypt$y", kT0});
  store_->putUser({"li", "admin", "scrypt$z", kT0});  // replaced by name
  ASSERT_TRUE(store_->user("li"));
  EXPECT_EQ(store_->user("li")->role, "admin");
  EXPECT_EQ(store_->user("li")->password_hash, "scrypt$z");
  EXPECT_FALSE(store_->user("zhao"));
  EXPECT_EQ(store_->users().size(), 2u);
  store_->putSession({"d1", "wang", kT0, kT0 + 12h});
  EXPECT_TRUE(store_->session("d1", kT0 + 1h));
  EXPECT_FALSE(store_->session("d1", kT0 + 13h));  // expired
  store_->dropSession("d1");
  EXPECT_FALSE(store_->session("d1", kT0 + 1h));
  std::string jpeg("\xff\xd8\x00\x01\x02", 5);
  EXPECT_TRUE(store_->putSnapshot({"s1", "xz", "gate", "view_tampered", kT0, jpeg, kT0}));
  EXPECT_TRUE(store_->putSnapshot({"s2", "xz", "gate", "periodic", kT0 + 1min, jpeg + "x", kT0 + 1min}));
  ASSERT_TRUE(store_->snapshot("s1"));
  EXPECT_EQ(store_->snapshot("s1")->jpeg, jpeg);
  EXPECT_EQ(store_->latestSnapshot("xz", "gate")->id, "s2");
  EXPECT_FALSE(store_->latestSnapshot("xz", "lane"));
}

TEST_P(Stores, ANodeCannotTouchAnothersAlertsOrSnapshotsNorWipeThemWithAFutureDate) {
  ASSERT_TRUE(store_->addAlert(alert("a1", events::AlertPhase::Start, kT0), kT0));
  auto forged = alert("a1", events::AlertPhase::End, kT0, std::nullopt, kT0 + 1min);
  forged.origin.node_id = "evil";
  EXPECT_FALSE(store_->addAlert(forged, kT0 + 1min));
  ASSERT_EQ(store_->alerts({}).size(), 1u);
  EXPECT_EQ(store_->alerts({})[0].phase, "start");
  const std::string jpeg("\xff\xd8\xff\x01\xff\xd9", 6);
  ASSERT_TRUE(store_->putSnapshot({"s1", "xz", "gate", "periodic", kT0, jpeg, kT0}));
  // The same id from another node is not stored; a snapshot dated 2099 is kept
  // by when it came, and wipes nothing.
  EXPECT_FALSE(store_->putSnapshot({"s1", "evil", "gate", "periodic", kT0, jpeg, kT0 + 1s}));
  const auto future = *fromRfc3339("2099-01-01T00:00:00Z");
  EXPECT_TRUE(store_->putSnapshot({"s2", "evil", "gate", "periodic", future, jpeg, kT0 + 2s}));
  EXPECT_EQ(store_->snapshot("s1")->node, "xz");
  EXPECT_EQ(store_->latestSnapshot("xz", "gate")->id, "s1");
  // A node's flood evicts only its own oldest.
  const std::string big(8u << 20, 'j');
  for (int i = 0; i < 10; ++i) {
    store_->putSnapshot({"f" + std::to_string(i), "evil", "c" + std::to_string(i), "periodic", kT0, big, kT0 + 3s + i * 1s});
  }
  EXPECT_TRUE(store_->snapshot("s1"));
  EXPECT_FALSE(store_->snapshot("s2"));
  EXPECT_FALSE(store_->snapshot("f0"));
  EXPECT_TRUE(store_->snapshot("f9"));
  // 30 days after receipt, a snapshot goes.
  store_->putSnapshot({"s3", "xz", "gate", "periodic", kT0, jpeg, kT0 + 31 * 24h});
  EXPECT_FALSE(store_->snapshot("s1"));
}

TEST_P(Stores, AdmittedNodesAndTheirPlacesAreKept) {
  EXPECT_TRUE(store_->admittedNodes().empty());
  store_->admitNode({"xz", {"兰考县", "城关镇", "新庄村", "410225100201"}, "config", kT0});
  store_->admitNode({"xz", {"兰考县", "谷营镇", "新庄村", "410225101201"}, "wang", kT0 + 1h});  // moved
  store_->admitNode({"db", {"", "城关镇", "东坝头村", ""}, "wang", kT0});
  const auto nodes = store_->admittedNodes();
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes[1].node, "xz");
  EXPECT_EQ(nodes[1].place.township, "谷营镇");
  EXPECT_EQ(nodes[1].admitted_by, "wang");
  EXPECT_EQ(nodes[1].admitted_at, kT0 + 1h);
}

INSTANTIATE_TEST_SUITE_P(Engines, Stores,
                         ::testing::Values(StoreMaker{"sqlite",
                                                      [](const std::filesystem::path& dir) {
                                                        return std::make_unique<sqlite::SqliteHistory>(dir / "county.sqlite3");
                                                      }},
                                           StoreMaker{"postgresql", makePostgres}),
                         [](const auto& info) { return info.param.name; });

// --- the time booker and the daily rates (pure) ---

FeedMessage cameraOf(const std::string& node, const std::string& id, health::CameraState state, const std::string& view,
                     WallTime now) {
  health::CameraHealth h;
  h.id = id;
  h.state = state;
  h.since = now;
  contract::ViewReport v;
  v.state = view;
  return {contract::topics::cameraStatus("villagecam/" + node, id), contract::cameraStatusJson(h, {}, v, node, now).dump(),
          true};
}

class Booker : public ::testing::Test {
 protected:
  void SetUp() override {
    useTimeZone("Asia/Shanghai");
    picture_.setAdmitted({{"xz", {"兰考县", "城关镇", "新庄村", "410225100201"}}});
  }
  void apply(const FeedMessage& m) { ASSERT_NE(picture_.apply(m, now_, wall_).kind, Applied::Kind::Bad); }
  void advance(Duration d) {
    now_ += d;
    wall_ += std::chrono::duration_cast<WallTime::duration>(d);
  }
  SteadyTime now_{std::chrono::hours(100)};
  WallTime wall_ = kT0;
  LivePicture picture_{"villagecam", config::Seconds(60), Admission{{"410225"}}};
  TimeBooker booker_;
};

TEST_F(Booker, BooksEachSecondToTheStateItWasSpentInAndNothingItCannotVouchFor) {
  apply({"villagecam/xz/state", "online", true});
  apply(cameraOf("xz", "gate", health::CameraState::Online, "ok", wall_));
  apply(cameraOf("xz", "lane", health::CameraState::Offline, "ok", wall_));
  booker_.tick(picture_, now_, wall_, true);  // the first tick books nothing: no interval yet
  EXPECT_TRUE(booker_.empty());
  for (int i = 0; i < 10; ++i) {
    advance(1s);
    booker_.tick(picture_, now_, wall_, true);
  }
  advance(3s);
  booker_.tick(picture_, now_, wall_, false);  // broker not connected: unknown
  advance(30s);
  booker_.tick(picture_, now_, wall_, true);  // a 30 s gap: the console stalled; unknown
  advance(1s);
  booker_.tick(picture_, now_, wall_, true);
  const auto [cams, areas] = booker_.take();
  ASSERT_EQ(cams.size(), 2u);
  EXPECT_EQ(cams[0].day, "2026-12-06");
  EXPECT_EQ(cams[0].camera, "gate");
  EXPECT_DOUBLE_EQ(cams[0].online, 11);
  EXPECT_DOUBLE_EQ(cams[0].intact, 11);
  EXPECT_DOUBLE_EQ(cams[1].down, 11);
  EXPECT_TRUE(booker_.empty());
}

TEST_F(Booker, ASilentNodesCamerasAreDownAndAWallClockStepMovesOnlyTheDay) {
  apply({"villagecam/xz/state", "online", true});
  apply(cameraOf("xz", "gate", health::CameraState::Online, "ok", wall_));
  booker_.tick(picture_, now_, wall_, true);
  apply({"villagecam/xz/state", "offline", true});
  advance(2s);
  booker_.tick(picture_, now_, wall_, true);
  wall_ += 24h;  // NTP steps the wall clock a day ahead; 1 s passes
  advance(1s);
  booker_.tick(picture_, now_, wall_, true);
  const auto [cams, areas] = booker_.take();
  ASSERT_EQ(cams.size(), 2u);
  EXPECT_DOUBLE_EQ(cams[0].down, 2);
  EXPECT_EQ(cams[1].day, "2026-12-07");
  EXPECT_DOUBLE_EQ(cams[1].down, 1);  // one second, not a day
}

TEST(DayRates, AreRatiosOfKnownTimeWithTheUnknownShownApart) {
  const std::vector<CameraSeconds> cams = {{"2026-12-06", "xz", "gate", "城关镇", "新庄村", 43200, 43200, 0, 0},
                                           {"2026-12-06", "xz", "lane", "城关镇", "新庄村", 21600, 0, 21600, 21600},
                                           {"2026-12-06", "gy", "road", "谷营镇", "谷营村", 0, 0, 0, 86400}};
  const std::vector<AreaSeconds> areas = {{"2026-12-06", "xz", "entrance", "城关镇", "新庄村", 2, 43200, 0, 0},
                                          {"2026-12-06", "gy", "road", "谷营镇", "谷营村", 1, 0, 0, 86400}};
  const auto county = dayRates(cams, areas, Grouping::County, [](const std::string&) { return 86400.0; });
  ASSERT_EQ(county.size(), 1u);
  const auto& d = county[0];
  EXPECT_DOUBLE_EQ(*d.online(), (43200.0 + 21600) / (43200 + 43200 + 86400));
  EXPECT_DOUBLE_EQ(*d.intact(), 43200.0 / (43200 + 43200 + 86400));
  EXPECT_DOUBLE_EQ(*d.coverage(), 2 * 43200.0 / (2 * 43200 + 86400));
  EXPECT_DOUBLE_EQ(d.unknown_s, 43200 + 43200);  // gate and lane were known half the day
  const auto townships = dayRates(cams, areas, Grouping::Township, [](const std::string&) { return 86400.0; });
  ASSERT_EQ(townships.size(), 2u);
  EXPECT_EQ(townships[1].name, "谷营镇");
  EXPECT_DOUBLE_EQ(*townships[1].online(), 0);
  const auto j = dayRatesJson(county);
  EXPECT_EQ(j[0]["unknown_minutes"], 1440);
}

}  // namespace
}  // namespace villagecam::county
