#include "mqtt/publisher.hpp"

#include <fmt/format.h>

#include "contract/payloads.hpp"
#include "contract/topics.hpp"
#include "util/logging.hpp"
#include "util/duration.hpp"

namespace villagecam::mqtt {
void Publisher::Listener::on_success(const ::mqtt::token& tok) {
  if (for_connect_) {
    owner_.post({EventKind::Connected});
  } else {
    owner_.post({EventKind::Delivered, reinterpret_cast<std::uintptr_t>(tok.get_user_context())});
  }
}

void Publisher::Listener::on_failure(const ::mqtt::token& tok) {
  Event e{for_connect_ ? EventKind::ConnectFailed : EventKind::DeliveryFailed,
          reinterpret_cast<std::uintptr_t>(tok.get_user_context())};
  e.return_code = tok.get_return_code();
  e.reason_code = static_cast<int>(tok.get_reason_code());
  owner_.post(std::move(e));
}

Publisher::Publisher(config::MqttConfig config, std::shared_ptr<Outbox> outbox)
    : config_(std::move(config)), outbox_(std::move(outbox)), log_(logger("mqtt")) {
  client_ = makeClient(config_, config_.client_id);
  client_->set_connection_lost_handler([this](const std::string& cause) {
    post({EventKind::ConnectionLost, 0, 0, 0, cause.empty() ? "connection lost" : cause});
  });
  backoff_ = toDuration(config_.reconnect_min);
}

Publisher::~Publisher() { stop(std::chrono::milliseconds(500)); }

void Publisher::start() {
  thread_ = std::thread([this] { run(); });
}

void Publisher::post(Event e) {
  {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(e));
  }
  changed_.notify_one();
}

void Publisher::setRetained(const std::string& topic, std::string payload) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = retained_.find(topic); it != retained_.end() && it->second == payload) return;  // unchanged
    retained_[topic] = std::move(payload);
    dirty_.insert(topic);
  }
  changed_.notify_one();
}

void Publisher::setInbox(std::vector<std::string> topics, std::size_t max_bytes, Inbox inbox) {
  inbox_topics_ = std::move(topics);
  client_->set_message_callback([this, max_bytes, inbox = std::move(inbox)](::mqtt::const_message_ptr m) {
    if (!m) return;
    if (m->get_payload_ref().size() > max_bytes) {
      std::lock_guard lock(mutex_);
      ++stats_.inbox_dropped;
      return;
    }
    inbox(m->get_topic(), m->to_string());
  });
}

void Publisher::send(Message message) {
  {
    std::lock_guard lock(mutex_);
    if (outgoing_.size() >= kOutgoing) {
      outgoing_.pop_front();
      ++stats_.outgoing_dropped;
    }
    outgoing_.push_back(std::move(message));
  }
  changed_.notify_one();
}

void Publisher::wake() {
  {
    std::lock_guard lock(mutex_);
    alerts_pending_ = true;
  }
  changed_.notify_one();
}

bool Publisher::waitUntilConnected(Duration timeout) const {
  std::unique_lock lock(mutex_);
  return connection_changed_.wait_for(lock, timeout, [this] { return stats_.connected; });
}

Publisher::Stats Publisher::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void Publisher::stop(Duration flush) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  changed_.notify_one();
  if (thread_.joinable()) thread_.join();
  if (!client_) return;
  try {
    if (client_->is_connected()) {
      // The will is for vanishing; a clean stop says "offline" itself.
      auto tok = client_->publish(contract::topics::state(config_.topic_prefix), std::string(contract::kStateOffline), 1, true);
      tok->wait_for(std::chrono::duration_cast<std::chrono::milliseconds>(flush));
      client_->disconnect(std::chrono::duration_cast<std::chrono::milliseconds>(flush))
          ->wait_for(std::chrono::duration_cast<std::chrono::milliseconds>(flush));
    }
  } catch (const ::mqtt::exception& e) {
    log_->warn("clean disconnect failed: {}", e.what());
  }
}

void Publisher::run() {
  while (true) {
    std::deque<Event> events;
    {
      std::unique_lock lock(mutex_);
      const SteadyTime wake_at = connected_ || connecting_ ? std::chrono::steady_clock::now() + std::chrono::seconds(1)
                                                           : reconnect_at_;
      changed_.wait_until(lock, wake_at, [&] {
        return stopping_ || !events_.empty() || (connected_ && (alerts_pending_ || !dirty_.empty() || !outgoing_.empty()));
      });
      if (stopping_) return;
      events.swap(events_);
      alerts_pending_ = false;
    }
    for (const auto& e : events) handle(e);
    if (!connected_ && !connecting_ && std::chrono::steady_clock::now() >= reconnect_at_) connect();
    if (connected_) {
      publishRetained();
      sendAlerts();
    }
    if (connected_) sendOutgoing();
  }
}

void Publisher::connect() {
  connecting_ = true;
  tls_errors_.clear();
  try {
    client_->connect(makeConnectOptions(config_, &tls_errors_, /*with_will=*/true), nullptr, connect_listener_);
  } catch (const ::mqtt::exception& e) {
    post({EventKind::ConnectFailed, 0, e.get_return_code(), static_cast<int>(e.get_reason_code()), e.what()});
  }
}

void Publisher::handle(const Event& e) {
  switch (e.kind) {
    case EventKind::Connected: {
      connecting_ = false;
      connected_ = true;
      backoff_ = toDuration(config_.reconnect_min);
      in_flight_.clear();
      last_sent_seq_ = 0;  // resend from the oldest unacknowledged alert
      {
        std::lock_guard lock(mutex_);
        ++stats_.connections;
        stats_.connected = true;
        for (const auto& [topic, payload] : retained_) dirty_.insert(topic);  // retained truth after every reconnect
      }
      connection_changed_.notify_all();
      log_->info("connected to {} as {}", client_->get_server_uri(), config_.client_id);
      try {
        client_->publish(contract::topics::state(config_.topic_prefix), std::string(contract::kStateOnline), 1, true);
        subscribeInbox();
      } catch (const ::mqtt::exception& ex) {
        dropConnection(ex.what());
      }
      break;
    }
    case EventKind::ConnectFailed: {
      connecting_ = false;
      const std::string why = describeConnectFailure(config_, e.return_code, e.reason_code, tls_errors_.last());
      dropConnection(why.empty() ? e.message : why);
      break;
    }
    case EventKind::ConnectionLost:
      if (connected_) dropConnection(e.message);
      break;
    case EventKind::Delivered:
      if (e.seq == 0) break;
      in_flight_.erase(e.seq);
      outbox_->ack(e.seq);
      {
        std::lock_guard lock(mutex_);
        ++stats_.alerts_sent;
      }
      break;
    case EventKind::DeliveryFailed:
      if (e.seq == 0) break;
      in_flight_.erase(e.seq);
      last_sent_seq_ = std::min(last_sent_seq_, e.seq - 1);  // send it again, in order
      break;
  }
}

void Publisher::dropConnection(const std::string& why) {
  const bool was_connected = connected_;
  connected_ = false;
  in_flight_.clear();
  last_sent_seq_ = 0;
  reconnect_at_ = std::chrono::steady_clock::now() + backoff_;
  {
    std::lock_guard lock(mutex_);
    stats_.connected = false;
    stats_.last_error = why;
  }
  if (was_connected) {
    log_->warn("connection lost: {}; reconnecting in {:.0f} s", why, toSeconds(backoff_));
  } else {
    log_->warn("cannot connect: {}; retrying in {:.0f} s", why, toSeconds(backoff_));
  }
  backoff_ = std::min(backoff_ * 2, toDuration(config_.reconnect_max));
  try {
    if (client_->is_connected()) client_->disconnect(0);
  } catch (const ::mqtt::exception&) {
  }
}

void Publisher::publishRetained() {
  std::vector<std::pair<std::string, std::string>> batch;
  {
    std::lock_guard lock(mutex_);
    for (const auto& topic : dirty_) batch.emplace_back(topic, retained_[topic]);
    dirty_.clear();
  }
  for (const auto& [topic, payload] : batch) {
    try {
      client_->publish(topic, payload.data(), payload.size(), 1, true);
    } catch (const ::mqtt::exception& e) {
      {
        std::lock_guard lock(mutex_);
        dirty_.insert(topic);
      }
      dropConnection(e.what());
      return;
    }
  }
  std::lock_guard lock(mutex_);
  for (auto it = retained_.begin(); it != retained_.end();) {
    // A cleared topic has been sent empty; it need not be sent again.
    it = it->second.empty() && !dirty_.count(it->first) ? retained_.erase(it) : std::next(it);
  }
}

// Again after every connect: a broker that lost the session (or a clean
// one) would otherwise hold nothing for the node.
void Publisher::subscribeInbox() {
  for (const auto& topic : inbox_topics_) client_->subscribe(topic, 1);
}

void Publisher::sendOutgoing() {
  while (true) {
    Message m;
    {
      std::lock_guard lock(mutex_);
      if (outgoing_.empty()) return;
      m = std::move(outgoing_.front());
      outgoing_.pop_front();
    }
    try {
      client_->publish(m.topic, m.payload.data(), m.payload.size(), 1, false);
    } catch (const ::mqtt::exception& e) {
      {
        std::lock_guard lock(mutex_);
        outgoing_.push_front(std::move(m));
      }
      dropConnection(e.what());
      return;
    }
  }
}

void Publisher::sendAlerts() {
  if (in_flight_.size() >= kWindow) return;
  const auto entries = outbox_->peek(last_sent_seq_, kWindow - in_flight_.size());
  const std::string topic = contract::topics::alerts(config_.topic_prefix);
  for (const auto& entry : entries) {
    try {
      if (companions_) {
        for (const auto& m : companions_(entry.payload)) client_->publish(m.topic, m.payload.data(), m.payload.size(), 1, false);
      }
      auto msg = ::mqtt::make_message(topic, entry.payload, 1, false);
      client_->publish(msg, reinterpret_cast<void*>(static_cast<std::uintptr_t>(entry.seq)), delivery_listener_);
    } catch (const ::mqtt::exception& e) {
      dropConnection(e.what());
      return;
    }
    in_flight_.insert(entry.seq);
    last_sent_seq_ = entry.seq;
  }
}

}  // namespace villagecam::mqtt
