// villagecam-county: the county console over the nodes' MQTT contract.
//   run           the console (docs/county.md)
//   check-config  validate a config file and say exactly what is wrong
#include <CLI/CLI.hpp>

#include <iostream>

#include "config/county_config.hpp"
#include "console/county_console.hpp"
#include "service/signals.hpp"
#include "util/logging.hpp"
#include "util/time_format.hpp"

#ifndef VILLAGECAM_VERSION
#define VILLAGECAM_VERSION "0.0.0"
#endif

namespace {

using namespace villagecam;

constexpr int kExitBadConfig = 2;

std::optional<config::CountyConfig> load(const std::string& path) {
  try {
    return config::loadCountyConfig(path);
  } catch (const config::ConfigError& e) {
    std::cerr << e.what() << '\n';
    const auto n = e.issues().size();
    std::cerr << path << ": " << n << (n == 1 ? " problem" : " problems") << " found\n";
    return std::nullopt;
  }
}

}  // namespace

int main(int argc, char** argv) {
  service::blockTerminationSignals();
  CLI::App cli{"villagecam-county: the county console of villagecam"};
  cli.set_version_flag("--version", VILLAGECAM_VERSION);
  cli.require_subcommand(1);
  std::string config_path;
  auto* run_cmd = cli.add_subcommand("run", "Run the console");
  run_cmd->add_option("-c,--config", config_path, "Config file")->required();
  auto* check_cmd = cli.add_subcommand("check-config", "Validate a config file; exits 2 on any problem");
  check_cmd->add_option("-c,--config", config_path, "Config file")->required();
  CLI11_PARSE(cli, argc, argv);

  const auto cfg = load(config_path);
  if (!cfg) return kExitBadConfig;
  if (check_cmd->parsed()) {
    std::cout << config_path << ": OK (broker " << cfg->mqtt.brokers.front() << ", storage "
              << config::toString(cfg->storage.engine) << ", console on " << cfg->http.host << ":" << cfg->http.port
              << ")\n";
    return 0;
  }
  useTimeZone(cfg->timezone);
  setupLogging(cfg->logging.level);
  return county::runConsole(*cfg);
}
