// The message catalogue (node/i18n/messages.def): both languages complete,
// each sentence's arguments the same in both, the Chinese Chinese and the
// English free of it; the process's language from the locale; and what the
// config reader says, in each.
#include <gtest/gtest.h>

#include <fmt/args.h>

#include <fstream>
#include <regex>
#include <set>

#include "config/config_loader.hpp"
#include "i18n/language.hpp"
#include "i18n/messages.hpp"
#include "scratch_dir.hpp"

namespace villagecam {
namespace {

using i18n::Language;

// The code points of a UTF-8 string (the catalogue is valid UTF-8).
std::vector<char32_t> codePoints(std::string_view s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

bool isChinese(char32_t c) {
  return (c >= 0x3000 && c <= 0x303F) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xFF00 && c <= 0xFFEF) ||
         c == U'“' || c == U'”';
}

// The arguments a pattern takes: {} in order, or {N}.
std::set<int> argumentsOf(std::string_view pattern) {
  std::set<int> out;
  int next = 0;
  static const std::regex field(R"(\{(\d*)(:[^}]*)?\})");
  const std::string p(pattern);
  for (auto it = std::sregex_iterator(p.begin(), p.end(), field); it != std::sregex_iterator(); ++it) {
    out.insert((*it)[1].length() ? std::stoi((*it)[1]) : next++);
  }
  return out;
}

// Words a Chinese sentence keeps as they are: units, literals of the config, names of things.
const std::set<std::string> kKeptAsTheyAre = {"true", "false", "ms", "s", "m", "h", "KB", "MB", "GB",
                                               "YAML", "MQTT", "RTSP", "GOP", "STATUS", "TLS", "TCP",
                                               "CA", "ACL", "fps", "kbit", "IP"};

TEST(Catalogue, EveryMessageIsInBothLanguagesWithTheSameArguments) {
  const auto all = i18n::catalogue();
  ASSERT_FALSE(all.empty());
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& m = all[i];
    SCOPED_TRACE(std::string(m.name));
    EXPECT_EQ(static_cast<std::size_t>(m.id), i) << "out of order";
    EXPECT_TRUE(names.insert(m.name).second) << "named twice";
    EXPECT_FALSE(m.zh.empty()) << "no Chinese";
    EXPECT_FALSE(m.en.empty()) << "no English";
    EXPECT_EQ(argumentsOf(m.zh), argumentsOf(m.en)) << "the languages take different arguments";
    // Chinese: some Chinese, and no English word but those kept as they are.
    const auto zh = codePoints(m.zh);
    EXPECT_TRUE(std::any_of(zh.begin(), zh.end(), isChinese)) << "'" << m.zh << "' is not Chinese";
    static const std::regex word("[A-Za-z]+");
    const std::string bare = std::regex_replace(std::string(m.zh), std::regex(R"(\{[^}]*\})"), "");
    for (auto it = std::sregex_iterator(bare.begin(), bare.end(), word); it != std::sregex_iterator(); ++it) {
      EXPECT_TRUE(kKeptAsTheyAre.count(it->str())) << "'" << it->str() << "' is English in '" << m.zh << "'";
    }
    // English: no Chinese.
    const auto en = codePoints(m.en);
    EXPECT_FALSE(std::any_of(en.begin(), en.end(), [](char32_t c) { return c >= 0x2E80; }))
        << "'" << m.en << "' is not English";
    // Both format with their arguments.
    fmt::dynamic_format_arg_store<fmt::format_context> args;
    for (std::size_t k = 0; k < argumentsOf(m.en).size(); ++k) args.push_back(std::string("x"));
    EXPECT_NO_THROW(fmt::vformat(m.zh, args)) << m.zh;
    EXPECT_NO_THROW(fmt::vformat(m.en, args)) << m.en;
  }
}

TEST(Catalogue, TheProcessLanguageComesFromTheLocaleAsGettextReadsIt) {
  using i18n::parseLanguage;
  EXPECT_EQ(parseLanguage("zh_CN.UTF-8"), Language::ZhCN);
  EXPECT_EQ(parseLanguage("zh-CN"), Language::ZhCN);
  EXPECT_EQ(parseLanguage("zh_TW.UTF-8@whatever"), Language::ZhCN);
  EXPECT_EQ(parseLanguage("en_US.UTF-8"), Language::En);
  EXPECT_EQ(parseLanguage("C"), Language::En);
  EXPECT_EQ(parseLanguage("C.UTF-8"), Language::En);
  EXPECT_EQ(parseLanguage("POSIX"), Language::En);
  EXPECT_EQ(parseLanguage("fr_FR.UTF-8"), std::nullopt);

  struct Env {
    const char* name;
    std::optional<std::string> saved;
    explicit Env(const char* n) : name(n) {
      if (const char* v = std::getenv(n)) saved = v;
    }
    ~Env() { saved ? setenv(name, saved->c_str(), 1) : unsetenv(name); }
  } all("LC_ALL"), messages("LC_MESSAGES"), lang("LANG");
  unsetenv("LC_ALL");
  unsetenv("LC_MESSAGES");
  unsetenv("LANG");
  EXPECT_EQ(i18n::languageFromEnvironment(), Language::En);
  setenv("LANG", "zh_CN.UTF-8", 1);
  EXPECT_EQ(i18n::languageFromEnvironment(), Language::ZhCN);
  setenv("LC_MESSAGES", "C", 1);  // LC_MESSAGES before LANG
  EXPECT_EQ(i18n::languageFromEnvironment(), Language::En);
  setenv("LC_ALL", "zh_CN.UTF-8", 1);  // LC_ALL before both
  EXPECT_EQ(i18n::languageFromEnvironment(), Language::ZhCN);
  setenv("LC_ALL", "", 1);  // set but empty: not there
  EXPECT_EQ(i18n::languageFromEnvironment(), Language::En);
  setenv("LC_ALL", "de_DE.UTF-8", 1);  // a language villagecam does not speak
  EXPECT_EQ(i18n::languageFromEnvironment(), Language::En);
}

// The process's language for one test.
struct SpeakingIn {
  explicit SpeakingIn(Language l) : before(i18n::processLanguage()) { i18n::setProcessLanguage(l); }
  ~SpeakingIn() { i18n::setProcessLanguage(before); }
  Language before;
};

std::vector<std::string> problemsOf(const std::filesystem::path& file) {
  try {
    config::loadConfig(file);
  } catch (const config::ConfigError& e) {
    std::vector<std::string> out;
    for (const auto& issue : e.issues()) out.push_back(issue.format());
    return out;
  }
  return {};
}

TEST(Catalogue, TheConfigReaderSaysWhatIsWrongInTheProcesssLanguageKeysAsTheyAre) {
  testing::ScratchDir dir("i18n-config");
  const auto file = dir / "config.yaml";
  std::ofstream(file) << "node: {id: n1}\n"
                         "state_dir: " << (dir / "state").string() << "\n"
                         "cameras:\n"
                         "  - id: gate\n"
                         "    rtsp_ulr: rtsp://10.0.0.7/ch1\n"
                         "    enabled: maybe\n"
                         "ingest: {connect_timeout: 3 weeks}\n";
  const auto name = file.string();
  {
    SpeakingIn zh(Language::ZhCN);
    const auto got = problemsOf(file);
    ASSERT_GE(got.size(), 3u);
    EXPECT_EQ(got[0], name + ":4:5: cameras[0].rtsp_url: 缺少必需的键");
    EXPECT_EQ(got[1], name + ":5:5: cameras[0].rtsp_ulr: 未知的键（是否应为“rtsp_url”？）");
    EXPECT_EQ(got[2], name + ":6:14: cameras[0].enabled: 应为布尔值（true 或 false），实际为“maybe”");
  }
  {
    SpeakingIn en(Language::En);
    const auto got = problemsOf(file);
    ASSERT_GE(got.size(), 3u);
    EXPECT_EQ(got[1], name + ":5:5: cameras[0].rtsp_ulr: unknown key (did you mean 'rtsp_url'?)");
    EXPECT_EQ(got[2], name + ":6:14: cameras[0].enabled: expected true or false, got 'maybe'");
  }
}

}  // namespace
}  // namespace villagecam
