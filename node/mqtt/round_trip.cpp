#include "mqtt/round_trip.hpp"

#include <mqtt/async_client.h>

#include "contract/topics.hpp"
#include "events/alert.hpp"
#include "i18n/messages.hpp"
#include "mqtt/client_factory.hpp"

namespace villagecam::mqtt {

using i18n::Msg;
using i18n::tr;

MqttTestResult roundTrip(const config::MqttConfig& cfg, std::chrono::milliseconds timeout) {
  MqttTestResult result;
  result.topic = contract::topics::mqttTest(cfg.topic_prefix, events::newAlertId().substr(0, 8));
  TlsErrorLog tls_errors;
  // Its own client id, so that a running node is not thrown off the broker.
  auto client = makeClient(cfg, cfg.client_id + "-test");
  client->start_consuming();
  try {
    auto tok = client->connect(makeConnectOptions(cfg, &tls_errors, /*with_will=*/false));
    if (!tok->wait_for(timeout)) {
      result.error = tr(Msg::MqttNoAnswer, timeout.count() / 1000);
      return result;
    }
    result.broker = client->get_server_uri();
  } catch (const ::mqtt::exception& e) {
    result.error = describeConnectFailure(cfg, e.get_return_code(), static_cast<int>(e.get_reason_code()),
                                                tls_errors.last());
    if (result.error.empty()) result.error = e.what();
    return result;
  }
  try {
    auto sub = client->subscribe(result.topic, 1);
    sub->wait_for(timeout);
    const auto codes = sub->get_subscribe_response().get_reason_codes();
    if (!codes.empty() && codes.front() >= 0x80) {
      result.error = tr(Msg::MqttAclNoRead, result.topic, cfg.topic_prefix);
      client->disconnect()->wait_for(timeout);
      return result;
    }
    const auto sent_at = std::chrono::steady_clock::now();
    auto pub = client->publish(result.topic, std::string("villagecam mqtt-test"), 1, false);  // not for operators: the payload
    pub->wait_for(timeout);
    if (static_cast<int>(pub->get_reason_code()) >= 0x80) {
      result.error = tr(Msg::MqttAclNoPublish, result.topic);
      client->disconnect()->wait_for(timeout);
      return result;
    }
    ::mqtt::const_message_ptr back;
    const auto deadline = sent_at + timeout;
    while (!back && std::chrono::steady_clock::now() < deadline) {
      client->try_consume_message_until(&back, deadline);
      if (back && back->get_topic() != result.topic) back.reset();
    }
    if (!back) {
      result.error = tr(Msg::MqttAclNeverDelivered, cfg.topic_prefix);
    } else {
      result.round_trip_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent_at).count();
      result.ok = true;
    }
    client->unsubscribe(result.topic)->wait_for(timeout);
    client->disconnect()->wait_for(timeout);
  } catch (const ::mqtt::exception& e) {
    result.error = tr(Msg::MqttDropped, e.what());
  }
  return result;
}

}  // namespace villagecam::mqtt
