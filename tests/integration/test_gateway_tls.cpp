// The uplink over TLS with a username and password, against a real Mosquitto TLS listener
// on loopback with certificates made for the test (issue #3 "Uplink").
#include <doctest/doctest.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "tests/support/broker.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/line_client.hpp"
#include "tests/support/mqtt_probe.hpp"
#include "tests/support/process.hpp"

using namespace lookout::test;
using nlohmann::json;

namespace {

/// Runs a shell command in `dir`; its output goes to `dir/tls-setup.log`.
void run(const TempDir& dir, const std::string& command) {
  const std::string line = "cd '" + dir.path().string() + "' && " + command + " >>tls-setup.log 2>&1";
  REQUIRE_MESSAGE(std::system(line.c_str()) == 0, command);
}

/// A CA, and a server certificate for 127.0.0.1 signed by it, both in `dir` under `prefix`.
void make_certificates(const TempDir& dir, const std::string& prefix) {
  run(dir, "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + prefix + "ca.key -out " + prefix +
               "ca.crt -days 2 -subj /CN=" + prefix + "lookout-test-ca");
  run(dir, "openssl req -newkey rsa:2048 -nodes -keyout " + prefix + "server.key -out " + prefix +
               "server.csr -subj /CN=127.0.0.1");
  run(dir, "printf 'subjectAltName=IP:127.0.0.1\\n' > " + prefix + "san.cnf");
  run(dir, "openssl x509 -req -in " + prefix + "server.csr -CA " + prefix + "ca.crt -CAkey " + prefix +
               "ca.key -CAcreateserial -out " + prefix + "server.crt -days 2 -extfile " + prefix + "san.cnf");
}

std::string site_file(const std::string& uri, const std::string& modbus, const std::string& mqtt_extra) {
  return "[gateway]\nid = \"gw-1\"\nenterprise = \"xj-mine\"\nsite = \"mine-1\"\ndata_dir = \"gw\"\n"
         "publish_interval_ms = 100\n[mqtt]\nuri = \"" + uri + "\"\n" + mqtt_extra +
         "[[bus]]\nname = \"tcp-1\"\ntype = \"tcp\"\naddress = \"" + modbus + "\"\n"
         "[[bus.device]]\nname = \"ch4-1\"\nmodel = \"XJ-CH4\"\nunit = 1\npoll_ms = 200\n";
}

}  // namespace

TEST_SUITE("integration.tls") {
  TEST_CASE("readings travel over TLS with a password - a wrong CA or password is refused") {
    TempDir dir;
    make_certificates(dir, "");
    make_certificates(dir, "other-");  // a CA the broker's certificate does not come from
    run(dir, "mosquitto_passwd -b -c passwd gw-1 s3cret");
    const int tls_port = free_port();
    const std::string d = dir.path().string() + "/";
    // Plain listener for the test's probe; TLS listener for the gateway. A client that gives a
    // name must give its password.
    Broker broker(dir, "", "listener " + std::to_string(tls_port) + " 127.0.0.1\ncafile " + d + "ca.crt\ncertfile " + d +
                           "server.crt\nkeyfile " + d + "server.key\npassword_file " + d + "passwd\n");
    REQUIRE(wait_for_port(tls_port, HUNG_RUN));
    Process sim({bin("lookout-sim"), "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", "--warmup-s", "0",
                 "--device", "ch4-1=XJ-CH4@1"},
                dir / "sim.log");
    const auto tcp_line = sim.wait_for_line("modbus-tcp listening on", HUNG_RUN);
    REQUIRE(tcp_line);
    const std::string modbus = "127.0.0.1:" + std::to_string(port_in(*tcp_line));
    const std::string uri = "ssl://127.0.0.1:" + std::to_string(tls_port);
    MqttProbe probe(broker.uri(), "lookout/v1/xj-mine/mine-1/gw-1/up/#");

    // WHEN the gateway trusts another CA THEN it does not connect, and says why
    write_file(dir / "wrong-ca.toml", site_file(uri, modbus, "username = \"gw-1\"\npassword = \"s3cret\"\nca_file = \"other-ca.crt\"\n"));
    {
      Process gw({bin("lookout-gateway"), "--config", (dir / "wrong-ca.toml").string()}, dir / "gw-wrong-ca.log");
      CHECK_MESSAGE(eventually([&] { return gw.stderr_text().find("cannot connect") != std::string::npos; },
                               HUNG_RUN),
                    gw.stderr_text());
      CHECK(gw.stderr_text().find("no TLS connection") != std::string::npos);
      CHECK(gw.stop() == 0);
    }
    // WHEN the password is wrong THEN the broker refuses it
    write_file(dir / "wrong-password.toml", site_file(uri, modbus, "username = \"gw-1\"\npassword = \"guess\"\nca_file = \"ca.crt\"\n"));
    {
      Process gw({bin("lookout-gateway"), "--config", (dir / "wrong-password.toml").string()}, dir / "gw-wrong-pw.log");
      CHECK_MESSAGE(eventually([&] { return gw.stderr_text().find("cannot connect") != std::string::npos; },
                               HUNG_RUN),
                    gw.stderr_text());
      CHECK(gw.stderr_text().find("not authorized") != std::string::npos);
      CHECK(gw.stop() == 0);
    }
    CHECK(probe.messages().empty());

    // WHEN CA and password are right THEN readings and the status arrive
    write_file(dir / "site.toml", site_file(uri, modbus, "username = \"gw-1\"\npassword = \"s3cret\"\nca_file = \"ca.crt\"\n"));
    Process gw({bin("lookout-gateway"), "--config", (dir / "site.toml").string()}, dir / "gateway.log");
    const auto batch = probe.wait_for([](const ProbeMessage& m) { return m.topic.ends_with("/up/readings"); },
                                      HUNG_RUN);
    REQUIRE_MESSAGE(batch, gw.stderr_text());
    CHECK(json::parse(batch->payload)["readings"][0]["point"] == "ch4-1.ch4");
    CHECK(gw.stderr_text().find("connected to " + uri) != std::string::npos);
    CHECK(gw.stop() == 0);
  }
}
