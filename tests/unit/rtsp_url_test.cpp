#include <gtest/gtest.h>

#include "yaml/did_you_mean.hpp"
#include "config/rtsp_url.hpp"

namespace villagecam::config {
namespace {

TEST(RtspUrl, SplitsCredentialsOffAndRedactsThePassword) {
  const auto r = parseRtspUrl("rtsp://admin:123456@10.0.0.7/ch1");
  ASSERT_TRUE(r.url) << r.error;
  EXPECT_EQ(r.url->username, "admin");
  EXPECT_EQ(r.url->password, "123456");
  EXPECT_EQ(r.url->host, "10.0.0.7");
  EXPECT_EQ(r.url->port, 0);
  EXPECT_EQ(r.url->path, "/ch1");
  EXPECT_EQ(r.url->redacted(), "rtsp://admin:***@10.0.0.7/ch1");
  EXPECT_EQ(r.url->withoutCredentials(), "rtsp://10.0.0.7/ch1");
}

TEST(RtspUrl, PasswordsWithReservedCharactersAreDecodedAndNeverShown) {
  const auto r = parseRtspUrl("rtsp://admin:p%40ss@word@cam.local:8554/Streaming/Channels/101?transportmode=unicast");
  ASSERT_TRUE(r.url) << r.error;
  EXPECT_EQ(r.url->password, "p@ss@word");
  EXPECT_EQ(r.url->host, "cam.local");
  EXPECT_EQ(r.url->port, 8554);
  EXPECT_EQ(r.url->redacted(), "rtsp://admin:***@cam.local:8554/Streaming/Channels/101?transportmode=unicast");
}

TEST(RtspUrl, Ipv6AndNoPath) {
  const auto r = parseRtspUrl("rtsps://[fe80::1]:322");
  ASSERT_TRUE(r.url) << r.error;
  EXPECT_EQ(r.url->scheme, "rtsps");
  EXPECT_EQ(r.url->host, "[fe80::1]");
  EXPECT_EQ(r.url->port, 322);
  EXPECT_EQ(r.url->path, "/");
}

TEST(RtspUrl, RejectsWhatIsNotAnRtspUrl) {
  EXPECT_EQ(parseRtspUrl("http://h/p").error, "scheme must be rtsp or rtsps, not 'http'");
  EXPECT_EQ(parseRtspUrl("rtsp:/h/p").error, "expected rtsp://host[:port]/path");
  EXPECT_EQ(parseRtspUrl("rtsp://:554/p").error, "missing host");
  EXPECT_EQ(parseRtspUrl("rtsp://h:0/p").error, "port must be a number from 1 to 65535");
  EXPECT_EQ(parseRtspUrl("rtsp://h:abc/p").error, "port must be a number from 1 to 65535");
  EXPECT_EQ(parseRtspUrl("rtsp://bad host/p").error, "invalid host name");
}

TEST(RedactUrlsIn, HidesPasswordsInFreeText) {
  EXPECT_EQ(redactUrlsIn("could not open rtsp://admin:123456@10.0.0.7/ch1 (timeout)"),
            "could not open rtsp://admin:***@10.0.0.7/ch1 (timeout)");
  EXPECT_EQ(redactUrlsIn("a rtsp://u:p@ss@h/x b"), "a rtsp://u:***@h/x b");
  EXPECT_EQ(redactUrlsIn("no secrets rtsp://10.0.0.7/ch1"), "no secrets rtsp://10.0.0.7/ch1");
}

TEST(DidYouMean, FindsTyposButNotStrangers) {
  const std::vector<std::string> keys{"id", "name", "rtsp_url", "transport", "analysis"};
  EXPECT_EQ(yaml::didYouMean("rtsp_ulr", keys), "rtsp_url");
  EXPECT_EQ(yaml::didYouMean("trasnport", keys), "transport");
  EXPECT_EQ(yaml::didYouMean("nmae", keys), "name");
  EXPECT_EQ(yaml::didYouMean("colour", keys), std::nullopt);
  EXPECT_EQ(yaml::editDistance("ab", "ba"), 1u);
}

}  // namespace
}  // namespace villagecam::config
