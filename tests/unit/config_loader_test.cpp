// check-config's promise: each class of mistake is reported with file:line:col,
// the key path and what was expected. A table of {YAML, exact message}.
#include <gtest/gtest.h>

#include <filesystem>
#include <cstring>
#include <fstream>

#include "config/admin_code.hpp"
#include "config/config_loader.hpp"

namespace villagecam::config {
namespace {

namespace fs = std::filesystem;

// A valid config; each case below breaks one thing in a copy of it.
const char* kValid = R"(node:
  id: village-01
  region: Lankao
state_dir: /tmp/vc-state
cameras:
  - id: gate
    rtsp_url: rtsp://10.0.0.7/ch1
  - id: square
    name: Square
    rtsp_url: rtsp://admin:123456@10.0.0.8:8554/live
    transport: tcp
    analysis:
      fps: 1.5
      width: 320
      height: 180
)";

std::vector<std::string> problems(const std::string& yaml, const fs::path& base = "/nonexistent") {
  try {
    parseConfig(yaml, "config.yaml", base);
  } catch (const ConfigError& e) {
    std::vector<std::string> out;
    for (const auto& issue : e.issues()) out.push_back(issue.format());
    return out;
  }
  return {};
}

TEST(ConfigLoader, AcceptsTheValidConfigIntoTypedStructs) {
  const Config cfg = parseConfig(kValid, "config.yaml", "/etc/villagecam");
  EXPECT_EQ(cfg.node.id, "village-01");
  EXPECT_EQ(cfg.node.region, "Lankao");
  EXPECT_EQ(cfg.state_dir, "/tmp/vc-state");
  ASSERT_EQ(cfg.cameras.size(), 2u);
  EXPECT_EQ(cfg.cameras[0].name, "gate");  // defaults to the id
  EXPECT_EQ(cfg.cameras[0].transport, Transport::Auto);
  EXPECT_FALSE(cfg.cameras[0].credentials.has_value());
  EXPECT_EQ(cfg.cameras[1].transport, Transport::Tcp);
  EXPECT_DOUBLE_EQ(cfg.cameras[1].analysis.fps, 1.5);
  EXPECT_EQ(cfg.cameras[1].analysis.width, 320);
  ASSERT_TRUE(cfg.cameras[1].credentials.has_value());
  EXPECT_EQ(cfg.cameras[1].credentials->password, "123456");
  EXPECT_EQ(cfg.cameras[1].url.port, 8554);
  EXPECT_EQ(cfg.cameras[1].url.withoutCredentials(), "rtsp://10.0.0.8:8554/live");
}

struct Case {
  const char* what;
  const char* yaml;
  std::vector<std::string> expected;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.what; }

class ConfigErrors : public ::testing::TestWithParam<Case> {};

TEST_P(ConfigErrors, NamesFileLineColumnKeyAndWhatWasExpected) {
  EXPECT_EQ(problems(GetParam().yaml), GetParam().expected) << GetParam().what;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ConfigErrors,
    ::testing::Values(
        Case{"unknown key with a did-you-mean",
             R"(node:
  id: v1
cameras:
  - id: gate
    rtsp_url: rtsp://10.0.0.7/ch1
  - id: square
    rtsp_url: rtsp://10.0.0.8/ch1
  - id: bridge
    rtsp_ulr: rtsp://10.0.0.9/ch1
)",
             {"config.yaml:8:5: cameras[2].rtsp_url: missing required key",
              "config.yaml:9:5: cameras[2].rtsp_ulr: unknown key (did you mean 'rtsp_url'?)"}},
        Case{"unknown key far from any known one",
             "node:\n  id: v1\n  colour: red\ncameras: []\n",
             {"config.yaml:3:3: node.colour: unknown key (expected one of: id, region, township, village, admin_code, gb_code, timezone, trust_unsynchronised_clock)"}},
        Case{"unknown top-level key",
             "node:\n  id: v1\ncamera: []\n",
             {"config.yaml:1:1: cameras: missing required key",
              "config.yaml:3:1: camera: unknown key (did you mean 'cameras'?)"}},
        Case{"missing node id",
             "node:\n  region: x\ncameras: []\n",
             {"config.yaml:2:3: node.id: missing required key"}},
        Case{"key with no value",
             "node:\n  id:\ncameras: []\n",
             {"config.yaml:2:3: node.id: a value is required"}},
        Case{"wrong type: a list where a number goes",
             "node: {id: v1}\ncameras:\n  - id: a\n    rtsp_url: rtsp://h/p\n    analysis:\n      fps: [1, 2]\n",
             {"config.yaml:6:12: cameras[0].analysis.fps: expected a number, got a list"}},
        Case{"wrong type: text where a number goes",
             "node: {id: v1}\ncameras:\n  - id: a\n    rtsp_url: rtsp://h/p\n    analysis: {width: wide}\n",
             {"config.yaml:5:23: cameras[0].analysis.width: expected a whole number, got 'wide'"}},
        Case{"wrong type: cameras is not a list",
             "node: {id: v1}\ncameras: gate\n",
             {"config.yaml:2:10: cameras: expected a list, got a scalar"}},
        Case{"out of range",
             "node: {id: v1}\ncameras:\n  - id: a\n    rtsp_url: rtsp://h/p\n    analysis: {fps: 120}\n",
             {"config.yaml:5:21: cameras[0].analysis.fps: 120 is out of range (expected 0.1 to 30)"}},
        Case{"duration out of range",
             "node: {id: v1}\ningest:\n  stall_timeout: 0.5s\ncameras: []\n",
             {"config.yaml:3:18: ingest.stall_timeout: 0.5s is out of range (expected 1s to 300s)"}},
        Case{"duration without a known unit",
             "node: {id: v1}\ningest:\n  backoff_max: 10 minutes\ncameras: []\n",
             {"config.yaml:3:16: ingest.backoff_max: expected a duration such as 500ms, 10s, 5m or 2h, got "
              "'10 minutes'"}},
        Case{"bad choice with a suggestion",
             "node: {id: v1}\ncameras:\n  - id: a\n    rtsp_url: rtsp://h/p\n    transport: tpc\n",
             {"config.yaml:5:16: cameras[0].transport: expected one of auto, tcp, udp, got 'tpc' (did you "
              "mean 'tcp'?)"}},
        Case{"a patrol time that is no duration",
             "node: {id: v1}\ncameras:\n  - id: a\n    rtsp_url: rtsp://h/p\n    patrol_time: 3 min\n",
             {"config.yaml:5:18: cameras[0].patrol_time: expected a duration such as 500ms, 10s, 5m or 2h, got "
              "'3 min'"}},
        Case{"duplicate camera ids",
             "node: {id: v1}\ncameras:\n  - id: gate\n    rtsp_url: rtsp://h/1\n  - id: gate\n    rtsp_url: "
             "rtsp://h/2\n",
             {"config.yaml:5:9: cameras[1].id: duplicate camera id 'gate' (first defined at config.yaml:3:9)"}},
        Case{"invalid id",
             "node: {id: Village One}\ncameras: []\n",
             {"config.yaml:1:12: node.id: 'Village One' is not a valid id (expected 1 to 64 of a-z, 0-9, '-' and "
              "'_', starting with a letter or digit)"}},
        Case{"malformed URL, with its password hidden",
             "node: {id: v1}\ncameras:\n  - id: a\n    rtsp_url: http://admin:123456@10.0.0.7/ch1\n",
             {"config.yaml:4:15: cameras[0].rtsp_url: malformed RTSP URL 'http://admin:***@10.0.0.7/ch1': scheme "
              "must be rtsp or rtsps, not 'http'"}},
        Case{"URL with a bad port",
             "node: {id: v1}\ncameras:\n  - id: a\n    rtsp_url: rtsp://10.0.0.7:99999/ch1\n",
             {"config.yaml:4:15: cameras[0].rtsp_url: malformed RTSP URL 'rtsp://10.0.0.7:99999/ch1': port must "
              "be a number from 1 to 65535"}},
        Case{"URL with no scheme",
             "node: {id: v1}\ncameras:\n  - id: a\n    rtsp_url: 10.0.0.7/ch1\n",
             {"config.yaml:4:15: cameras[0].rtsp_url: malformed RTSP URL '10.0.0.7/ch1': expected "
              "rtsp://host[:port]/path"}},
        Case{"unreadable secrets file",
             "node: {id: v1}\nsecrets_file: /nonexistent/secrets.yaml\ncameras: []\n",
             {"config.yaml:2:15: secrets_file: cannot read '/nonexistent/secrets.yaml': No such file or "
              "directory"}},
        Case{"secret named without a secrets file",
             "node: {id: v1}\ncameras:\n  - id: a\n    rtsp_url: rtsp://h/p\n    secret: a\n",
             {"config.yaml:5:13: cameras[0].secret: names secret 'a' but no secrets_file is set"}},
        Case{"a key given twice",
             "node: {id: v1}\ncameras:\n  - id: a\n    rtsp_url: rtsp://h/p\n    rtsp_url: rtsp://h/q\n",
             {"config.yaml:5:5: cameras[0].rtsp_url: key given twice (first at line 4)"}},
        Case{"YAML syntax error",
             "node: {id: v1\ncameras: []\n",
             {"config.yaml:2:8: YAML syntax error: end of map flow not found"}},
        Case{"MQTT broker that is not a broker address",
             "node: {id: v1}\nmqtt:\n  brokers: [http://county:1883]\ncameras: []\n",
             {"config.yaml:3:13: mqtt.brokers[0]: 'http://county:1883' is not a broker address (expected "
              "tcp://host:1883 or ssl://host:8883)"}},
        Case{"MQTT without brokers, and an unreadable password file",
             "node: {id: v1}\nmqtt:\n  password_file: /nonexistent/pw\n  protocol: 4\ncameras: []\n",
             {"config.yaml:3:3: mqtt.brokers: missing required key",
              "config.yaml:3:18: mqtt.password_file: cannot read '/nonexistent/pw': No such file or directory",
              "config.yaml:4:13: mqtt.protocol: expected one of 3.1.1, 5, got '4' (did you mean '5'?)"}},
        Case{"an area naming a camera that does not exist, and one with no camera",
             "node: {id: v1}\ncameras:\n  - id: gate\n    rtsp_url: rtsp://h/1\nareas:\n  - id: entrance\n"
             "    kind: entrance\n    cameras: [gaet]\n  - id: bridge\n    kind: bridge\n    cameras: []\n",
             {"config.yaml:8:15: areas[0].cameras[0]: no camera 'gaet' in cameras (did you mean 'gate'?)",
              "config.yaml:11:14: areas[1].cameras: an area needs at least one camera; without one it can never be "
              "covered"}},
        Case{"an area without cameras or kind, a bad kind, a duplicate id",
             "node: {id: v1}\ncameras:\n  - id: gate\n    rtsp_url: rtsp://h/1\nareas:\n  - id: square\n"
             "  - id: square\n    kind: river\n    cameras: [gate, gate]\n",
             {"config.yaml:6:5: areas[0].kind: missing required key",
              "config.yaml:6:5: areas[0].cameras: missing required key",
              "config.yaml:7:9: areas[1].id: duplicate area id 'square' (first defined at config.yaml:6:9)",
              "config.yaml:8:11: areas[1].kind: expected one of entrance, square, road, bridge, river_bank, school, "
              "market, other, got 'river'",
              "config.yaml:9:21: areas[1].cameras[1]: camera 'gate' is listed twice"}},
        Case{"an unknown time zone and a view threshold out of range",
             "node: {id: v1, timezone: Asia/Shanghia}\nview_quality:\n  defocus_ratio: 2\ncameras: []\n",
             {"config.yaml:1:26: node.timezone: unknown time zone 'Asia/Shanghia' (expected a name such as "
              "Asia/Shanghai; see /usr/share/zoneinfo)",
              "config.yaml:3:18: view_quality.defocus_ratio: 2 is out of range (expected 0.05 to 0.95)"}},
        Case{"zones: a bad polygon, a bad schedule, a missing kind",
             "node: {id: v1}\ncameras:\n  - id: a\n    rtsp_url: rtsp://h/p\n    detection:\n      zones:\n"
             "        - id: bank\n          polygon: [[0.1, 0.5], [1.2, 0.5]]\n"
             "          schedule: [{days: weekdays, from: \"7pm\", to: \"06:00\"}]\n",
             {"config.yaml:7:11: cameras[0].detection.zones[0].kind: missing required key",
              "config.yaml:8:34: cameras[0].detection.zones[0].polygon[1].x: 1.2 is out of range (expected 0 to 1)",
              "config.yaml:9:29: cameras[0].detection.zones[0].schedule[0].days: expected days such as daily, mon-fri, "
              "sat,sun or mon,wed-fri, got 'weekdays'",
              "config.yaml:9:45: cameras[0].detection.zones[0].schedule[0].from: expected a time of day such as 19:00, "
              "got '7pm'"}},
        Case{"a camera with zones in key-frame mode, and an unknown mode",
             "node: {id: v1}\ncameras:\n  - id: a\n    rtsp_url: rtsp://h/p\n    analysis: {mode: keyframes}\n"
             "    detection:\n      zones: [{id: z, kind: motion, polygon: [[0, 0], [1, 0], [1, 1]]}]\n"
             "  - id: b\n    rtsp_url: rtsp://h/q\n    analysis: {mode: decode}\n",
             {"config.yaml:7:7: cameras[0].detection: zones need every frame: set analysis.mode to full (it is "
              "keyframes)",
              "config.yaml:10:22: cameras[1].analysis.mode: expected one of health, keyframes, full, got 'decode'"}},
        Case{"empty file", "", {"config.yaml: the file is empty; see config/villagecam.example.yaml"}},
        Case{"several problems are all reported, in file order",
             "node:\n  id: v1\nstate_dri: /x\ncameras:\n  - id: a\n    rtsp_url: rtsp://h/p\n    enabled: "
             "maybe\n",
             {"config.yaml:3:1: state_dri: unknown key (did you mean 'state_dir'?)",
              "config.yaml:7:14: cameras[0].enabled: expected true or false, got 'maybe'"}}),
    [](const ::testing::TestParamInfo<Case>& info) { return "case" + std::to_string(info.index); });

class SecretsFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vc-secrets-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void writeSecrets(const std::string& text) { std::ofstream(dir_ / "secrets.yaml") << text; }
  fs::path dir_;
};

TEST_F(SecretsFile, CredentialsComeFromTheSecretsFile) {
  writeSecrets("rtsp:\n  gate:\n    username: admin\n    password: \"s3cr3t!\"\n");
  const Config cfg = parseConfig(
      "node: {id: v1}\nsecrets_file: secrets.yaml\ncameras:\n  - id: gate\n    rtsp_url: rtsp://h/p\n    secret: gate\n",
      "config.yaml", dir_);
  ASSERT_TRUE(cfg.cameras[0].credentials);
  EXPECT_EQ(cfg.cameras[0].credentials->username, "admin");
  EXPECT_EQ(cfg.cameras[0].credentials->password, "s3cr3t!");
}

TEST_F(SecretsFile, UnknownSecretNameIsReportedAtTheCamera) {
  writeSecrets("rtsp:\n  gate: {username: admin, password: x}\n");
  EXPECT_EQ(problems("node: {id: v1}\nsecrets_file: secrets.yaml\ncameras:\n  - id: a\n    rtsp_url: rtsp://h/p\n"
                     "    secret: gaet\n",
                     dir_),
            std::vector<std::string>{"config.yaml:6:13: cameras[0].secret: no entry 'gaet' under rtsp: in the secrets file"});
}

TEST_F(SecretsFile, ErrorsInsideTheSecretsFileNeverQuoteAValue) {
  writeSecrets("rtsp:\n  gate:\n    username: admin\n    pasword: hunter2\n");
  const auto found = problems("node: {id: v1}\nsecrets_file: secrets.yaml\ncameras: []\n", dir_);
  const std::string file = (dir_ / "secrets.yaml").string();
  EXPECT_EQ(found, (std::vector<std::string>{
                       file + ":3:5: rtsp.gate.password: missing required key",
                       file + ":4:5: rtsp.gate.pasword: unknown key (did you mean 'password'?)"}));
  for (const auto& line : found) EXPECT_EQ(line.find("hunter2"), std::string::npos) << line;
}

TEST_F(SecretsFile, ASecretsFileCanComeFromSystemdCredentials) {
  writeSecrets("rtsp:\n  gate: {username: admin, password: pw}\n");
  const std::string yaml =
      "node: {id: v1}\nsecrets_file: ${CREDENTIALS_DIRECTORY}/secrets.yaml\ncameras:\n  - id: gate\n"
      "    rtsp_url: rtsp://h/p\n    secret: gate\n";
  ::unsetenv("CREDENTIALS_DIRECTORY");
  EXPECT_EQ(problems(yaml, dir_),
            (std::vector<std::string>{
                "config.yaml:2:15: secrets_file: uses ${CREDENTIALS_DIRECTORY}, which is set only when systemd starts "
                "the node with LoadCredential= (see systemd/villagecam-node.service)",
                "config.yaml:6:13: cameras[0].secret: names secret 'gate' but no secrets_file is set"}));
  ::setenv("CREDENTIALS_DIRECTORY", dir_.c_str(), 1);
  const Config cfg = parseConfig(yaml, "config.yaml", "/etc/villagecam");
  ::unsetenv("CREDENTIALS_DIRECTORY");
  EXPECT_EQ(*cfg.secrets_file, dir_ / "secrets.yaml");
  EXPECT_EQ(cfg.cameras[0].credentials->password, "pw");
}

TEST_F(SecretsFile, ViewerAccountsComeFromTheSecretsFileAndAllowReServingBeyondLoopback) {
  writeSecrets("viewers:\n  office: {password: correct-horse-9}\n");
  const Config cfg = parseConfig(
      "node: {id: v1}\nsecrets_file: secrets.yaml\nrestream: {listen: 0.0.0.0:8554, max_viewers_per_camera: 3, "
      "max_bitrate_kbps: 8000, view_linger: 1m}\ncameras:\n  - id: gate\n    rtsp_url: rtsp://h/sub\n"
      "    view_url: rtsp://admin:pw@h/main\n",
      "config.yaml", dir_);
  EXPECT_EQ(cfg.restream.host, "0.0.0.0");
  EXPECT_EQ(cfg.restream.port, 8554);
  EXPECT_EQ(cfg.restream.max_viewers_per_camera, 3);
  EXPECT_EQ(cfg.restream.max_bitrate_kbps, 8000);
  EXPECT_EQ(cfg.restream.view_linger, Seconds(60));
  EXPECT_EQ(cfg.restream.viewers, (std::map<std::string, std::string>{{"office", "correct-horse-9"}}));
  ASSERT_TRUE(cfg.cameras[0].view_url);
  EXPECT_EQ(cfg.cameras[0].view_url->withoutCredentials(), "rtsp://h/main");
  EXPECT_EQ(cfg.cameras[0].view_credentials->password, "pw");
}

TEST_F(SecretsFile, ReServingBeyondLoopbackWithoutViewerAccountsIsRefusedAndAShortPasswordNamed) {
  writeSecrets("viewers:\n  office: {password: short}\n");
  const auto found = problems("node: {id: v1}\nsecrets_file: secrets.yaml\nrestream:\n  listen: 0.0.0.0:8554\n"
                              "cameras: []\n",
                              dir_);
  const std::string file = (dir_ / "secrets.yaml").string();
  EXPECT_EQ(found, (std::vector<std::string>{
                       file + ":2:22: viewers.office.password: too short: at least 12 characters",
                       "config.yaml:4:11: restream.listen: '0.0.0.0' is beyond loopback and there is no viewer "
                       "account: anyone on the network could watch every camera; add viewers: to the secrets file "
                       "(secrets_file), or listen on 127.0.0.1"}));
  for (const auto& line : found) EXPECT_EQ(line.find("short}"), std::string::npos) << line;
}

TEST(ConfigLoader, ReServingIsOnLoopbackByDefaultAndAViewUrlTakesTheCamerasCredentials) {
  const Config cfg = parseConfig("node: {id: v1}\ncameras:\n  - id: gate\n    rtsp_url: rtsp://admin:pw@h/sub\n"
                                 "    view_url: rtsp://h/main\n",
                                 "config.yaml", ".");
  EXPECT_TRUE(cfg.restream.enabled);
  EXPECT_EQ(cfg.restream.host, "127.0.0.1");
  EXPECT_EQ(cfg.restream.port, 8554);
  EXPECT_TRUE(cfg.restream.viewers.empty());
  ASSERT_TRUE(cfg.cameras[0].view_credentials);
  EXPECT_EQ(cfg.cameras[0].view_credentials->username, "admin");
  EXPECT_EQ(problems("node: {id: v1}\nrestream: {listen: 8554}\ncameras: []\n", "."),
            std::vector<std::string>{"config.yaml:2:20: restream.listen: expected host:port such as 127.0.0.1:8554, "
                                     "got '8554'"});
}

TEST_F(SecretsFile, TheCountyLinkTakesItsPasswordFromAFileAndRefusesCredentialsInTheUrl) {
  std::ofstream(dir_ / "push-password") << "a push secret\n";
  const Config cfg = parseConfig("node: {id: v1}\ncounty_link:\n  url: rtsp://county.example:8555\n"
                                 "  password_file: push-password\n  max_bitrate_kbps: 3000\ncameras: []\n",
                                 "config.yaml", dir_);
  EXPECT_TRUE(cfg.county_link.enabled());
  EXPECT_EQ(cfg.county_link.host, "county.example");
  EXPECT_EQ(cfg.county_link.port, 8555);
  EXPECT_EQ(cfg.county_link.password, "a push secret");
  EXPECT_EQ(cfg.county_link.max_bitrate_kbps, 3000);
  EXPECT_FALSE(parseConfig("node: {id: v1}\ncameras: []\n", "config.yaml", dir_).county_link.enabled());
  const auto found = problems("node: {id: v1}\ncounty_link:\n  url: rtsp://v1:hunter2@county.example:8555\n"
                              "  pasword_file: push-password\ncameras: []\n",
                              dir_);
  EXPECT_EQ(found, (std::vector<std::string>{
                       "config.yaml:3:3: county_link.password_file: missing required key",
                       "config.yaml:3:8: county_link.url: no credentials in the URL: the node pushes as its node id, "
                       "with password_file",
                       "config.yaml:4:3: county_link.pasword_file: unknown key (did you mean "
                       "'password_file'?)"}));
  for (const auto& line : found) EXPECT_EQ(line.find("hunter2"), std::string::npos) << line;
  EXPECT_EQ(problems("node: {id: v1}\ncounty_link: {url: \"rtsp://county.example:8555/n1\", password_file: push-password}\n"
                     "cameras: []\n",
                     dir_),
            std::vector<std::string>{"config.yaml:2:20: county_link.url: the receiver's address only (rtsp://host:port): "
                                     "the node adds /<node>/<camera>"});
}

TEST(ConfigLoader, MissingFileIsNamed) {
  try {
    loadConfig("/nonexistent/villagecam.yaml");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/villagecam.yaml: cannot read the file: No such file or directory");
  }
}

TEST_F(SecretsFile, TheShippedExampleConfigIsValid) {
  // The example names files under /etc/villagecam/; give it real ones here.
  std::ifstream in(VILLAGECAM_SOURCE_DIR "/config/villagecam.example.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  for (size_t at; (at = text.find("/etc/villagecam/")) != std::string::npos;) {
    text.replace(at, std::strlen("/etc/villagecam/"), dir_.string() + "/");
  }
  std::ofstream(dir_ / "mqtt-password") << "pw\n";
  std::ofstream(dir_ / "county-ca.crt") << "a CA certificate\n";
  const Config cfg = parseConfig(text, "villagecam.example.yaml", dir_);
  EXPECT_EQ(cfg.node.id, "xinzhuang-01");
  EXPECT_TRUE(cfg.mqtt.enabled);
  EXPECT_EQ(*cfg.mqtt.password, "pw");
  EXPECT_EQ(cfg.mqtt.topic_prefix, "villagecam/xinzhuang-01");
  EXPECT_EQ(cfg.mqtt.outbox_max_bytes, 16u << 20);
  EXPECT_EQ(cfg.alerts.language, Language::ZhCN);
  ASSERT_EQ(cfg.cameras.size(), 3u);
  EXPECT_EQ(cfg.cameras[0].analysis.mode, AnalysisMode::Keyframes);
  EXPECT_EQ(cfg.cameras[1].analysis.mode, AnalysisMode::Keyframes);  // by role: no zones
  ASSERT_TRUE(cfg.cameras[1].patrol_time.has_value());                // a PTZ camera
  EXPECT_DOUBLE_EQ(cfg.cameras[1].patrol_time->count(), 180);
  EXPECT_FALSE(cfg.cameras[0].patrol_time.has_value());
  EXPECT_EQ(cfg.cameras[2].analysis.mode, AnalysisMode::Full);       // by role: zones
  ASSERT_EQ(cfg.cameras[2].detection.zones.size(), 1u);
  const auto& bank = cfg.cameras[2].detection.zones[0];
  EXPECT_EQ(bank.kind, ZoneKind::Intrusion);
  EXPECT_EQ(bank.polygon.size(), 4u);
  ASSERT_EQ(bank.schedule.windows.size(), 1u);
  EXPECT_EQ(bank.schedule.windows[0].from_minute, 19 * 60);
  EXPECT_TRUE(bank.people_only);
  ASSERT_EQ(cfg.areas.size(), 3u);
  EXPECT_EQ(cfg.areas[0].kind, AreaKind::Entrance);
  EXPECT_EQ(cfg.node.timezone, "Asia/Shanghai");
}

TEST(ConfigLoader, AreasNameTheirCamerasKindAndWeight) {
  const Config cfg = parseConfig(std::string(kValid) +
                                     "areas:\n  - id: east-entrance\n    name: East entrance\n    kind: entrance\n"
                                     "    weight: 2\n    cameras: [gate, square]\n  - id: river\n    kind: river_bank\n"
                                     "    cameras: [square]\n",
                                 "config.yaml", "/etc/villagecam");
  ASSERT_EQ(cfg.areas.size(), 2u);
  EXPECT_EQ(cfg.areas[0].name, "East entrance");
  EXPECT_DOUBLE_EQ(cfg.areas[0].weight, 2.0);
  EXPECT_EQ(cfg.areas[0].cameras, (std::vector<std::string>{"gate", "square"}));
  EXPECT_EQ(cfg.areas[1].kind, AreaKind::RiverBank);
  EXPECT_EQ(cfg.areas[1].name, "river");
  EXPECT_DOUBLE_EQ(cfg.areas[1].weight, 1.0);
}

// Issue 14: the county groups villages by township and by statistical area
// code, and each area may name its grid.
TEST(ConfigLoader, TheNodeNamesItsTownshipAndCodeAndAnAreaItsGrid) {
  std::string yaml(kValid);
  yaml.replace(yaml.find("  region: Lankao\n"), 16,
               "  region: Lankao\n  township: Chengguan\n  village: Xinzhuang\n  admin_code: \"410225100201\"\n");
  const Config cfg = parseConfig(yaml + "areas:\n  - id: gate-area\n    kind: entrance\n    grid: 东片第3网格\n"
                                        "    cameras: [gate]\n  - id: square\n    kind: square\n    cameras: [square]\n",
                                 "config.yaml", "/etc/villagecam");
  EXPECT_EQ(cfg.node.township, "Chengguan");
  EXPECT_EQ(cfg.node.village, "Xinzhuang");
  EXPECT_EQ(cfg.node.admin_code, "410225100201");
  EXPECT_EQ(cfg.areas.at(0).grid, "东片第3网格");
  EXPECT_EQ(cfg.areas.at(1).grid, "");
  // Unquoted, YAML reads it as the same text.
  yaml.replace(yaml.find("\"410225100201\""), 14, "410225100201");
  EXPECT_EQ(parseConfig(yaml, "config.yaml", "/etc/villagecam").node.admin_code, "410225100201");
}

TEST(ConfigLoader, AnAdminCodeThatIsNoVillageCodeIsRefusedNamingTheBadPart) {
  struct Case {
    const char* code;
    const char* message;
  };
  const Case cases[] = {
      {"4102251002", "'4102251002' has 10 digits; a village's code has 12 digits: county (6, GB/T 2260) + "
                     "township (3) + village (3)"},
      {"41022510020l", "'41022510020l': character 12 'l' is not a digit (a village's code is 12 digits: county (6, "
                       "GB/T 2260) + township (3) + village (3))"},
      {"990225100201", "'990225100201': province part '99' (digits 1-2) is no GB/T 2260 province"},
      {"410025100201", "'410025100201': prefecture part '00' (digits 3-4) is zero, which makes it a province's code, "
                       "not a village's"},
      {"410200100201", "'410200100201': county part '00' (digits 5-6) is zero, which makes it a prefecture's code, "
                       "not a village's"},
      {"410225000201", "'410225000201': township part '000' (digits 7-9) is zero, which makes it a county's code, "
                       "not a village's"},
      {"410225100000", "'410225100000': village part '000' (digits 10-12) is zero, which makes it a township's code, "
                       "not a village's"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(adminCodeProblem(c.code), c.message);
    std::string yaml(kValid);
    yaml.replace(yaml.find("  region: Lankao\n"), 16, std::string("  region: Lankao\n  admin_code: \"") + c.code + "\"\n");
    EXPECT_EQ(problems(yaml), std::vector<std::string>{std::string("config.yaml:4:15: node.admin_code: ") + c.message});
  }
  EXPECT_EQ(adminCodeProblem("110101001001"), "");  // Beijing, Dongcheng, Donghuamen, Duofuxiang
  EXPECT_EQ(countyCodeOf("410225100201"), "410225");
  EXPECT_EQ(townshipCodeOf("410225100201"), "410225100");
}

}  // namespace
}  // namespace villagecam::config
