// villagecam-county-sim: a county of simulated nodes on a real broker, for
// tests, the demo and the benchmark. Each node is its own MQTT client with a
// will, and publishes what a node publishes (docs/mqtt.md): its state,
// status, camera statuses and coverage, retained, every interval; intrusion
// alerts at the rate asked for. It prints, one JSON object a line on stdout:
//   {"event":"truth", ...}      what the console must show, after publishing
//                               (and again whenever it changes)
//   {"event":"alert", "id", "phase", "node", "published_at"}  with --print-alerts
//   {"event":"published", "alerts": {"start": n, "end": n}, "messages": n}   at the end
#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <iostream>
#include <map>
#include <random>

#include "contract/topics.hpp"
#include "service/signals.hpp"
#include "sim/county_model.hpp"
#include "sim/sim_link.hpp"
#include "util/time_format.hpp"

namespace {

using namespace villagecam;
using namespace villagecam::county::sim;
using namespace std::chrono_literals;
using config::Seconds;

struct Options {
  std::string broker = "tcp://127.0.0.1:1883";
  std::string root = "villagecam";
  SimCountyOptions county;
  double interval_s = 10;
  int silent = 0;
  double silent_after_s = 0;
  double alerts_per_second = 0;
  double alert_seconds = 5;
  double duration_s = 0;
  bool print_alerts = false;
};

void say(const nlohmann::json& j) { std::cout << j.dump() << std::endl; }

class SimCounty {
 public:
  explicit SimCounty(Options o) : o_(std::move(o)), nodes_(makeCounty(o_.county)), rng_(o_.county.seed + 7) {}

  void connect() {
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      const auto& n = nodes_[i];
      const auto prefix = o_.root + "/" + n.id;
      const bool vanishes = i + static_cast<std::size_t>(o_.silent) >= nodes_.size();  // the last --silent nodes
      links_.push_back(std::make_unique<SimLink>(o_.broker, "sim-" + n.id, contract::topics::state(prefix), vanishes));
      links_.back()->startConnect();
    }
    for (auto& l : links_) l->connected();
  }

  void publishAll(WallTime now) {
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      if (!nodes_[i].silent) publishNode(i, now);
    }
    for (auto& l : links_) l->flush();
  }

  void vanish(int count) {
    for (int k = 0; k < count && k < static_cast<int>(nodes_.size()); ++k) {
      auto i = nodes_.size() - 1 - static_cast<std::size_t>(k);
      nodes_[i].silent = true;
      links_[i]->vanish();
      // The alerts it had open stay open: a vanished node ends nothing.
      open_.erase(std::remove_if(open_.begin(), open_.end(), [&](const auto& a) { return a.node == i; }), open_.end());
    }
  }

  // Starts and ends alerts; returns when there is nothing more to do now.
  void alerts(WallTime now, double dt_s) {
    for (auto it = open_.begin(); it != open_.end();) {
      if (now >= it->alert.started_at + std::chrono::duration_cast<WallTime::duration>(Seconds(o_.alert_seconds))) {
        auto end = it->alert;
        end.phase = events::AlertPhase::End;
        end.ended_at = now;
        send(it->node, end, now);
        ++ends_;
        it = open_.erase(it);
      } else {
        ++it;
      }
    }
    if (o_.alerts_per_second <= 0) return;
    owed_ += o_.alerts_per_second * dt_s;
    std::uniform_int_distribution<std::size_t> pick(0, nodes_.size() - 1);
    while (owed_ >= 1) {
      owed_ -= 1;
      std::size_t i = pick(rng_);
      if (nodes_[i].silent) continue;
      events::Alert a;
      a.id = fmt::format("{}-{:08d}", nodes_[i].id, ++serial_);
      a.type = events::AlertType::Intrusion;
      a.severity = events::severityOf(a.type);
      a.phase = events::AlertPhase::Start;
      a.camera_id = nodes_[i].cameras.front().id;
      a.camera_name = a.camera_id;
      a.zone_id = "zone-1";
      a.zone_name = "zone 1";
      a.objects = {{0.4, 0.3, 0.1, 0.3}};
      a.started_at = now;
      a.reason_code = "object";
      a.detail = "1 object(s) in zone zone-1";
      a.message = "simulated intrusion";
      send(i, a, now);
      ++starts_;
      open_.push_back({i, a});
    }
  }

  // As nodes stopping: "offline" from each, flushed together (2 s at most: a
  // broker stopped with us must not hold the stop), then disconnected.
  void stop() {
    for (std::size_t i = 0; i < links_.size(); ++i) {
      if (!nodes_[i].silent) links_[i]->sayOffline();
    }
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    for (auto& l : links_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !l->flush(left)) break;
    }
    for (auto& l : links_) l->disconnect();
  }

  nlohmann::json truthJson() const {
    auto j = truth(nodes_);
    j["event"] = "truth";
    return j;
  }
  nlohmann::json publishedJson() const {
    return {{"event", "published"}, {"alerts", {{"start", starts_}, {"end", ends_}}}, {"messages", messages_}};
  }

 private:
  struct Open {
    std::size_t node;
    events::Alert alert;
  };

  void publishNode(std::size_t i, WallTime now) {
    const auto& n = nodes_[i];
    const auto prefix = o_.root + "/" + n.id;
    auto& link = *links_[i];
    link.publish(contract::topics::state(prefix), contract::kStateOnline, true);
    for (const auto& c : n.cameras) link.publish(contract::topics::cameraStatus(prefix, c.id), cameraStatus(n, c, started_, now).dump(), true);
    link.publish(contract::topics::coverage(prefix), coverage(n, now).dump(), true);
    link.publish(contract::topics::status(prefix), contract::nodeStatusJson(nodeStatus(n, started_, now, o_.interval_s)).dump(), true);
    messages_ += n.cameras.size() + 3;
  }

  void send(std::size_t i, const events::Alert& a, WallTime now) {
    const auto& n = nodes_[i];
    contract::Origin origin{n.id, n.place, n.gb_code, {}};
    for (const auto& c : n.cameras) origin.camera_gb_codes[c.id] = c.gb_code;
    const auto payload = contract::alertJson(a, origin, config::Language::ZhCN).dump();
    links_[i]->publish(contract::topics::alerts(o_.root + "/" + n.id), payload, false);
    ++messages_;
    if (o_.print_alerts) {
      say({{"event", "alert"}, {"id", a.id}, {"phase", events::toString(a.phase)}, {"node", n.id},
           {"published_at", toRfc3339(now)}});
    }
  }

  Options o_;
  std::vector<SimNode> nodes_;
  std::vector<std::unique_ptr<SimLink>> links_;
  std::mt19937_64 rng_;
  WallTime started_ = std::chrono::system_clock::now();
  std::vector<Open> open_;
  double owed_ = 0;
  std::uint64_t serial_ = 0, starts_ = 0, ends_ = 0, messages_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  service::blockTerminationSignals();
  Options o;
  CLI::App cli{"villagecam-county-sim: simulated villagecam nodes on a real MQTT broker"};
  cli.add_option("--broker", o.broker, "Broker URI")->capture_default_str();
  cli.add_option("--root", o.root, "Topic root the nodes publish under")->capture_default_str();
  cli.add_option("--nodes", o.county.nodes, "Nodes (villages)")->check(CLI::Range(1, 100000))->capture_default_str();
  cli.add_option("--cameras", o.county.cameras, "Cameras per node")->check(CLI::Range(1, 1000))->capture_default_str();
  cli.add_option("--seed", o.county.seed, "Seed of the made-up county")->capture_default_str();
  cli.add_option("--villages-per-township", o.county.villages_per_township)->check(CLI::Range(1, 1000))->capture_default_str();
  cli.add_option("--offline-share", o.county.offline_share)->check(CLI::Range(0.0, 1.0))->capture_default_str();
  cli.add_option("--tampered-share", o.county.tampered_share)->check(CLI::Range(0.0, 1.0))->capture_default_str();
  cli.add_option("--unverified-share", o.county.unverified_share)->check(CLI::Range(0.0, 1.0))->capture_default_str();
  cli.add_option("--interval", o.interval_s, "Status interval, seconds")->check(CLI::Range(0.5, 3600.0))->capture_default_str();
  cli.add_option("--silent", o.silent, "Nodes that vanish (their will says offline)")->check(CLI::NonNegativeNumber);
  cli.add_option("--silent-after", o.silent_after_s, "Seconds before they vanish")->check(CLI::NonNegativeNumber);
  cli.add_option("--alerts-per-second", o.alerts_per_second, "Intrusion alerts started per second, over all nodes")
      ->check(CLI::NonNegativeNumber);
  cli.add_option("--alert-seconds", o.alert_seconds, "How long each alert stays open")->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cli.add_option("--duration", o.duration_s, "Seconds to run (0: until SIGINT or SIGTERM)")->check(CLI::NonNegativeNumber);
  cli.add_flag("--print-alerts", o.print_alerts, "Print a line for every alert published");
  CLI11_PARSE(cli, argc, argv);

  SimCounty county(o);
  try {
    county.connect();
  } catch (const std::exception& e) {
    std::cerr << "villagecam-county-sim: " << e.what() << '\n';
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  county.publishAll(std::chrono::system_clock::now());
  say(county.truthJson());
  auto next_status = start + std::chrono::duration_cast<Duration>(Seconds(o.interval_s));
  bool vanished = o.silent == 0;
  auto last = start;
  while (true) {
    if (service::waitForSignal(100ms) == service::Signal::Stop) break;
    const auto now = std::chrono::steady_clock::now();
    const auto wall = std::chrono::system_clock::now();
    if (o.duration_s > 0 && now - start >= Seconds(o.duration_s)) break;
    if (!vanished && now - start >= Seconds(o.silent_after_s)) {
      county.vanish(o.silent);
      vanished = true;
      say(county.truthJson());
    }
    county.alerts(wall, toSeconds(now - last));
    last = now;
    if (now >= next_status) {
      county.publishAll(wall);
      next_status += std::chrono::duration_cast<Duration>(Seconds(o.interval_s));
    }
  }
  county.stop();
  say(county.publishedJson());
  return 0;
}
