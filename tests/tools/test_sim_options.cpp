// Tests for tools/sim/options.cpp and tools/sim/endpoint.cpp: the command line.
#include <doctest/doctest.h>

#include <string_view>
#include <vector>

#include "tools/sim/options.hpp"

using namespace lookout::sim;

namespace {

Options parse(std::vector<std::string_view> args) { return parse_options(args); }

}  // namespace

TEST_SUITE("sim") {
  TEST_CASE("options: the documented command line") {
    const auto o = parse({"--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", "--device",
                          "ch4-1=XJ-CH4@1", "--device", "gd-1=XJ-GD100@2", "--warmup-s", "0"});
    CHECK(o.listen.host == "127.0.0.1");
    CHECK(o.listen.port == 0);
    REQUIRE(o.devices.size() == 2);
    CHECK(o.devices[0].name == "ch4-1");
    CHECK(o.devices[0].model == "XJ-CH4");
    CHECK(o.devices[0].unit == 1);
    CHECK(o.devices[1].model == "XJ-GD100");
    CHECK(o.devices[1].unit == 2);
    CHECK(o.warmup.count() == 0.0);
    CHECK(parse({"--device", "a=XJ-CH4@1"}).warmup.count() == 60.0);
    CHECK(parse({"--device=a=XJ-CH4@1", "--listen=127.0.0.5:1502"}).listen.port == 1502);
    CHECK(parse({"--help"}).help);
    // negative numbers are values, not options
    CHECK_THROWS_WITH_AS(parse({"--device", "a=XJ-CH4@1", "--warmup-s", "-1"}), doctest::Contains("want seconds >= 0"),
                         UsageError);
  }

  TEST_CASE("options: --help lists every option with what it does and every model's fields") {
    const auto text = help();
    CHECK(text.starts_with("usage: lookout-sim [--listen HOST:PORT] [--control HOST:PORT] [--rtu PATH]\n"));
    for (const char* option : {"--listen HOST:PORT", "--control HOST:PORT", "--rtu PATH", "--device NAME=MODEL@UNIT",
                               "--warmup-s SECONDS", "--scenario FILE", "--time-scale X", "-h,--help", "--version"}) {
      CHECK_MESSAGE(text.find(std::string("\n  ") + option) != std::string::npos, option);
    }
    for (const char* model : {"XJ-CH4", "XJ-GD100", "XJ-VW4", "XJ-RL80", "XJ-RG2", "XJ-IN3", "XJ-GN1", "XJ-AR4"}) {
      CHECK_MESSAGE(text.find(std::string("  ") + model + " fields:") != std::string::npos, model);
    }
  }

  TEST_CASE("options: refused command lines") {
    using Args = std::vector<std::string_view>;
    for (const auto& args : {
             Args{},                                            // no device
             Args{"--device", "a=XJ-CH5@1"},                    // unknown model
             Args{"--device", "a=xj-ch4@1"},                    // model names are case-sensitive
             Args{"--device", "a=XJ-CH4"},                      // no unit
             Args{"--device", "a=XJ-CH4@0"},                    // unit out of range
             Args{"--device", "a=XJ-CH4@248"},
             Args{"--device", "=XJ-CH4@1"},                     // no name
             Args{"--device", "a b=XJ-CH4@1"},                  // name with a space
             Args{"--device", "a=XJ-CH4@1", "--device", "b=XJ-GD100@1"},  // unit twice
             Args{"--device", "a=XJ-CH4@1", "--device", "a=XJ-GD100@2"},  // name twice
             Args{"--device", "a=XJ-CH4@1", "--listen", "0.0.0.0:0"},     // not loopback
             Args{"--device", "a=XJ-CH4@1", "--control", "10.0.0.1:5000"},
             Args{"--device", "a=XJ-CH4@1", "--listen", "[::]:0"},
             Args{"--device", "a=XJ-CH4@1", "--listen", "127.0.0.1:70000"},
             Args{"--device", "a=XJ-CH4@1", "--listen", "127.0.0.1"},
             Args{"--device", "a=XJ-CH4@1", "--listen", "example.com:502"},
             Args{"--device", "a=XJ-CH4@1", "--warmup-s", "-1"},
             Args{"--device", "a=XJ-CH4@1", "--warmup-s"},
             Args{"--device", "a=XJ-CH4@1", "--verbose"},
         }) {
      CAPTURE(args.size());
      CHECK_THROWS_AS(parse_options(args), UsageError);
    }
  }

  TEST_CASE("options: error messages name the argument") {
    try {
      parse({"--device", "a=XJ-CH5@1"});
      FAIL("no error");
    } catch (const UsageError& e) {
      CHECK(std::string_view(e.what()).find("a=XJ-CH5@1") != std::string_view::npos);
      CHECK(std::string_view(e.what()).find("XJ-CH5") != std::string_view::npos);
    }
    try {
      parse({"--device", "a=XJ-CH4@1", "--listen", "0.0.0.0:502"});
      FAIL("no error");
    } catch (const UsageError& e) {
      CHECK(std::string_view(e.what()).find("0.0.0.0:502") != std::string_view::npos);
      CHECK(std::string_view(e.what()).find("loopback") != std::string_view::npos);
    }
  }

  TEST_CASE("loopback endpoints") {
    auto e = parse_loopback_endpoint("127.0.0.1:502");
    CHECK(e.host == "127.0.0.1");
    CHECK(e.port == 502);
    CHECK_FALSE(e.ipv6);
    CHECK(e.to_string(1234) == "127.0.0.1:1234");
    CHECK(parse_loopback_endpoint("127.10.20.30:0").host == "127.10.20.30");
    CHECK(parse_loopback_endpoint("localhost:0").host == "127.0.0.1");
    e = parse_loopback_endpoint("[::1]:0");
    CHECK(e.ipv6);
    CHECK(e.to_string(5) == "[::1]:5");
    CHECK_THROWS(parse_loopback_endpoint("128.0.0.1:0"));
    CHECK_THROWS(parse_loopback_endpoint("[::2]:0"));
    CHECK_THROWS(parse_loopback_endpoint("::1:0"));
    CHECK_THROWS(parse_loopback_endpoint("127.0.0.1:-1"));
    CHECK_THROWS(parse_loopback_endpoint("127.0.0.1:"));
  }
}

TEST_SUITE("sim") {
  TEST_CASE("options: --rtu PATH once and every model by its sheet name") {
    const auto o = parse({"--rtu", "/tmp/x/sim", "--device", "vw=XJ-VW4@1", "--device",
                          "rl=XJ-RL80@2", "--device", "rg=XJ-RG2@3", "--device", "in=XJ-IN3@4",
                          "--device", "gn=XJ-GN1@5", "--device", "ar=XJ-AR4@6"});
    CHECK(o.rtu == "/tmp/x/sim");
    CHECK(o.devices.size() == 6);
    CHECK(o.devices[5].model == "XJ-AR4");
    CHECK(parse({"--rtu=/dev/pts/9", "--device", "a=XJ-CH4@1"}).rtu == "/dev/pts/9");
    CHECK(parse({"--device", "a=XJ-CH4@1"}).rtu.empty());
    CHECK_THROWS_AS(parse({"--rtu", "/a", "--rtu", "/b", "--device", "a=XJ-CH4@1"}), UsageError);
    CHECK_THROWS_AS(parse({"--rtu=", "--device", "a=XJ-CH4@1"}), UsageError);
    CHECK_THROWS_AS(parse({"--device", "a=XJ-CH4@1", "--rtu"}), UsageError);
    CHECK(help().find("--rtu PATH") != std::string::npos);
    CHECK(help().find("XJ-AR4 fields") != std::string::npos);
  }
}

TEST_SUITE("sim") {
  TEST_CASE("options: --scenario FILE stands for --device and --time-scale speeds it up") {
    // GIVEN a scenario THEN no --device is needed; the file is read later (main.cpp)
    const auto o = parse({"--scenario", "tools/sim/scenarios/flood.toml", "--time-scale", "3600"});
    CHECK(o.scenario == "tools/sim/scenarios/flood.toml");
    CHECK(o.time_scale == 3600.0);
    CHECK(o.devices.empty());
    CHECK(parse({"--device", "a=XJ-CH4@1"}).time_scale == 1.0);
    CHECK(parse({"--device", "a=XJ-CH4@1"}).scenario.empty());
    // a time scale must be a number above 0; one scenario at a time
    for (const auto* bad : {"0", "-1", "fast", "inf"}) {
      CAPTURE(bad);
      CHECK_THROWS_WITH_AS(parse({"--scenario", "s.toml", "--time-scale", bad}),
                           doctest::Contains("want a number > 0"), UsageError);
    }
    CHECK_THROWS_WITH_AS(parse({"--scenario", "a.toml", "--scenario", "b.toml"}),
                         doctest::Contains("--scenario given twice"), UsageError);
    CHECK_THROWS_WITH_AS(parse({"--scenario="}), doctest::Contains("--scenario: 1 required FILE missing"), UsageError);
    CHECK_THROWS_WITH_AS(parse({"--time-scale", "2"}), doctest::Contains("or a --scenario, is required"), UsageError);
    CHECK(help().find("--scenario FILE") != std::string::npos);
  }
}
