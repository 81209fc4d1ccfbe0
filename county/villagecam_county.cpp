// villagecam-county: the county console over the nodes' MQTT contract.
//   run           the console (docs/county.md)
//   check-config  validate a config file and say exactly what is wrong
//   add-user      add an operator (or change one's role and password); the
//                 password is read from standard input, never from the command line
//   admit-node    admit a village box into the county's numbers with its place
//                 (or move one), ahead of its first message
#include <CLI/CLI.hpp>

#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "access/passwords.hpp"
#include "console/county_console.hpp"
#include "i18n/language.hpp"
#include "service/signals.hpp"
#include "settings/county_config.hpp"
#include "util/logging.hpp"
#include "util/time_format.hpp"

#ifndef VILLAGECAM_VERSION
#define VILLAGECAM_VERSION "0.0.0"
#endif

namespace {

using namespace villagecam;

constexpr int kExitBadConfig = 2;

std::optional<county::CountyConfig> load(const std::string& path) {
  try {
    return county::loadCountyConfig(path);
  } catch (const yaml::ConfigError& e) {
    std::cerr << e.what() << '\n';
    const auto n = e.issues().size();
    std::cerr << path << ": " << n << (n == 1 ? " problem" : " problems") << " found\n";
    return std::nullopt;
  }
}

// A line of standard input; without echo when it is a terminal.
std::string readSecretLine(const char* prompt) {
  const bool tty = ::isatty(STDIN_FILENO);
  termios before{};
  if (tty) {
    std::cerr << prompt << std::flush;
    ::tcgetattr(STDIN_FILENO, &before);
    termios quiet = before;
    quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &before);
    std::cerr << '\n';
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int addUser(const county::CountyConfig& cfg, const std::string& name, const std::string& role) {
  const auto password = readSecretLine("password: ");
  if (::isatty(STDIN_FILENO) && readSecretLine("again: ") != password) {
    std::cerr << "add-user: the passwords differ\n";
    return 2;
  }
  if (const auto problem = county::userProblem(name, role, password); !problem.empty()) {
    std::cerr << "add-user: " << problem << '\n';
    return 2;
  }
  try {
    auto store = county::openStore(cfg);
    const bool existed = store->user(name).has_value();
    store->putUser({name, role, county::hashPassword(password), std::chrono::system_clock::now()});
    std::cout << (existed ? "changed " : "added ") << role << " '" << name << "' in " << store->engine() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "add-user: " << e.what() << '\n';
    return 1;
  }
  return 0;
}

int admitNode(const county::CountyConfig& cfg, const std::string& node, const contract::Place& place) {
  if (const auto problem = county::nodeProblem(node, place); !problem.empty()) {
    std::cerr << "admit-node: " << problem << '\n';
    return 2;
  }
  try {
    auto store = county::openStore(cfg);
    store->admitNode({node, place, "admit-node", std::chrono::system_clock::now()});
    std::cout << "admitted node '" << node << "' (" << place.township << " " << place.village
              << (place.admin_code.empty() ? "" : ", " + place.admin_code) << ") in " << store->engine() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "admit-node: " << e.what() << '\n';
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  service::blockTerminationSignals();
  CLI::App cli{"villagecam-county: the county console of villagecam"};
  cli.set_version_flag("--version", VILLAGECAM_VERSION);
  cli.require_subcommand(1);
  cli.fallthrough();  // --lang after the command too
  std::string lang_name;
  cli.add_option("--lang", lang_name, "Language of what is printed and logged: zh-CN or en (default: from LC_ALL, LC_MESSAGES, LANG)")
      ->check([](const std::string& v) {
        return i18n::parseLanguage(v) ? std::string() : "expected zh-CN or en, got '" + v + "'";
      });
  std::string config_path;
  auto* run_cmd = cli.add_subcommand("run", "Run the console");
  run_cmd->add_option("-c,--config", config_path, "Config file")->required();
  auto* check_cmd = cli.add_subcommand("check-config", "Validate a config file; exits 2 on any problem");
  check_cmd->add_option("-c,--config", config_path, "Config file")->required();
  std::string user_name, user_role = "viewer";
  auto* user_cmd = cli.add_subcommand("add-user", "Add an operator, or change one; the password is read from stdin");
  user_cmd->add_option("-c,--config", config_path, "Config file")->required();
  user_cmd->add_option("--name", user_name, "Login name (a-z 0-9 _ . -)")->required();
  user_cmd->add_option("--role", user_role, "admin or viewer")->check(CLI::IsMember({"admin", "viewer"}))->capture_default_str();
  std::string node_id;
  contract::Place place;
  auto* admit_cmd = cli.add_subcommand("admit-node", "Admit a village box into the county's numbers, with its place");
  admit_cmd->add_option("-c,--config", config_path, "Config file")->required();
  admit_cmd->add_option("--node", node_id, "The node's id (its topic level)")->required();
  admit_cmd->add_option("--region", place.region, "Its county or region");
  admit_cmd->add_option("--township", place.township, "Its township");
  admit_cmd->add_option("--village", place.village, "Its village");
  admit_cmd->add_option("--admin-code", place.admin_code, "Its 12-digit statistical area code");
  CLI11_PARSE(cli, argc, argv);
  i18n::setProcessLanguage(lang_name.empty() ? i18n::languageFromEnvironment() : *i18n::parseLanguage(lang_name));

  const auto cfg = load(config_path);
  if (!cfg) return kExitBadConfig;
  if (check_cmd->parsed()) {
    std::cout << config_path << ": OK (broker " << cfg->mqtt.brokers.front() << ", storage "
              << county::toString(cfg->storage.engine) << ", console on " << cfg->http.host << ":" << cfg->http.port
              << ")\n";
    return 0;
  }
  if (user_cmd->parsed()) return addUser(*cfg, user_name, user_role);
  if (admit_cmd->parsed()) return admitNode(*cfg, node_id, place);
  useTimeZone(cfg->timezone);
  setupLogging(cfg->logging.level);
  return county::runConsole(*cfg);
}
