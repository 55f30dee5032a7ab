#include <doctest/doctest.h>

#include "aggregator/notify/local_time.hpp"

using namespace lookout::aggregator::notify;

TEST_SUITE("aggregator.notify.local_time") {
  TEST_CASE("zone names and fixed offsets") {
    CHECK(zone_offset("Asia/Shanghai") == 480);
    CHECK(zone_offset("Asia/Urumqi") == 360);
    CHECK(zone_offset("UTC") == 0);
    CHECK(zone_offset("UTC+08:00") == 480);
    CHECK(zone_offset("UTC-03:30") == -210);
    CHECK(zone_offset("UTC+5") == 300);
    CHECK(!zone_offset("Europe/Berlin"));  // daylight saving: not a fixed offset
    CHECK(!zone_offset("UTC+8:0"));
    CHECK(!zone_offset("UTC+15:00"));
    CHECK(!zone_offset("asia/shanghai"));
    CHECK(!zone_offset(""));
  }

  TEST_CASE("a UTC instant in a site's wall-clock time") {
    // 2025-11-25T22:40:01.999Z
    const std::int64_t t = 1764110401999;
    CHECK(local_time(t, 0) == "2025-11-25 22:40:01 +00:00");
    CHECK(local_time(t, 480) == "2025-11-26 06:40:01 +08:00");  // next day in Beijing
    CHECK(local_time(t, 360) == "2025-11-26 04:40:01 +06:00");
    CHECK(local_time(t, -210) == "2025-11-25 19:10:01 -03:30");
  }
}
