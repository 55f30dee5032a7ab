#include "aggregator/delivery_acks.hpp"

#include "firmware/wire/topics.hpp"

namespace lookout::aggregator {

void DeliveryAcks::add(const Delivery& d) {
  turn_.insert_or_assign(Key{d.gateway.enterprise, d.gateway.site, d.gateway.gateway}, d);
}

std::vector<std::pair<std::string, std::string>> DeliveryAcks::take(std::int64_t now_ms) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& [key, d] : turn_) {
    if (d.ack.resend_from) {
      const auto it = asked_.find(key);
      if (it != asked_.end() && it->second.resend_from == *d.ack.resend_from &&
          now_ms - it->second.at_ms < RESEND_INTERVAL_MS) {
        d.ack.resend_from.reset();  // asked for lately: its answer may still be on its way
      } else {
        asked_[key] = {*d.ack.resend_from, now_ms};
      }
    } else {
      asked_.erase(key);
    }
    out.emplace_back(wire::down_topic(d.gateway, "ack"), wire::encode(d.ack));
  }
  turn_.clear();
  return out;
}

}  // namespace lookout::aggregator
