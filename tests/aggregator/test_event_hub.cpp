#include <doctest/doctest.h>

#include "aggregator/event_hub.hpp"

using namespace lookout::aggregator;

namespace {

struct Collector : EventHub::Subscriber {
  std::vector<std::string> frames;
  void deliver(const std::string& frame) override { frames.push_back(frame); }
};

}  // namespace

TEST_SUITE("aggregator.event_hub") {
  TEST_CASE("events reach the subscribers that may see their site - gone ones drop out") {
    EventHub hub;
    auto mine = std::make_shared<Collector>();
    auto other = std::make_shared<Collector>();
    hub.subscribe(mine, [](std::string_view e, std::string_view) { return e == "xj-mine"; });
    hub.subscribe(other, [](std::string_view e, std::string_view) { return e == "xj-chem"; });
    hub.publish("alarm", "xj-mine", "mine-1", R"({"id":1})");
    REQUIRE(mine->frames.size() == 1);
    CHECK(mine->frames[0] == "event: alarm\nid: 1\ndata: {\"id\":1}\n\n");
    CHECK(other->frames.empty());
    CHECK(hub.subscribers() == 2);
    other.reset();
    hub.publish("level", "xj-chem", "plant-1", "{}");
    CHECK(hub.subscribers() == 1);
    CHECK(hub.published() == 2);
  }
}
