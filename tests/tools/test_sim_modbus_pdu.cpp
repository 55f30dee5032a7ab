// Tests for tools/sim/modbus_pdu.cpp: request PDUs in, reply PDUs out, no I/O.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "tools/sim/modbus_pdu.hpp"
#include "tools/sim/xj_ar4.hpp"
#include "tools/sim/xj_ch4.hpp"
#include "tools/sim/xj_gn1.hpp"
#include "tools/sim/xj_rl80.hpp"
#include "tools/sim/xj_vw4.hpp"

using namespace lookout::sim;

namespace {

using Bytes = std::vector<std::uint8_t>;
const Seconds T{100.0};

Bytes request(std::uint8_t function, std::uint16_t address, std::uint16_t count_or_value) {
  return {function, static_cast<std::uint8_t>(address >> 8), static_cast<std::uint8_t>(address),
          static_cast<std::uint8_t>(count_or_value >> 8), static_cast<std::uint8_t>(count_or_value)};
}
Bytes answer(Device& d, const Bytes& pdu) { return answer_request(d, pdu, T).value_or(Bytes{}); }
Bytes ex(std::uint8_t function, std::uint8_t code) {
  return {static_cast<std::uint8_t>(function | 0x80), code};
}

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("modbus_pdu: XJ-VW4 answers 16 registers and refuses 17 with exception 02") {
    XjVw4 d("vw-1", 1);
    const auto ok = answer(d, request(4, 0, 16));
    REQUIRE(ok.size() == 2 + 32);
    CHECK(ok[0] == 4);
    CHECK(ok[1] == 32);
    CHECK(ok[2] == 0x45);  // 2700.0f ABCD: 45 28 C0 00
    CHECK(ok[3] == 0x28);
    CHECK(answer(d, request(4, 0, 17)) == ex(4, 2));  // "more than 16 ... exception 02"
    CHECK(answer(d, request(4, 0, 125)) == ex(4, 2));
    CHECK(answer(d, request(4, 0, 200)) == ex(4, 2));
    CHECK(answer(d, request(4, 0, 0)) == ex(4, 3));
    CHECK(answer(d, request(4, 10, 7)) == ex(4, 2));  // past IR 15
    CHECK(answer(d, request(3, 100, 3)).size() == 2 + 6);
    CHECK(answer(d, request(3, 99, 2)) == ex(3, 2));
    // HR writes inside the sheet's ranges only
    CHECK(answer(d, request(6, 102, 60)) == request(6, 102, 60));
    CHECK(d.state().scan_interval_s == 60);
    CHECK(answer(d, request(6, 102, 4)) == ex(6, 3));
    CHECK(answer(d, request(6, 101, 9)) == ex(6, 3));
    CHECK(answer(d, request(6, 5, 1)) == ex(6, 2));
    CHECK(answer(d, request(1, 0, 1)) == ex(1, 1));
  }

  TEST_CASE("modbus_pdu: XJ-RL80 answers 8 registers and refuses 9 with exception 02") {
    XjRl80 d("rl-1", 1);
    CHECK(answer(d, request(3, 0, 4)) == Bytes{3, 8, 0, 0, 0x09, 0x2E, 0, 40, 0, 0});
    CHECK(answer(d, request(3, 0, 8)) == ex(3, 2));  // within the limit, past HR 3
    CHECK(answer(d, request(3, 0, 9)) == ex(3, 2));
    CHECK(answer(d, request(4, 0, 1)) == ex(4, 1));
    CHECK(answer(d, request(6, 0, 1)) == ex(6, 1));
  }

  TEST_CASE("modbus_pdu: XJ-AR4 coils through functions 01 05 and 15") {
    XjAr4 d("ar-1", 1);
    CHECK(answer(d, request(1, 0, 4)) == Bytes{1, 1, 0x00});
    CHECK(answer(d, request(5, 2, 0xFF00)) == request(5, 2, 0xFF00));
    CHECK(answer(d, request(1, 0, 4)) == Bytes{1, 1, 0x04});
    CHECK(answer(d, request(1, 1, 2)) == Bytes{1, 1, 0x02});
    CHECK(answer(d, request(5, 2, 0x1234)) == ex(5, 3));
    CHECK(answer(d, request(5, 4, 0xFF00)) == ex(5, 2));
    CHECK(answer(d, request(1, 0, 5)) == ex(1, 2));
    // 15: coils 0-3 = 1,0,0,1 (0b1001)
    const Bytes write_multiple{15, 0, 0, 0, 4, 1, 0x09};
    CHECK(answer(d, write_multiple) == Bytes{15, 0, 0, 0, 4});
    CHECK(answer(d, request(1, 0, 4)) == Bytes{1, 1, 0x09});
    CHECK(answer(d, Bytes{15, 0, 0, 0, 4, 2, 0x09, 0}) == ex(15, 3));  // byte count wrong
    CHECK(answer(d, Bytes{15, 0, 2, 0, 4, 1, 0x0F}) == ex(15, 2));
    // heartbeat register and the reset button input
    CHECK(answer(d, request(6, 0, 30)) == request(6, 0, 30));
    CHECK(answer(d, request(3, 0, 1)) == Bytes{3, 2, 0, 30});
    CHECK_FALSE(d.set("reset_button", "1", T));
    CHECK(answer(d, request(4, 0, 1)) == Bytes{4, 2, 0, 1});
    CHECK(answer(d, Bytes{16, 0, 0, 0, 1, 2, 0, 1}) == ex(16, 1));
  }

  TEST_CASE("modbus_pdu: function 16 is all or nothing and unplugged devices say nothing") {
    XjGn1 gn("gn-1", 1);
    CHECK(answer(gn, request(6, 20, 2)) == ex(6, 3));
    CHECK(answer(gn, request(6, 20, 1)) == request(6, 20, 1));
    XjCh4 ch4("ch4-1", 1, Seconds{0.0});
    CHECK(answer(ch4, Bytes{0x2B, 0x0E, 1, 0}) == ex(0x2B, 1));
    CHECK(answer(ch4, Bytes{4, 0, 0, 0}) == ex(4, 3));  // short PDU
    CHECK(answer(ch4, Bytes{0x84, 0, 0, 0, 1}) == ex(0x04, 1));
    CHECK_FALSE(ch4.set_field("connected", "0", T));
    CHECK_FALSE(answer_request(ch4, request(4, 0, 3), T));
    CHECK_FALSE(ch4.set_field("connected", "1", T));
    CHECK(answer(ch4, request(4, 0, 3)).size() == 8);
  }

  TEST_CASE("modbus_pdu: request lengths by function code") {
    CHECK(*request_pdu_length(Bytes{3}) == 5);
    CHECK(*request_pdu_length(Bytes{16, 0, 0}) == 6);  // a lower bound until the byte count
    CHECK(*request_pdu_length(Bytes{16, 0, 0, 0, 2, 4}) == 10);
    CHECK(*request_pdu_length(Bytes{15, 0, 0, 0, 4, 1}) == 7);
    CHECK(*request_pdu_length(Bytes{0x16}) == 7);
    CHECK(*request_pdu_length(Bytes{0x17, 0, 0, 0, 1, 0, 0, 0, 1, 2}) == 12);
    CHECK_FALSE(request_pdu_length(Bytes{0x2B, 0x0E}));
    CHECK(request_pdu_length_ok(request(3, 0, 1)));
    CHECK_FALSE(request_pdu_length_ok(Bytes{3, 0, 0, 0}));
    CHECK(request_pdu_length_ok(Bytes{0x2B}));
  }
}
