// The HTTP connection cap (aggregator/connection_table.hpp): per client address, overall,
// and who makes room when it is full.
#include <doctest/doctest.h>

#include <memory>
#include <vector>

#include "aggregator/connection_table.hpp"

using lookout::aggregator::ConnectionTable;
using Verdict = ConnectionTable::Verdict;

namespace {

struct FakeConnection : ConnectionTable::Member {
  bool dropped = false;
  void drop() override { dropped = true; }
};

}  // namespace

TEST_SUITE("aggregator.connection_table") {
  TEST_CASE("one address is refused at its own cap - the others still come in") {
    ConnectionTable t({.total = 100, .per_client = 3});
    std::vector<std::shared_ptr<FakeConnection>> held;
    ConnectionTable::Id id = 0;
    for (int i = 0; i < 3; ++i) {
      held.push_back(std::make_shared<FakeConnection>());
      CHECK(t.admit("127.0.0.2", held.back(), id) == Verdict::admitted);
    }
    auto extra = std::make_shared<FakeConnection>();
    CHECK(t.admit("127.0.0.2", extra, id) == Verdict::client_at_cap);
    CHECK(t.of_client("127.0.0.2") == 3);
    CHECK(t.admit("127.0.0.1", extra, id) == Verdict::admitted);
    // WHEN one of the address's connections closes THEN it may open another
    t.leave(1);
    CHECK(t.of_client("127.0.0.2") == 2);
    CHECK(t.admit("127.0.0.2", extra, id) == Verdict::admitted);
    for (const auto& c : held) CHECK(!c->dropped);
  }

  TEST_CASE("at the overall cap the connection waiting longest makes room - a busy one never") {
    ConnectionTable t({.total = 3, .per_client = 10});
    auto a = std::make_shared<FakeConnection>();
    auto b = std::make_shared<FakeConnection>();
    auto c = std::make_shared<FakeConnection>();
    ConnectionTable::Id ia = 0, ib = 0, ic = 0, id = 0;
    REQUIRE(t.admit("10.0.0.1", a, ia) == Verdict::admitted);
    REQUIRE(t.admit("10.0.0.2", b, ib) == Verdict::admitted);
    REQUIRE(t.admit("10.0.0.3", c, ic) == Verdict::admitted);
    // GIVEN a busy with a request, b then c waiting
    t.busy(ia);
    // WHEN a fourth comes THEN b, the longest waiting, is closed for it
    auto d = std::make_shared<FakeConnection>();
    CHECK(t.admit("10.0.0.4", d, id) == Verdict::admitted_in_place_of_idle);
    CHECK(!a->dropped);
    CHECK(b->dropped);
    CHECK(!c->dropped);
    CHECK(t.size() == 3);
    t.leave(ib);  // b's own close later changes nothing
    CHECK(t.size() == 3);
    // AND a waiting again goes to the back of the queue: c goes next, then d
    t.waiting(ia);
    auto e = std::make_shared<FakeConnection>();
    CHECK(t.admit("10.0.0.5", e, id) == Verdict::admitted_in_place_of_idle);
    CHECK(c->dropped);
    CHECK(!a->dropped);
    // WHEN every connection is busy THEN a new one is refused
    t.busy(ia);
    t.busy(id);
    auto f = std::make_shared<FakeConnection>();
    ConnectionTable::Id idd = 0;
    for (ConnectionTable::Id i = 1; i < 10; ++i) t.busy(i);
    CHECK(t.admit("10.0.0.6", f, idd) == Verdict::full);
    CHECK(!f->dropped);
  }

  TEST_CASE("a connection gone before it is closed for room is skipped without harm") {
    ConnectionTable t({.total = 1, .per_client = 10});
    ConnectionTable::Id id = 0;
    {
      auto gone = std::make_shared<FakeConnection>();
      REQUIRE(t.admit("10.0.0.1", gone, id) == Verdict::admitted);
    }  // destroyed without leave(): the table holds only a weak pointer
    auto next = std::make_shared<FakeConnection>();
    CHECK(t.admit("10.0.0.2", next, id) == Verdict::admitted_in_place_of_idle);
    CHECK(t.size() == 1);
    CHECK(t.of_client("10.0.0.1") == 0);
  }
}
