#include <doctest/doctest.h>

#include "aggregator/notify/text.hpp"

using namespace lookout::aggregator::notify;
using lookout::wire::AlarmMessage;
using lookout::wire::Level;

namespace {

constexpr std::int64_t T = 1764110401999;  // [ms UTC] 2025-11-25T22:40:01Z, 06:40:01 in Beijing

Change change(const std::string& point, Level level, Level previous = Level::normal) {
  AlarmMessage a;
  a.enterprise = "xj-mine";
  a.site = "mine-1";
  a.point = point;
  a.quantity = "methane";
  a.level = level;
  a.state = level == Level::normal ? "returned_unacknowledged" : "active_unacknowledged";
  a.value = level == Level::normal ? 0.4 : 1.2;
  a.unit = "%CH4";
  a.ts_ms = T;
  a.since_ms = T - 3'600'000;
  return Change{a, previous, previous, false};
}

Notice notice(std::vector<Change> changes) { return Notice{"id-1", "xj-mine", "mine-1", T, std::move(changes)}; }

}  // namespace

TEST_SUITE("aggregator.notify.text") {
  TEST_CASE("a raised alarm in Chinese names site - point - quantity - value - level and Beijing time") {
    const auto text = render(notice({change("ch4-1.ch4", Level::orange)}), Language::zh, {}, 480);
    CHECK(text == "【橙色预警】xj-mine mine-1 ch4-1.ch4（甲烷）1.2 %CH4，2025-11-26 06:40:01 +08:00");
  }

  TEST_CASE("the same alarm in English and in another time zone") {
    const auto text = render(notice({change("ch4-1.ch4", Level::red)}), Language::en, {}, 360);
    CHECK(text == "[Red warning] xj-mine mine-1 ch4-1.ch4 (methane) 1.2 %CH4 at 2025-11-26 04:40:01 +06:00");
  }

  TEST_CASE("each colour has its Chinese name") {
    CHECK(level_name(Level::blue, Language::zh) == "蓝色预警");
    CHECK(level_name(Level::yellow, Language::zh) == "黄色预警");
    CHECK(level_name(Level::orange, Language::zh) == "橙色预警");
    CHECK(level_name(Level::red, Language::zh) == "红色预警");
  }

  TEST_CASE("a clear says what it was - a repeat says since when") {
    const auto cleared = render(notice({change("ch4-1.ch4", Level::normal, Level::red)}), Language::zh, {}, 480);
    CHECK(cleared == "【预警解除】xj-mine mine-1 ch4-1.ch4（甲烷）已恢复正常（曾达红色预警），0.4 %CH4，"
                     "2025-11-26 06:40:01 +08:00");
    auto c = change("ch4-1.ch4", Level::orange, Level::orange);
    c.repeat = true;
    const auto repeat = render(notice({c}), Language::en, {}, 480);
    CHECK(repeat == "[Orange warning, unacknowledged] xj-mine mine-1 ch4-1.ch4 (methane) 1.2 %CH4, unacknowledged "
                    "since 2025-11-26 05:40:01 +08:00, at 2025-11-26 06:40:01 +08:00");
  }

  TEST_CASE("a grouped message counts per colour and lists the alarms") {
    std::vector<Change> changes;
    for (int i = 0; i < 3; ++i) changes.push_back(change("r-" + std::to_string(i) + ".x", Level::red));
    for (int i = 0; i < 4; ++i) changes.push_back(change("o-" + std::to_string(i) + ".x", Level::orange));
    for (int i = 0; i < 5; ++i) changes.push_back(change("n-" + std::to_string(i) + ".x", Level::normal, Level::blue));
    const auto en = render(notice(changes), Language::en, {}, 480);
    CHECK(en.rfind("[Red warning] 12 alarms at xj-mine mine-1: 3 red, 4 orange, 5 cleared, at 2025-11-26 06:40:01 "
                   "+08:00\nr-0.x (methane) Red warning 1.2 %CH4\n", 0) == 0);
    const auto zh = render(notice(changes), Language::zh, {}, 480);
    CHECK(zh.rfind("【红色预警】xj-mine mine-1 共 12 条报警：3 条红色预警，4 条橙色预警，5 条解除，", 0) == 0);
  }

  TEST_CASE("a long group lists 20 lines and says how many more") {
    std::vector<Change> changes;
    for (int i = 0; i < 25; ++i) changes.push_back(change("p-" + std::to_string(i) + ".x", Level::yellow));
    const auto en = render(notice(changes), Language::en, {}, 0);
    CHECK(en.find("p-19.x") != std::string::npos);
    CHECK(en.find("p-20.x") == std::string::npos);
    CHECK(en.substr(en.size() - 15) == "\n... and 5 more");
  }

  TEST_CASE("templates from the configuration replace the built-in ones") {
    Templates t;
    t.raised = "{site}:{point}={value}{unit} [{level}] {nope}";
    CHECK(render(notice({change("ch4-1.ch4", Level::yellow)}), Language::zh, t, 480) ==
          "mine-1:ch4-1.ch4=1.2%CH4 [yellow] {nope}");
    CHECK(substitute("{a}{b}{", {{"a", "1"}}) == "1{b}{");
    CHECK(substitute("no placeholders", {}) == "no placeholders");
  }

  TEST_CASE("a communication loss has no value and says what it is") {
    auto c = change("ch4-1.ch4", Level::yellow);
    c.alarm.kind = "comm_loss";
    c.alarm.value.reset();
    c.alarm.unit = "";
    const auto zh = render(notice({c}), Language::zh, {}, 480);
    CHECK(zh.find("（甲烷 通信中断）无数值") != std::string::npos);
  }
}
