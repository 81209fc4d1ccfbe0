// The node's MQTT side: one thread that owns the Paho async client, keeps the
// retained topics true (state, statuses), and drains the Outbox in order with
// QoS 1, acknowledging each alert only when the broker has it.
//
// Paho calls back on its own threads; the callbacks only post an event and
// notify (never publish or wait there: Paho deadlocks if you do).
#pragma once

#include <spdlog/logger.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mqtt/async_client.h>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "mqtt/client_factory.hpp"
#include "mqtt/outbox.hpp"
#include "util/clock.hpp"

namespace villagecam::mqtt {

class Publisher {
 public:
  struct Stats {
    bool connected = false;
    std::uint64_t connections = 0;  // successful connects so far
    std::uint64_t alerts_sent = 0;  // acknowledged by the broker
    std::string last_error;         // why the last connect failed or the connection was lost
    std::uint64_t inbox_dropped = 0;  // messages for the node over their size bound
    std::uint64_t outgoing_dropped = 0;  // sent messages dropped while the queue was full
  };

  Publisher(config::MqttConfig config, std::shared_ptr<Outbox> outbox);
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  void start();
  // A clean stop: "offline" on the state topic, then what is in flight may
  // finish within `flush`, then disconnect. Idempotent.
  void stop(Duration flush = std::chrono::seconds(2));

  // The latest payload for a retained topic; published when connected and
  // again after every reconnect. An empty payload clears the topic.
  void setRetained(const std::string& topic, std::string payload);
  void clearRetained(const std::string& topic) { setRetained(topic, ""); }
  // Messages that must go out just before an alert of the outbox (QoS 1, not
  // retained): the snapshot it names. Asked on the publisher's thread each
  // time the alert is sent (again after a reconnect). Set before start().
  struct Message {
    std::string topic;
    std::string payload;
  };
  using Companions = std::function<std::vector<Message>(const std::string& alert_payload)>;
  void setCompanions(Companions companions) { companions_ = std::move(companions); }
  // New alerts are in the outbox.
  void wake();
  // Messages for the node (the county's commands): `topics` are subscribed
  // (QoS 1) after every connect, and each message on them is handed to
  // `inbox` on Paho's thread, which must only hand it on. A message over
  // `max_bytes` is dropped there, counted. Set before start().
  using Inbox = std::function<void(const std::string& topic, const std::string& payload)>;
  void setInbox(std::vector<std::string> topics, std::size_t max_bytes, Inbox inbox);
  // A message sent once (QoS 1, not retained) when connected: the replies to
  // commands. Not kept across a restart; at most kOutgoing wait, the oldest
  // dropped first (a reply nobody could read in time is worth little).
  void send(Message message);

  Stats stats() const;
  // Waits until connected (true) or the timeout passes (false).
  bool waitUntilConnected(Duration timeout) const;

 private:
  enum class EventKind { Connected, ConnectFailed, ConnectionLost, Delivered, DeliveryFailed };
  struct Event {
    EventKind kind;
    std::uint64_t seq = 0;
    int return_code = 0;
    int reason_code = 0;
    std::string message = "";
  };

  class Listener : public ::mqtt::iaction_listener {
   public:
    Listener(Publisher& owner, bool for_connect) : owner_(owner), for_connect_(for_connect) {}
    void on_success(const ::mqtt::token& tok) override;
    void on_failure(const ::mqtt::token& tok) override;

   private:
    Publisher& owner_;
    bool for_connect_;
  };

  void post(Event e);
  void run();
  void handle(const Event& e);
  void connect();
  void publishRetained();
  void sendAlerts();
  void sendOutgoing();
  void subscribeInbox();
  void dropConnection(const std::string& why);

  const config::MqttConfig config_;
  Companions companions_;
  std::shared_ptr<Outbox> outbox_;
  std::shared_ptr<spdlog::logger> log_;
  TlsErrorLog tls_errors_;
  std::unique_ptr<::mqtt::async_client> client_;
  Listener connect_listener_{*this, true};
  Listener delivery_listener_{*this, false};

  // Shared with Paho's threads and the node (mutex_).
  mutable std::mutex mutex_;
  std::condition_variable changed_;               // wakes the publisher thread
  mutable std::condition_variable connection_changed_;  // wakes waitUntilConnected
  std::deque<Event> events_;
  std::map<std::string, std::string> retained_;  // topic -> latest payload
  std::set<std::string> dirty_;                  // retained topics to (re)publish
  std::deque<Message> outgoing_;
  bool alerts_pending_ = false;
  bool stopping_ = false;
  Stats stats_;

  // The publisher thread's own.
  bool connected_ = false;
  bool connecting_ = false;
  SteadyTime reconnect_at_{};
  Duration backoff_{};
  std::set<std::uint64_t> in_flight_;
  std::uint64_t last_sent_seq_ = 0;
  std::thread thread_;

  std::vector<std::string> inbox_topics_;  // set before start()

  static constexpr std::size_t kWindow = 32;  // alerts in flight at once
  static constexpr std::size_t kOutgoing = 256;
};

}  // namespace villagecam::mqtt
