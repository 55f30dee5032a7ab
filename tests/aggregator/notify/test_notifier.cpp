#include <doctest/doctest.h>

#include "aggregator/notify/notifier.hpp"

using namespace lookout::aggregator::notify;
using lookout::wire::AlarmMessage;
using lookout::wire::Level;

namespace {

constexpr std::int64_t T0 = 1764110000000;  // [ms UTC]
constexpr std::int64_t WINDOW = 10'000;     // [ms]
constexpr std::int64_t REPEAT = 900'000;    // [ms] 15 min

AlarmMessage alarm(const std::string& point, Level level, const std::string& site = "dam-1",
                   const std::string& state = "active_unacknowledged") {
  AlarmMessage a;
  a.enterprise = "xj-mine";
  a.site = site;
  a.point = point;
  a.quantity = "methane";
  a.level = level;
  a.state = level == Level::normal && state == "active_unacknowledged" ? "returned_unacknowledged" : state;
  a.value = 1.2;
  a.unit = "%CH4";
  a.ts_ms = T0;
  a.since_ms = T0;
  return a;
}

}  // namespace

TEST_SUITE("aggregator.notify.notifier") {
  TEST_CASE("the first change at a quiet site goes out at once as one message") {
    Notifier n(WINDOW, REPEAT);
    // WHEN one orange alarm arrives
    const auto out = n.on_changes({alarm("ch4-1.ch4", Level::orange)}, T0);
    // THEN one notice with one change, previous level normal
    REQUIRE(out.size() == 1);
    REQUIRE(out[0].changes.size() == 1);
    CHECK(out[0].changes[0].previous == Level::normal);
    CHECK(out[0].site == "dam-1");
    CHECK(out[0].severity() == Level::orange);
    CHECK(n.tick(T0 + WINDOW).empty());
  }

  TEST_CASE("a change with page false is never sent") {
    Notifier n(WINDOW, REPEAT);
    auto a = alarm("ch4-1.ch4", Level::red);
    a.page = false;
    CHECK(n.on_changes({a}, T0).empty());
    CHECK(n.tick(T0 + WINDOW).empty());
    // AND it does not repeat either: its clear came with it (page false) and was history
    auto cleared = alarm("ch4-1.ch4", Level::normal);
    cleared.page = false;
    CHECK(n.on_changes({cleared}, T0 + 1).empty());
    CHECK(n.tick(T0 + REPEAT * 2).empty());
  }

  TEST_CASE("the same alarm at the same level twice is one message - an acknowledgement is none") {
    Notifier n(0, 0);
    CHECK(n.on_changes({alarm("ch4-1.ch4", Level::orange)}, T0).size() == 1);
    CHECK(n.on_changes({alarm("ch4-1.ch4", Level::orange)}, T0 + 1000).empty());
    CHECK(n.on_changes({alarm("ch4-1.ch4", Level::orange, "dam-1", "active_acknowledged")}, T0 + 2000).empty());
    // WHEN it escalates THEN that is news
    const auto red = n.on_changes({alarm("ch4-1.ch4", Level::red)}, T0 + 3000);
    REQUIRE(red.size() == 1);
    CHECK(red[0].changes[0].previous == Level::orange);
  }

  TEST_CASE("changes at one site within the window become one grouped message") {
    Notifier n(WINDOW, REPEAT);
    // GIVEN a first alarm sent at once
    REQUIRE(n.on_changes({alarm("p-0.x", Level::yellow)}, T0).size() == 1);
    // WHEN 12 more alarms arrive within the window, and one at another site
    for (int i = 1; i <= 12; ++i) {
      CHECK(n.on_changes({alarm("p-" + std::to_string(i) + ".x", i <= 3 ? Level::red : Level::orange)}, T0 + i * 100)
                .empty());
    }
    const auto other = n.on_changes({alarm("q-1.x", Level::blue, "dam-2")}, T0 + 500);
    // THEN the other site's is not held back by dam-1's window
    REQUIRE(other.size() == 1);
    CHECK(other[0].site == "dam-2");
    // AND dam-1's twelve go out together when the window ends, not before
    CHECK(n.tick(T0 + WINDOW - 1).empty());
    const auto grouped = n.tick(T0 + WINDOW);
    REQUIRE(grouped.size() == 1);
    CHECK(grouped[0].changes.size() == 12);
    CHECK(grouped[0].severity() == Level::red);
    // AND a quiet window after that closes it: the next change goes out at once
    CHECK(n.tick(T0 + 2 * WINDOW).empty());
    CHECK(n.on_changes({alarm("p-99.x", Level::blue)}, T0 + 2 * WINDOW + 1).size() == 1);
  }

  TEST_CASE("hundreds of changes in one batch are one message") {
    Notifier n(WINDOW, REPEAT);
    std::vector<AlarmMessage> batch;
    for (int i = 0; i < 300; ++i) batch.push_back(alarm("p-" + std::to_string(i) + ".x", Level::orange));
    const auto out = n.on_changes(batch, T0);
    REQUIRE(out.size() == 1);
    CHECK(out[0].changes.size() == 300);
  }

  TEST_CASE("an alarm that rises and clears inside a window is reported with its peak") {
    Notifier n(WINDOW, REPEAT);
    REQUIRE(n.on_changes({alarm("p-0.x", Level::yellow)}, T0).size() == 1);  // opens the window
    CHECK(n.on_changes({alarm("ch4-1.ch4", Level::red)}, T0 + 100).empty());
    CHECK(n.on_changes({alarm("ch4-1.ch4", Level::normal)}, T0 + 200).empty());
    const auto out = n.tick(T0 + WINDOW);
    REQUIRE(out.size() == 1);
    REQUIRE(out[0].changes.size() == 1);
    CHECK(out[0].changes[0].cleared());
    CHECK(out[0].changes[0].severity() == Level::red);
    // AND a channel from orange up still gets it
    CHECK(select(out[0], ChannelFilter{Level::orange, "", ""}).has_value());
  }

  TEST_CASE("an active unacknowledged alarm repeats every interval until acknowledged") {
    Notifier n(WINDOW, REPEAT);
    REQUIRE(n.on_changes({alarm("ch4-1.ch4", Level::orange)}, T0).size() == 1);
    CHECK(n.tick(T0 + REPEAT - 1).empty());
    const auto first = n.tick(T0 + REPEAT);
    REQUIRE(first.size() == 1);
    CHECK(first[0].changes[0].repeat);
    CHECK(n.tick(T0 + REPEAT + 1000).empty());
    CHECK(n.tick(T0 + 2 * REPEAT).size() == 1);
    // WHEN it is acknowledged THEN no more repeats
    CHECK(n.on_changes({alarm("ch4-1.ch4", Level::orange, "dam-1", "active_acknowledged")}, T0 + 2 * REPEAT + 1)
              .empty());
    CHECK(n.tick(T0 + 4 * REPEAT).empty());
  }

  TEST_CASE("a reminder held in the grouping window is not sent once the alarm is acknowledged") {
    Notifier n(WINDOW, REPEAT);
    REQUIRE(n.on_changes({alarm("ch4-1.ch4", Level::orange)}, T0).size() == 1);
    // GIVEN the site busy again just before the reminder is due (its window open)
    REQUIRE(n.on_changes({alarm("ch4-2.ch4", Level::orange)}, T0 + REPEAT - 1000).size() == 1);
    // WHEN the reminder falls due THEN it waits for the window
    CHECK(n.tick(T0 + REPEAT).empty());
    // AND WHEN the alarm is acknowledged meanwhile THEN the reminder is not sent at all
    CHECK(n.on_changes({alarm("ch4-1.ch4", Level::orange, "dam-1", "active_acknowledged")}, T0 + REPEAT + 1000)
              .empty());
    CHECK(n.tick(T0 + REPEAT + WINDOW).empty());
    CHECK(n.tick(T0 + REPEAT + 2 * WINDOW).empty());
  }

  TEST_CASE("no repeats when the interval is 0 - and a restart sends nothing again") {
    Notifier n(WINDOW, 0);
    // GIVEN the alarms the database holds at start
    n.seed({alarm("ch4-1.ch4", Level::orange)}, T0);
    // WHEN the same state is published again (a reconnect) THEN nothing is sent
    CHECK(n.on_changes({alarm("ch4-1.ch4", Level::orange)}, T0 + 1).empty());
    CHECK(n.tick(T0 + 10 * REPEAT).empty());
    // AND its clear is news
    CHECK(n.on_changes({alarm("ch4-1.ch4", Level::normal)}, T0 + 2).size() == 1);
  }

  TEST_CASE("a channel filter takes its enterprise - site and levels only") {
    Notifier n(0, 0);
    const auto out = n.on_changes({alarm("a.x", Level::blue), alarm("b.x", Level::red)}, T0);
    REQUIRE(out.size() == 1);
    const auto red_only = select(out[0], ChannelFilter{Level::red, "", ""});
    REQUIRE(red_only);
    REQUIRE(red_only->changes.size() == 1);
    CHECK(red_only->changes[0].alarm.point == "b.x");
    CHECK(!select(out[0], ChannelFilter{Level::blue, "", "dam-9"}));
    CHECK(!select(out[0], ChannelFilter{Level::blue, "other", ""}));
    CHECK(select(out[0], ChannelFilter{Level::blue, "xj-mine", "dam-1"})->changes.size() == 2);
  }

  TEST_CASE("a shelved alarm is silent - and says what changed when it comes back") {
    Notifier n(0, REPEAT);
    REQUIRE(n.on_changes({alarm("ch4-1.ch4", Level::orange)}, T0).size() == 1);
    // WHEN a person shelves it and it rises to red meanwhile THEN nothing is sent, nor repeated
    CHECK(n.on_changes({alarm("ch4-1.ch4", Level::orange, "dam-1", "shelved")}, T0 + 1).empty());
    CHECK(n.on_changes({alarm("ch4-1.ch4", Level::red, "dam-1", "shelved")}, T0 + 2).empty());
    CHECK(n.tick(T0 + 3 * REPEAT).empty());
    // WHEN the shelving runs out THEN the red level is news
    const auto back = n.on_changes({alarm("ch4-1.ch4", Level::red)}, T0 + 3 * REPEAT + 1);
    REQUIRE(back.size() == 1);
    CHECK(back[0].changes[0].previous == Level::orange);
    CHECK(back[0].changes[0].alarm.level == Level::red);
  }
}
