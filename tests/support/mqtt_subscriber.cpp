#include "mqtt_subscriber.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "mosquitto.hpp"

namespace villagecam::testing {

MqttSubscriber::MqttSubscriber(const std::string& uri, const std::string& filter, const std::string& user,
                               const std::string& password) {
  static int counter = 0;
  client_ = std::make_unique<::mqtt::async_client>(
      uri, "test-subscriber-" + std::to_string(::getpid()) + "-" + std::to_string(++counter), nullptr);
  client_->set_message_callback([this](::mqtt::const_message_ptr m) {
    {
      std::lock_guard lock(mutex_);
      messages_.push_back({m->get_topic(), m->to_string(), m->is_retained(), std::chrono::system_clock::now()});
    }
    changed_.notify_all();
  });
  ::mqtt::connect_options opts;
  opts.set_clean_session(true);
  if (!user.empty()) {
    opts.set_user_name(user);
    opts.set_password(password);
  }
  client_->connect(opts)->wait_for(std::chrono::seconds(10));
  if (!client_->is_connected()) throw std::runtime_error("test subscriber cannot connect to " + uri);
  client_->subscribe(filter, 1)->wait_for(std::chrono::seconds(10));
}

MqttSubscriber::~MqttSubscriber() {
  try {
    if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(2));
  } catch (const ::mqtt::exception&) {
  }
}

bool MqttSubscriber::waitUntil(const Match& done, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return done(messages_); });
}

std::vector<ReceivedMessage> MqttSubscriber::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

std::vector<ReceivedMessage> MqttSubscriber::on(const std::string& topic) const {
  std::vector<ReceivedMessage> out;
  for (auto& m : messages()) {
    if (m.topic == topic) out.push_back(m);
  }
  return out;
}

void MqttSubscriber::writeJsonLines(const std::filesystem::path& file) const {
  std::ofstream out(file);
  for (const auto& m : messages()) out << nlohmann::json{{"topic", m.topic}, {"payload", m.payload}}.dump() << "\n";
}

std::pair<bool, std::string> MqttSubscriber::validateAgainstSchemas(const std::filesystem::path& work_dir) const {
  const auto file = work_dir / "received.jsonl";
  writeJsonLines(file);
  // Debian's python3 and python3-jsonschema, whatever python3 is first on PATH.
  auto [code, out] = runCommand({"/usr/bin/python3", VILLAGECAM_SOURCE_DIR "/tests/support/validate_payloads.py",
                                 VILLAGECAM_SOURCE_DIR "/docs/schema", file.string()});
  return {code == 0, out};
}

}  // namespace villagecam::testing
