// villagecam-county's config: as strict as the node's, every problem with
// file:line:column and its key path.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "settings/county_config.hpp"
#include "scratch_dir.hpp"

namespace villagecam::county {
namespace {

std::vector<std::string> problems(const std::string& yaml) {
  try {
    parseCountyConfig(yaml, "county.yaml", "/nonexistent");
  } catch (const yaml::ConfigError& e) {
    std::vector<std::string> out;
    for (const auto& issue : e.issues()) out.push_back(issue.format());
    return out;
  }
  return {};
}

TEST(CountyConfig, ReadsEveryKeyWithItsDefaults) {
  const auto cfg = parseCountyConfig("county: {name: 兰考县, timezone: Asia/Shanghai}\n"
                                     "mqtt:\n  brokers: [tcp://127.0.0.1:1883]\n  shared_group: county\n",
                                     "county.yaml", "/etc/villagecam");
  EXPECT_EQ(cfg.name, "兰考县");
  EXPECT_EQ(cfg.mqtt.client_id, "villagecam-county");
  EXPECT_EQ(cfg.topic_root, "villagecam");
  EXPECT_EQ(cfg.shared_group, "county");
  EXPECT_EQ(cfg.http.host, "127.0.0.1");  // loopback unless configured
  EXPECT_EQ(cfg.http.port, 9820);
  EXPECT_EQ(cfg.storage.engine, StorageEngine::Sqlite);
  // Secure defaults: no node counts without a word, bounded clients, no proxy believed.
  EXPECT_TRUE(cfg.admission.admin_code_prefixes.empty());
  EXPECT_EQ(cfg.admission.max_pending, 1000);
  EXPECT_EQ(cfg.http.request_timeout, config::Seconds(10));
  EXPECT_EQ(cfg.http.max_connections_per_client, 16);
  EXPECT_TRUE(cfg.http.trusted_proxies.empty());
  const auto set = parseCountyConfig("mqtt:\n  brokers: [tcp://127.0.0.1:1883]\nadmission:\n  admin_code_prefixes: [\"410225\"]\n"
                                     "  max_pending: 50\nhttp: {request_timeout: 3s, max_connections_per_client: 4, "
                                     "trusted_proxies: [127.0.0.1, \"::1\"]}\n",
                                     "county.yaml", "/etc/villagecam");
  EXPECT_EQ(set.admission.admin_code_prefixes, std::vector<std::string>{"410225"});
  EXPECT_EQ(set.admission.max_pending, 50);
  EXPECT_EQ(set.http.request_timeout, config::Seconds(3));
  EXPECT_EQ(set.http.max_connections_per_client, 4);
  EXPECT_EQ(set.http.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
}

TEST(CountyConfig, EachMistakeIsNamedWithItsPlace) {
  struct Case {
    std::string yaml;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"mqtt:\n  brokers: [tcp://127.0.0.1:1883]\n  shared_grup: a\n",
       {"county.yaml:3:3: mqtt.shared_grup: unknown key (did you mean 'shared_group'?)"}},
      {"county: {name: x}\n", {"county.yaml:1:1: mqtt: missing required key"}},
      {"mqtt:\n  brokers: [tcp://127.0.0.1:1883]\n  shared_group: a/b\n",
       {"county.yaml:3:17: mqtt.shared_group: 'a/b' is not a group name (one topic level: no '/', '+', '#' or spaces)"}},
      {"mqtt:\n  brokers: [tcp://127.0.0.1:1883]\nstorage:\n  engine: postgresql\n  postgresql: "
       "\"host=db user=county password=hunter2\"\n",
       {"county.yaml:5:15: storage.postgresql: give the connection as key=value pairs without a password "
        "(\"host=... dbname=... user=...\"); the password goes in storage.password_file"}},
      {"mqtt:\n  brokers: [tcp://127.0.0.1:1883]\nstorage: {engine: mysql}\n",
       {"county.yaml:3:19: storage.engine: expected one of sqlite, postgresql, got 'mysql'"}},
      {"mqtt:\n  brokers: [tcp://127.0.0.1:1883]\nhttp: {listen: everywhere}\n",
       {"county.yaml:3:16: http.listen: expected host:port such as 127.0.0.1:9810, got 'everywhere'"}},
      {"mqtt:\n  brokers: [tcp://127.0.0.1:1883]\nadmission: {admin_code_prefixes: [\"4102x\"]}\n",
       {"county.yaml:3:35: admission.admin_code_prefixes[0]: expected the first 2 to 12 digits of an admin code "
        "(the county's 6: \"410225\"), got '4102x'"}},
      {"mqtt:\n  brokers: [tcp://127.0.0.1:1883]\nadmission: {max_pendng: 5}\n",
       {"county.yaml:3:13: admission.max_pendng: unknown key (did you mean 'max_pending'?)"}},
      {"mqtt:\n  brokers: [tcp://127.0.0.1:1883]\nhttp: {trusted_proxies: [nginx]}\n",
       {"county.yaml:3:26: http.trusted_proxies[0]: expected an IP address such as 127.0.0.1, got 'nginx'"}},
  };
  for (const auto& c : cases) EXPECT_EQ(problems(c.yaml), c.expected) << c.yaml;
  // The password never shows in an error.
  for (const auto& line : problems(cases[3].yaml)) EXPECT_EQ(line.find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace villagecam::county

namespace villagecam::county {
namespace {

// Live video: where nodes push, and each node's own push password, read
// from a file of their own; an error there names the file and the node and
// never quotes a password.
TEST(CountyConfig, LiveVideoReadsThePushPasswordsAndNamesEachMistakeWithoutQuotingOne) {
  testing::ScratchDir dir("county-live-config");
  std::ofstream(dir / "push.yaml") << "village-a: \"a-push-password-long-enough\"\nvillage-b: b-push-password-long\n";
  const auto cfg = parseCountyConfig("mqtt:\n  brokers: [tcp://127.0.0.1:1883]\nlive:\n  listen: 127.0.0.1:0\n"
                                     "  push_passwords_file: push.yaml\n  max_streams: 3\n",
                                     "county.yaml", dir.path());
  EXPECT_TRUE(cfg.live.enabled);
  EXPECT_EQ(cfg.live.host, "127.0.0.1");
  EXPECT_EQ(cfg.live.port, 0);
  EXPECT_EQ(cfg.live.max_streams, 3);
  EXPECT_EQ(cfg.live.push_passwords.size(), 2u);
  EXPECT_EQ(cfg.live.push_passwords.at("village-a"), "a-push-password-long-enough");
  EXPECT_FALSE(parseCountyConfig("mqtt: {brokers: [tcp://127.0.0.1:1883]}\n", "county.yaml", dir.path()).live.enabled);

  std::ofstream(dir / "bad.yaml") << "village-a: short-secret\nVillage!: a-push-password-long-enough\n";
  std::vector<std::string> lines;
  try {
    parseCountyConfig("mqtt: {brokers: [tcp://127.0.0.1:1883]}\nlive: {push_passwords_file: bad.yaml, max_stream: 2}\n",
                      "county.yaml", dir.path());
  } catch (const yaml::ConfigError& e) {
    for (const auto& issue : e.issues()) lines.push_back(issue.format());
  }
  const std::string bad = (dir / "bad.yaml").string();
  EXPECT_EQ(lines, (std::vector<std::string>{
                       bad + ":1:12: village-a: too short: a push password has at least 16 characters",
                       bad + ":2:1: Village!: not a node id (a-z, 0-9, '_' and '-', starting with a letter or digit)",
                       "county.yaml:2:39: live.max_stream: unknown key (did you mean 'max_streams'?)"}));
  for (const auto& line : lines) EXPECT_EQ(line.find("short-secret"), std::string::npos) << line;
}

TEST(CountyConfig, TheShippedExampleIsValid) {
  testing::ScratchDir dir("county-config");
  std::ifstream in(VILLAGECAM_SOURCE_DIR "/config/county.example.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  for (size_t at; (at = text.find("/etc/villagecam/")) != std::string::npos;) {
    text.replace(at, std::strlen("/etc/villagecam/"), dir.string() + "/");
  }
  std::ofstream(dir / "county-mqtt-password") << "pw\n";
  std::ofstream(dir / "county-ca.crt") << "a CA certificate\n";
  std::ofstream(dir / "county-push-passwords.yaml") << "village-a: a-push-password-long-enough\n";
  const auto cfg = parseCountyConfig(text, "county.example.yaml", dir.path());
  EXPECT_EQ(cfg.name, "兰考县");
  EXPECT_EQ(*cfg.mqtt.password, "pw");
  EXPECT_EQ(cfg.mqtt.client_id, "villagecam-county-1");
  EXPECT_EQ(cfg.http.port, 9820);
  EXPECT_TRUE(cfg.live.enabled);
  EXPECT_EQ(cfg.live.push_passwords.size(), 1u);
}

}  // namespace
}  // namespace villagecam::county
