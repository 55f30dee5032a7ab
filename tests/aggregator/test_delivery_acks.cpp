#include <doctest/doctest.h>

#include "aggregator/delivery_acks.hpp"

using lookout::aggregator::Delivery;
using lookout::aggregator::DeliveryAcks;

namespace {
const lookout::wire::GatewayAddress GW1{"xj-mine", "mine-1", "gw-1"};
const lookout::wire::GatewayAddress GW2{"xj-mine", "mine-2", "gw-1"};
}  // namespace

TEST_SUITE("aggregator.delivery_acks") {
  TEST_CASE("one acknowledgement per gateway a turn: the latest on the gateway's own down/ack") {
    DeliveryAcks acks;
    acks.add({GW1, {10, std::nullopt}});
    acks.add({GW2, {3, std::nullopt}});
    acks.add({GW1, {12, std::nullopt}});
    const auto out = acks.take(0);
    REQUIRE(out.size() == 2);
    CHECK(out[0].first == "lookout/v1/xj-mine/mine-1/gw-1/down/ack");
    CHECK(out[0].second == R"({"stored":12,"v":1})");
    CHECK(out[1].first == "lookout/v1/xj-mine/mine-2/gw-1/down/ack");
    CHECK(acks.take(0).empty());
  }

  TEST_CASE("the same hole is asked for again only after the resend interval - a new hole at once") {
    DeliveryAcks acks;
    const auto ask = [&](std::uint64_t stored, std::int64_t at) {
      acks.add({GW1, {stored, stored + 1}});
      return acks.take(at).at(0).second;
    };
    CHECK(ask(300, 1000) == R"({"resend_from":301,"stored":300,"v":1})");
    CHECK(ask(300, 1000 + DeliveryAcks::RESEND_INTERVAL_MS - 1) == R"({"stored":300,"v":1})");
    CHECK(ask(364, 1000 + DeliveryAcks::RESEND_INTERVAL_MS - 1) == R"({"resend_from":365,"stored":364,"v":1})");
    CHECK(ask(364, 1000 + 2 * DeliveryAcks::RESEND_INTERVAL_MS) == R"({"resend_from":365,"stored":364,"v":1})");
  }

  TEST_CASE("a turn that was not committed acknowledges nothing") {
    DeliveryAcks acks;
    acks.add({GW1, {10, std::nullopt}});
    acks.drop();
    CHECK(acks.take(0).empty());
  }
}
