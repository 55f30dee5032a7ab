// Tests for tools/sim/xj_rl80.cpp against datasheets/XJ-RL80.md.
#include <doctest/doctest.h>

#include "tools/sim/xj_rl80.hpp"

using namespace lookout::sim;

namespace {

std::uint32_t gap_abcd(const XjRl80Registers& r) { return (std::uint32_t{r[0]} << 16) | r[1]; }

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("XJ-RL80 worked example: face 58.200 m and air_gap 2350 mm give 55.850 m") {
    XjRl80State s;
    s.air_gap_mm = 2350;
    const auto r = encode_xj_rl80(s);
    CHECK(r[0] == 0x0000);  // ABCD: high word first
    CHECK(r[1] == 0x092E);
    CHECK(r[2] == 40);
    CHECK(r[3] == 0);
    CHECK(58.200 - gap_abcd(r) / 1000.0 == doctest::Approx(55.850));
    // a gap beyond 16 bits shows the word order
    s.air_gap_mm = 70000;  // 0x00011170
    const auto far = encode_xj_rl80(s);
    CHECK(far[0] == 0x0001);
    CHECK(far[1] == 0x1170);
  }

  TEST_CASE("XJ-RL80 every status code and what air_gap holds with it") {
    XjRl80State s;
    s.air_gap_mm = 5000;
    s.last_good_mm = 4000;
    s.status = Rl80Status::no_echo;
    auto r = encode_xj_rl80(s);
    CHECK(r[3] == 1);
    CHECK(gap_abcd(r) == 0xFFFFFFFFu);  // "no echo (air_gap = 0xFFFFFFFF)"
    s.status = Rl80Status::weak_echo;
    r = encode_xj_rl80(s);
    CHECK(r[3] == 2);
    CHECK(gap_abcd(r) == 4000);  // "weak echo (air_gap is the last good value)"
    s.status = Rl80Status::blind_zone;
    CHECK(encode_xj_rl80(s)[3] == 3);
    // with status ok the gap itself decides: < 300 mm blind zone, beyond 80 m no echo
    s.status = Rl80Status::ok;
    s.air_gap_mm = 299;
    CHECK(encode_xj_rl80(s)[3] == 3);
    s.air_gap_mm = 300;
    CHECK(encode_xj_rl80(s)[3] == 0);
    s.air_gap_mm = 80000;
    CHECK(encode_xj_rl80(s)[3] == 0);
    s.air_gap_mm = 80001;
    CHECK(encode_xj_rl80(s)[3] == 1);
    CHECK(gap_abcd(encode_xj_rl80(s)) == 0xFFFFFFFFu);
  }

  TEST_CASE("XJ-RL80 device: a weak echo repeats the last good gap set over control") {
    XjRl80 d("rl-1", 3);
    const Seconds t{1.0};
    CHECK(d.max_registers_per_request() == 8);
    CHECK(d.supports_function(3));
    CHECK_FALSE(d.supports_function(4));
    CHECK_FALSE(d.supports_function(6));
    CHECK_FALSE(d.set("air_gap", "3100", t));
    CHECK_FALSE(d.set("status", "weak_echo", t));
    CHECK_FALSE(d.set("air_gap", "3500", t));  // measured while weak: not a good value
    auto w = d.registers(t).holding.words;
    CHECK(w[1] == 3100);
    CHECK(w[3] == 2);
    CHECK_FALSE(d.set("status", "ok", t));
    w = d.registers(t).holding.words;
    CHECK(w[1] == 3500);
    CHECK(w[3] == 0);
    CHECK_FALSE(d.set("echo_db", "12", t));
    CHECK(d.registers(t).holding.words[2] == 12);
    CHECK(d.set("air_gap", "-1", t));
    CHECK(d.set("status", "lost", t));
    CHECK(d.state_json(t)["reported_status"] == "ok");
  }
}
