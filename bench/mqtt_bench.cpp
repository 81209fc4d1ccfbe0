// MQTT alert delivery: latency (raised -> received by a subscriber) and
// sustained alerts per second through the node's durable Outbox and
// Publisher, against a floor measured in the same run on the same broker:
// a bare Paho client publishing the same payloads with QoS 1 (no disk, no
// outbox). Prints ratios node/floor; the machine is shared and noisy, so
// only ratios from one run mean anything.
//
//   mqtt_bench [--latency-count N] [--rate PER_S] [--burst-count N]
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <condition_variable>
#include <deque>
#include <set>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "events/alert.hpp"
#include "mosquitto.hpp"
#include "bench_stats.hpp"
#include "mqtt/outbox.hpp"
#include "contract/payloads.hpp"
#include "mqtt/publisher.hpp"
#include "mqtt_subscriber.hpp"
#include "util/logging.hpp"

namespace {

using villagecam::bench::median;
using villagecam::bench::percentile;

using namespace villagecam;
using Clock = std::chrono::steady_clock;

double nowUs() { return std::chrono::duration<double, std::micro>(Clock::now().time_since_epoch()).count(); }

std::string payload(long i, double sent_us) {
  events::Alert a;
  a.id = events::newAlertId();
  a.camera_id = fmt::format("cam{:06}", i);
  a.camera_name = a.camera_id;
  a.started_at = std::chrono::system_clock::now();
  a.reason_code = "refused";
  a.detail = fmt::format("{:.0f}", sent_us);  // the bench's clock, read back by the subscriber
  a.message = events::renderMessage(a, config::Language::ZhCN);
  return villagecam::contract::alertJson(a, "bench", config::Language::ZhCN).dump();
}

struct Result {
  double p50_ms = 0, p99_ms = 0, per_second = 0;
};

class Receiver {
 public:
  Receiver(const std::string& uri, const std::string& topic) : client_(uri, "bench-receiver", nullptr) {
    client_.set_message_callback([this](::mqtt::const_message_ptr m) {
      const double at = nowUs();
      const auto j = nlohmann::json::parse(m->to_string());
      const double sent = std::stod(j["detail"].get<std::string>());
      std::lock_guard lock(mutex_);
      if (seen_.insert(j["id"].get<std::string>()).second) latencies_.push_back((at - sent) / 1000.0);
      last_us_ = at;
      changed_.notify_all();
    });
    client_.connect()->wait();
    client_.subscribe(topic, 1)->wait();
  }
  ~Receiver() { client_.disconnect()->wait(); }
  void reset() {
    std::lock_guard lock(mutex_);
    latencies_.clear();
    seen_.clear();
  }
  bool waitFor(size_t n, std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return latencies_.size() >= n; });
  }
  std::vector<double> latencies() {
    std::lock_guard lock(mutex_);
    return latencies_;
  }
  double lastUs() {
    std::lock_guard lock(mutex_);
    return last_us_;
  }

 private:
  ::mqtt::async_client client_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<double> latencies_;
  std::set<std::string> seen_;
  double last_us_ = 0;
};


template <typename Send>
Result measure(Receiver& rx, long latency_count, double rate, long burst_count, Send send) {
  Result r;
  rx.reset();
  const auto start = Clock::now();
  for (long i = 0; i < latency_count; ++i) {
    std::this_thread::sleep_until(start + std::chrono::duration<double>(i / rate));  // paced: latency, not queueing
    send(i, nowUs());
  }
  if (!rx.waitFor(latency_count, std::chrono::seconds(60))) std::cerr << "latency phase: messages missing\n";
  const auto lat = rx.latencies();
  r.p50_ms = percentile(lat, 0.50);
  r.p99_ms = percentile(lat, 0.99);
  rx.reset();
  const double t0 = nowUs();
  for (long i = 0; i < burst_count; ++i) send(i, nowUs());
  if (!rx.waitFor(burst_count, std::chrono::seconds(120))) std::cerr << "burst phase: messages missing\n";
  r.per_second = static_cast<double>(burst_count) / ((rx.lastUs() - t0) / 1e6);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  long latency_count = 500, burst_count = 5000;
  double rate = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--latency-count") latency_count = std::stol(argv[i + 1]);
    if (a == "--rate") rate = std::stod(argv[i + 1]);
    if (a == "--burst-count") burst_count = std::stol(argv[i + 1]);
  }
  setupLogging(LogLevel::Warn);
  testing::Mosquitto broker;
  const std::string topic = "villagecam/bench/alerts";
  Receiver rx(broker.uri(), topic);

  // Floor: a bare Paho client, QoS 1, no outbox, the same 32-message window
  // the Publisher keeps in flight.
  ::mqtt::async_client bare(broker.uri(), "bench-floor", nullptr);
  ::mqtt::connect_options bare_options;
  bare_options.set_max_inflight(64);
  bare.connect(bare_options)->wait();
  std::deque<::mqtt::delivery_token_ptr> window;
  const Result floor = measure(rx, latency_count, rate, burst_count, [&](long i, double sent) {
    if (window.size() >= 32) {
      window.front()->wait();
      window.pop_front();
    }
    window.push_back(bare.publish(topic, payload(i, sent), 1, false));
  });
  for (auto& t : window) t->wait();
  bare.disconnect()->wait();

  // The node: Outbox (fsync per alert) + Publisher.
  const auto dir = std::filesystem::temp_directory_path() / ("vc-mqtt-bench-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  config::MqttConfig cfg;
  cfg.enabled = true;
  cfg.brokers = {broker.uri()};
  cfg.client_id = "bench-node";
  cfg.topic_prefix = "villagecam/bench";
  auto outbox = std::make_shared<villagecam::mqtt::Outbox>(dir / "outbox", villagecam::mqtt::Outbox::Limits{1000000, 1u << 30});
  villagecam::mqtt::Publisher publisher(cfg, outbox);
  publisher.start();
  if (!publisher.waitUntilConnected(std::chrono::seconds(20))) {
    std::cerr << "the publisher did not connect: " << publisher.stats().last_error << "\n";
    return 1;
  }
  const Result node = measure(rx, latency_count, rate, burst_count, [&](long i, double sent) {
    outbox->push(payload(i, sent));
    publisher.wake();
  });
  publisher.stop();
  std::filesystem::remove_all(dir);

  std::cout << fmt::format("MQTT alert delivery, {} alerts paced at {}/s for latency, {} in a burst for throughput\n",
                           latency_count, rate, burst_count);
  std::cout << fmt::format("{:<28} {:>10} {:>10} {:>12}\n", "", "p50 ms", "p99 ms", "alerts/s");
  std::cout << fmt::format("{:<28} {:>10.2f} {:>10.2f} {:>12.0f}\n", "floor (bare Paho QoS 1)", floor.p50_ms, floor.p99_ms, floor.per_second);
  std::cout << fmt::format("{:<28} {:>10.2f} {:>10.2f} {:>12.0f}\n", "node (outbox + publisher)", node.p50_ms, node.p99_ms, node.per_second);
  std::cout << fmt::format("{:<28} {:>10.2f} {:>10.2f} {:>12.2f}\n", "ratio node/floor", node.p50_ms / floor.p50_ms,
                           node.p99_ms / floor.p99_ms, node.per_second / floor.per_second);
  return 0;
}
