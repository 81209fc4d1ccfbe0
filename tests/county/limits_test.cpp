// The pure parts of what keeps the console up under hostile input: text made
// safe for a log line, the HTTP request gate, the login throttle, CSV cells
// that cannot become formulas, and payloads read within limits.
#include <gtest/gtest.h>

#include "console/login_throttle.hpp"
#include "contract/readers.hpp"
#include "history/alert_listing.hpp"
#include "util/log_text.hpp"
#include "util/request_gate.hpp"
#include "util/time_format.hpp"

namespace villagecam::county {
namespace {

using namespace std::chrono_literals;

TEST(LogText, EscapesWhatCouldForgeOrBreakALineAndCutsAtItsBudget) {
  EXPECT_EQ(forLog("wang"), "wang");
  EXPECT_EQ(forLog("村口 camera"), "村口 camera");
  EXPECT_EQ(forLog("admin\n2026-12-06 info county.access admin logged in"),
            "admin\\n2026-12-06 info county.access admin logged in");
  EXPECT_EQ(forLog(std::string("a\x1b[31mb\r\x7f", 9)), "a\\x1b[31mb\\r\\x7f");
  EXPECT_EQ(forLog("\xff\xfe"), "\\xff\\xfe");           // not UTF-8
  EXPECT_EQ(forLog("\xc0\xaf"), "\\xc0\\xaf");           // an overlong '/'
  EXPECT_EQ(forLog("a\xe2\x80\xa8z"), "a\\u2028z");      // a line separator
  EXPECT_EQ(forLog("back\\slash"), "back\\\\slash");
  EXPECT_EQ(forLog(std::string(10 << 20, 'x'), 10), "xxxxxxxxxx…(+10485750 bytes)");
  EXPECT_EQ(forLog("村村村村", 4), "村村…(+6 bytes)");  // never cuts a character
  EXPECT_TRUE(isUtf8("村口 ok"));
  EXPECT_FALSE(isUtf8("\xed\xa0\x80"));  // a surrogate
}

TEST(RequestGate, TakesAWholeRequestAndRefusesWhatIsTooLargeChunkedOrMalformed) {
  const RequestLimits limits{1024, 100};
  using Kind = RequestVerdict::Kind;
  EXPECT_EQ(checkRequest("GET / HTTP/1.1\r\nHost: x\r\n", limits).kind, Kind::NeedMore);
  const std::string get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  EXPECT_EQ(checkRequest(get, limits).kind, Kind::Complete);
  EXPECT_EQ(checkRequest(get, limits).bytes, get.size());
  const std::string post = "POST /api/login HTTP/1.1\r\ncontent-LENGTH: 5\r\n\r\n";
  EXPECT_EQ(checkRequest(post + "{\"a\"", limits).kind, Kind::NeedMore);
  EXPECT_EQ(checkRequest(post + "{\"a\"}", limits).kind, Kind::Complete);
  EXPECT_EQ(checkRequest("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n", limits).status(), 413);
  EXPECT_EQ(checkRequest("POST / HTTP/1.1\r\nContent-Length: 300000000000000000000\r\n\r\n", limits).status(), 400);
  EXPECT_EQ(checkRequest("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", limits).status(), 400);
  EXPECT_EQ(checkRequest("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", limits).status(), 400);
  EXPECT_EQ(checkRequest("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", limits).status(), 411);
  EXPECT_EQ(checkRequest("GET / HTTP/1.1\r\nno colon here\r\n\r\n", limits).status(), 400);
  EXPECT_EQ(checkRequest("\r\n\r\n", limits).status(), 400);
  EXPECT_EQ(checkRequest("GET / HTTP/1.1\r\n" + std::string(1100, 'a'), limits).status(), 431);
  EXPECT_EQ(checkRequest("GET / HTTP/1.1\r\nX: " + std::string(1100, 'a') + "\r\n\r\n", limits).status(), 431);
  // A body-carrying method says its length; no compressed body; no bare LF or CR to hide a header behind.
  EXPECT_EQ(checkRequest("POST /api/login HTTP/1.1\r\nContent-Type: application/json\r\n\r\n", limits).status(), 411);
  EXPECT_EQ(checkRequest("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Encoding: gzip\r\n\r\n{}", limits).status(), 415);
  EXPECT_EQ(checkRequest("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Encoding: identity\r\n\r\n{}", limits).kind,
            Kind::Complete);
  EXPECT_EQ(checkRequest("POST / HTTP/1.1\r\nX: a\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n{}", limits).status(),
            400);
  EXPECT_EQ(checkRequest("GET / HTTP/1.1\r\nX: a\rContent-Length: 5\r\n\r\n", limits).status(), 400);
}

TEST(RequestGate, CountsAnIpv6HostByItsSlash64) {
  EXPECT_EQ(addressGroup("10.0.0.7"), "10.0.0.7");
  EXPECT_EQ(addressGroup("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(addressGroup("2001:db8:1:2::1"), addressGroup("2001:db8:1:2:ffff::9"));
  EXPECT_EQ(addressGroup("::ffff:10.0.0.7"), "10.0.0.7");
  EXPECT_EQ(addressGroup("not an address"), "not an address");
}

TEST(LoginThrottle, SlowsAGuesserWithoutShuttingOutTheUser) {
  LoginThrottle t;
  const SteadyTime t0{std::chrono::hours(10)};
  for (int i = 0; i < LoginThrottle::kFreeTries; ++i) {
    EXPECT_EQ(t.waitSeconds("admin", "10.0.0.9", t0), 0);
    t.failed("admin", "10.0.0.9", t0);
  }
  EXPECT_EQ(t.waitSeconds("admin", "10.0.0.9", t0), 1);
  EXPECT_EQ(t.waitSeconds("admin", "10.0.0.9", t0 + 1s), 0);
  t.failed("admin", "10.0.0.9", t0 + 1s);
  EXPECT_EQ(t.waitSeconds("admin", "10.0.0.9", t0 + 1s), 2);  // doubling
  for (int i = 0; i < 20; ++i) t.failed("admin", "10.0.0.9", t0 + 2s);
  EXPECT_EQ(t.waitSeconds("admin", "10.0.0.9", t0 + 2s), 300);  // never more than 5 minutes
  // The real admin, from their own desk, is not slowed; nor another name.
  EXPECT_EQ(t.waitSeconds("admin", "10.0.0.5", t0 + 2s), 0);
  EXPECT_EQ(t.waitSeconds("wang", "10.0.0.9", t0 + 2s), 0);
  // A success clears its pair.
  t.succeeded("admin", "10.0.0.9", t0 + 400s);
  EXPECT_EQ(t.waitSeconds("admin", "10.0.0.9", t0 + 400s), 0);
}

TEST(LoginThrottle, TriesMadeAtOnceSeeEachOther) {
  // Each try is counted when it begins: 16 at once from one address get 3, not 16.
  LoginThrottle t;
  const SteadyTime t0{std::chrono::hours(10)};
  int let_through = 0;
  for (int i = 0; i < 16; ++i) {
    if (t.waitSeconds("admin", "10.0.0.9", t0) == 0) {
      ++let_through;
      t.failed("admin", "10.0.0.9", t0);
    }
  }
  EXPECT_EQ(let_through, LoginThrottle::kFreeTries);
  // A success takes its own count back: logging in many times is no spray.
  for (int i = 0; i < 100; ++i) {
    t.failed("wang", "10.0.0.1", t0 + std::chrono::seconds(i));
    t.succeeded("wang", "10.0.0.1", t0 + std::chrono::seconds(i));
  }
  EXPECT_EQ(t.waitSeconds("li", "10.0.0.1", t0 + 100s), 0);
}

TEST(LoginThrottle, ASprayFromOneAddressSlowsItButNotTheOperatorsWhoLoggedInFromThere) {
  LoginThrottle t;
  const SteadyTime t0{std::chrono::hours(10)};
  t.succeeded("wang", "10.0.0.1", t0);  // wang works behind the county's proxy
  for (int i = 0; i < LoginThrottle::kSprayFailures; ++i) t.failed("user" + std::to_string(i), "10.0.0.1", t0 + 1s);
  EXPECT_GT(t.waitSeconds("someone-new", "10.0.0.1", t0 + 1s), 0);
  EXPECT_EQ(t.waitSeconds("wang", "10.0.0.1", t0 + 1s), 0);
  EXPECT_EQ(t.waitSeconds("someone-new", "10.0.0.2", t0 + 1s), 0);
  EXPECT_EQ(t.waitSeconds("someone-new", "10.0.0.1", t0 + 1s + LoginThrottle::kSprayWindow + 1s), 0);
}

TEST(LoginThrottle, StaysBoundedUnderAFloodOfNamesAndAddresses) {
  LoginThrottle t;
  const SteadyTime t0{std::chrono::hours(10)};
  for (int i = 0; i < 300000; ++i) t.failed("n" + std::to_string(i), "a" + std::to_string(i), t0 + std::chrono::milliseconds(i));
  t.failed("x", "y", t0 + 1h);  // the stale ones go
  EXPECT_EQ(t.waitSeconds("n5", "a5", t0 + 1h), 0);
}

TEST(AlertCsv, NoCellBecomesAFormulaAndNoPasswordIsExported) {
  AlertRecord r;
  r.id = "a1";
  r.village = "=HYPERLINK(\"http://x\",\"click\")";
  r.township = "+1";
  r.node = "@SUM(1)";
  r.zone = "-2";
  r.message = "camera rtsp://admin:hunter2@10.0.0.7/ch1 is gone";
  const auto csv = alertsCsv({r});
  EXPECT_NE(csv.find(",'+1,\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\",'@SUM(1),"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",'-2,"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("hunter2"), std::string::npos) << csv;
  EXPECT_NE(csv.find("rtsp://admin:***@10.0.0.7/ch1"), std::string::npos) << csv;
}

TEST(PayloadLimits, SizeAndDepthAreCheckedBeforeParsing) {
  EXPECT_EQ(contract::maxPayloadBytes("alert"), 64u << 10);
  EXPECT_EQ(contract::maxPayloadBytes("snapshot"), 4u << 20);
  EXPECT_FALSE(contract::deeperThan("{\"a\": [1, {\"b\": []}]}", 4));
  EXPECT_EQ(contract::deeperThan("{\"a\": [1, {\"b\": []}]}", 3), 16u);
  EXPECT_EQ(contract::deeperThan("[[[[", 3), 3u);
  EXPECT_FALSE(contract::deeperThan("\"[[[[[[\"", 3));     // brackets in a string do not count
  EXPECT_FALSE(contract::deeperThan("\"\\\"[[[[[\"", 3));  // nor after an escaped quote
  auto refused = [](const std::string& text, const char* kind) {
    try {
      contract::parsePayload(text, kind);
    } catch (const contract::PayloadError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(refused(std::string(100000, '['), "alert"),
            "alert: 100000 bytes, more than the 65536 a alert payload may have");
  EXPECT_EQ(refused(std::string(50, '[') + std::string(50, ']'), "alert"), "alert: nested deeper than 12 levels (at byte 12)");
  EXPECT_NE(refused("{\"a\": 1e999}", "alert").find("alert: not JSON"), std::string::npos);
  EXPECT_NE(refused("{\"a\": \"\xff\"}", "alert").find("alert: not JSON"), std::string::npos);
}

TEST(PayloadLimits, ATimeOutsideWhatAWallTimeHoldsIsNoTime) {
  EXPECT_TRUE(fromRfc3339("2026-12-06T17:13:55.693Z"));
  EXPECT_TRUE(fromRfc3339("1970-01-01T00:00:00.000Z"));
  EXPECT_TRUE(fromRfc3339("2200-12-31T23:59:59.999Z"));  // the span between any two fits a WallTime
  for (const char* bad : {"1013-12-06T17:13:55.693Z", "1900-01-01T00:00:00.000Z", "9999-12-06T17:13:55.693Z", "2026-13-06T17:13:55.693Z",
                          "2026-12-00T17:13:55.693Z", "2026-12-06T24:13:55.693Z", "2026-12-06T17:60:55.693Z",
                          "-026-12-06T17:13:55.693Z"}) {
    EXPECT_FALSE(fromRfc3339(bad)) << bad;  // found by fuzz_payloads: a year 1013 overflowed the nanoseconds
  }
}

}  // namespace
}  // namespace villagecam::county
