// Addresses in configuration files (firmware/config/endpoint.hpp): what passes, and the
// reason for what does not.
#include <doctest/doctest.h>

#include "firmware/config/endpoint.hpp"

using namespace lookout::config;

namespace {

std::string problem(std::string_view text, HostPortRules rules = {}) { return parse_host_port(text, rules).problem; }

}  // namespace

TEST_SUITE("config.endpoint") {
  TEST_CASE("host and port - IPv4 - IPv6 in brackets - names where allowed") {
    auto r = parse_host_port("127.0.0.1:502");
    REQUIRE(r.value);
    CHECK(r.value->host == "127.0.0.1");
    CHECK(r.value->port == 502);
    r = parse_host_port("[::1]:1502");
    REQUIRE(r.value);
    CHECK(r.value->host == "::1");
    CHECK(r.value->port == 1502);
    r = parse_host_port("plc-7.plant.local:502");
    REQUIRE(r.value);
    CHECK(r.value->host == "plc-7.plant.local");
    CHECK(parse_host_port("127.0.0.1:0", {.min_port = 0}).value->port == 0);
    CHECK(parse_host_port("broker", {.port_needed = false, .default_port = 1883}).value->port == 1883);
  }

  TEST_CASE("each broken address says what is wrong with it") {
    CHECK(problem("999.1.1.1:8080") == "\"999.1.1.1\" is not an IPv4 address (four numbers 0-255)");
    CHECK(problem("10.0.0:502") == "\"10.0.0\" is not an IPv4 address (four numbers 0-255)");
    CHECK(problem("[::1:502") == "an IPv6 address needs its closing ] (e.g. [::1]:502)");
    CHECK(problem("::1:502") == "an IPv6 address goes in brackets, e.g. [::1]:502");
    CHECK(problem("[::g]:502") == "\"::g\" is not an IPv6 address");
    CHECK(problem("[::1]502") == "after the ] of an IPv6 address comes :port");
    CHECK(problem("127.0.0.1:99999") == "port 99999 is above 65535");
    CHECK(problem("127.0.0.1:0") == "port 0 is below 1");
    CHECK(problem("127.0.0.1:50x") == "the port \"50x\" is not a number");
    CHECK(problem("127.0.0.1:") == "the port \"\" is not a number");
    CHECK(problem("127.0.0.1") == "no port (host:port)");
    CHECK(problem(":502") == "no host before the port");
    CHECK(problem("plc_7:502") == "\"plc_7\" is neither an IP address nor a host name");
    CHECK(problem("localhost:8080", {.names = false}) == "\"localhost\" is not an IP address");
  }

  TEST_CASE("MQTT broker URIs") {
    CHECK(mqtt_uri_problem("tcp://127.0.0.1:1883").empty());
    CHECK(mqtt_uri_problem("ssl://broker.example.org:8883").empty());
    CHECK(mqtt_uri_problem("mqtt://[::1]:1883").empty());
    CHECK(mqtt_uri_problem("tcp://broker").empty());
    CHECK(mqtt_uri_problem("tcp//::") == "no scheme: it should look like tcp://host:1883 or ssl://host:8883");
    CHECK(mqtt_uri_problem("http://127.0.0.1:1883") == "unknown scheme \"http\": tcp://, mqtt://, ssl:// or mqtts://");
    CHECK(mqtt_uri_problem("tcp://127.0.0.1:99999") == "port 99999 is above 65535");
    CHECK(mqtt_uri_problem("tcp://::") == "an IPv6 address goes in brackets, e.g. [::1]:502");
    CHECK(mqtt_uri_problem("tcp://127.0.0.1:1883/x") == "a broker address has no path");
    CHECK(mqtt_uri_problem("ws://127.0.0.1:9001/mqtt").starts_with("unknown scheme"));
    CHECK(mqtt_uri_problem("ws://127.0.0.1:9001/mqtt", true).empty());
  }
}
