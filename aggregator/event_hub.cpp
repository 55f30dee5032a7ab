#include "aggregator/event_hub.hpp"

#include <algorithm>

namespace lookout::aggregator {

std::string sse_frame(std::string_view type, std::uint64_t id, const std::string& json) {
  std::string f;
  f.reserve(json.size() + 48);
  f.append("event: ").append(type).append("\nid: ").append(std::to_string(id)).append("\ndata: ");
  f.append(json).append("\n\n");
  return f;
}

void EventHub::subscribe(std::weak_ptr<Subscriber> subscriber, Visible visible) {
  entries_.push_back({std::move(subscriber), std::move(visible)});
}

void EventHub::publish(std::string_view type, std::string_view enterprise, std::string_view site,
                       const std::string& json) {
  const std::string frame = sse_frame(type, ++next_id_, json);
  std::erase_if(entries_, [](const Entry& e) { return e.subscriber.expired(); });
  // Copy first: a subscriber that fails may drop out while we iterate.
  const auto entries = entries_;
  for (const auto& e : entries) {
    if (!e.visible(enterprise, site)) continue;
    if (auto s = e.subscriber.lock()) s->deliver(frame);
  }
}

std::size_t EventHub::subscribers() {
  std::erase_if(entries_, [](const Entry& e) { return e.subscriber.expired(); });
  return entries_.size();
}

}  // namespace lookout::aggregator
