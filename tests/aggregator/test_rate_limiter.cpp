#include <doctest/doctest.h>

#include "aggregator/rate_limiter.hpp"

using namespace lookout::aggregator;

TEST_SUITE("aggregator.rate_limiter") {
  TEST_CASE("a burst then the sustained rate - per client address") {
    // GIVEN 2 requests/s with a burst of 3
    RateLimiter r(2.0, 3);
    // WHEN a client sends 4 at once THEN the 4th is refused
    CHECK(r.allow("10.0.0.1", 0));
    CHECK(r.allow("10.0.0.1", 0));
    CHECK(r.allow("10.0.0.1", 0));
    CHECK(!r.allow("10.0.0.1", 0));
    // AND another address is not affected
    CHECK(r.allow("10.0.0.2", 0));
    // WHEN 499 ms pass THEN still refused (less than one token); at 500 ms one more
    CHECK(!r.allow("10.0.0.1", 499));
    CHECK(r.allow("10.0.0.1", 500));
    CHECK(!r.allow("10.0.0.1", 500));
    // WHEN a long pause THEN the bucket is full again, not more
    CHECK(r.allow("10.0.0.1", 100000));
    CHECK(r.allow("10.0.0.1", 100000));
    CHECK(r.allow("10.0.0.1", 100000));
    CHECK(!r.allow("10.0.0.1", 100000));
  }

  TEST_CASE("the memory of clients is bounded") {
    RateLimiter r(1.0, 1);
    for (std::size_t i = 0; i < MAX_RATE_CLIENTS + 10; ++i) r.allow("c" + std::to_string(i), 0);
    CHECK(r.clients() <= MAX_RATE_CLIENTS);
    // a client that just spent its token and is full again later is forgotten, not refused
    r.allow("late", 5000);
    CHECK(r.clients() < MAX_RATE_CLIENTS);
  }
}
