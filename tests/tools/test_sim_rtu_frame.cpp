// Tests for tools/sim/rtu_frame.cpp: CRC, framing and replies of the RTU line, no I/O.
#include <doctest/doctest.h>

#include <vector>

#include "tools/sim/device_factory.hpp"
#include "tools/sim/rtu_frame.hpp"

using namespace lookout::sim;

namespace {

using Bytes = std::vector<std::uint8_t>;

DeviceSet two_units() {
  DeviceSet set;
  set.add(make_device("XJ-CH4", "ch4-1", 1, Seconds{0.0}));
  set.add(make_device("XJ-RL80", "rl-1", 2, Seconds{0.0}));
  set.add(make_device("XJ-GN1", "gn-1", 3, Seconds{0.0}));
  return set;
}

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("rtu_frame: CRC-16/MODBUS of the textbook read request") {
    // 01 03 00 00 00 01 -> CRC 0x0A84, sent 84 0A
    CHECK(crc16_modbus(Bytes{1, 3, 0, 0, 0, 1}) == 0x0A84);
    CHECK(with_crc(Bytes{1, 3, 0, 0, 0, 1}) == Bytes{1, 3, 0, 0, 0, 1, 0x84, 0x0A});
    CHECK(crc_ok(Bytes{1, 3, 0, 0, 0, 1, 0x84, 0x0A}));
    CHECK_FALSE(crc_ok(Bytes{1, 3, 0, 0, 0, 1, 0x0A, 0x84}));
    CHECK_FALSE(crc_ok(Bytes{1, 3}));
  }

  TEST_CASE("rtu_frame: framer cuts by function code and drops bad CRCs") {
    RtuFramer framer;
    const auto read = with_crc(Bytes{1, 4, 0, 0, 0, 3});
    // split across reads
    framer.feed(Bytes(read.begin(), read.begin() + 3));
    CHECK_FALSE(framer.next());
    framer.feed(Bytes(read.begin() + 3, read.end()));
    CHECK(framer.next() == read);
    CHECK(framer.empty());
    // two frames in one read; a 16 whose length needs its byte count
    const auto write = with_crc(Bytes{2, 16, 0, 10, 0, 2, 4, 0, 1, 0, 2});
    Bytes both = write;
    both.insert(both.end(), read.begin(), read.end());
    framer.feed(both);
    CHECK(framer.next() == write);
    CHECK(framer.next() == read);
    // a bad CRC drops the buffer
    auto bad = read;
    bad.back() ^= 0x01;
    framer.feed(bad);
    CHECK_FALSE(framer.next());
    CHECK(framer.empty());
    CHECK(framer.crc_errors() == 1);
    // an unknown function code waits for silence
    const auto other = with_crc(Bytes{1, 0x2B, 0x0E, 1, 0});
    framer.feed(other);
    CHECK_FALSE(framer.next());
    CHECK(framer.on_silence() == other);
    framer.feed(Bytes{1, 3, 0});
    CHECK_FALSE(framer.on_silence());  // half a frame, then silence: dropped
    CHECK(framer.crc_errors() == 2);
  }

  TEST_CASE("rtu_frame: replies by unit id - silence for absent and TCP-only units") {
    auto set = two_units();
    const Seconds t{1.0};
    const auto reply = answer_rtu_frame(set, with_crc(Bytes{2, 3, 0, 0, 0, 4}), t);
    CHECK(reply == with_crc(Bytes{2, 3, 8, 0, 0, 0x09, 0x2E, 0, 40, 0, 0}));
    CHECK(answer_rtu_frame(set, with_crc(Bytes{2, 3, 0, 0, 0, 9}), t) ==
          with_crc(Bytes{2, 0x83, 2}));  // XJ-RL80: more than 8 registers
    CHECK(answer_rtu_frame(set, with_crc(Bytes{1, 4, 0, 0, 0, 3}), t).size() == 3 + 6 + 2);
    CHECK(answer_rtu_frame(set, with_crc(Bytes{9, 3, 0, 0, 0, 1}), t).empty());
    CHECK(answer_rtu_frame(set, with_crc(Bytes{3, 4, 0, 0, 0, 1}), t).empty());  // XJ-GN1
    CHECK(answer_rtu_frame(set, with_crc(Bytes{0, 3, 0, 0, 0, 1}), t).empty());  // broadcast
    // unplugged: nothing; garbage: the reply with a wrong CRC
    CHECK_FALSE(set.find("rl-1")->set_field("connected", "0", t));
    CHECK(answer_rtu_frame(set, with_crc(Bytes{2, 3, 0, 0, 0, 4}), t).empty());
    CHECK_FALSE(set.find("rl-1")->set_field("connected", "1", t));
    CHECK_FALSE(set.find("rl-1")->set_field("garbage", "1", t));
    const auto junk = answer_rtu_frame(set, with_crc(Bytes{2, 3, 0, 0, 0, 4}), t);
    REQUIRE(junk.size() == reply.size());
    CHECK(Bytes(junk.begin(), junk.end() - 2) == Bytes(reply.begin(), reply.end() - 2));
    CHECK_FALSE(crc_ok(junk));
  }
}
