// Issue #10.5: no login takes over another's MQTT session. A real Mosquitto runs on the
// password and ACL files `lookout provision` wrote and the mosquitto.conf lines it printed
// (use_username_as_clientid: the broker makes each login its client id); a real gateway and
// aggregator log in with the users it made. An intruder holding a spare gateway's login
// connects with the victim gateway's client ids and with the aggregator's: nobody is
// disconnected (the broker logs no takeover, the victims connected once, no last will on the
// victim's status, no comm alarm) and every batch is stored. One gateway id at two sites
// runs at once without either kicking the other, on the provisioned broker and on one that
// lets clients choose their ids (the gateway's id names its site).
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/broker.hpp"
#include "tests/support/command.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/process.hpp"

using namespace lookout::test;

namespace {

constexpr const char* ENTERPRISE = "xj-mine";
constexpr const char* DIVISION = "430211";  // of ENTERPRISE (Zhuzhou city, 4302)
constexpr const char* CLIENT_ID = "aggregator-test";  // the aggregator's configured client_id
/// Mosquitto's line when a connection takes over a client id that is connected.
constexpr const char* TAKEOVER = "already connected, closing old connection";

/// What one `lookout provision` printed.
struct Login {
  std::string username;
  std::string password;
  std::vector<std::string> broker_lines;  ///< the mosquitto.conf lines it asks for
};

/// The value of `key = "..."` in provision's output.
std::string quoted_value(const std::string& out, const std::string& key) {
  const auto at = out.find("\n" + key + " = \"");
  if (at == std::string::npos) return "";
  const auto start = at + key.size() + 5;
  return out.substr(start, out.find('"', start) - start);
}

/// Runs `lookout provision ARGS --passwd DIR/passwd --acl DIR/acl`.
Login provision(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {bin("lookout"), "provision"});
  args.insert(args.end(), {"--passwd", (dir / "passwd").string(), "--acl", (dir / "acl").string()});
  const auto r = run_command(args, HUNG_RUN);
  REQUIRE_MESSAGE(r.status == 0, r.err);
  Login login{quoted_value(r.out, "username"), quoted_value(r.out, "password"), {}};
  // the configuration lines between its two sentences about the broker
  const auto from = r.out.find("In mosquitto.conf");
  const auto to = r.out.find("Restart the broker");
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  std::istringstream lines(r.out.substr(from, to - from));
  const std::regex setting(R"(^[a-z_]+ [^ ]+$)");
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_match(line, setting)) login.broker_lines.push_back(line);
  }
  REQUIRE(login.password.size() == 24);
  return login;
}

/// The broker configuration provision printed, as the Broker's access lines.
std::string access_of(const Login& login) {
  std::string text;
  for (const auto& l : login.broker_lines) text += l + "\n";
  return text;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The batch sequence numbers the aggregator stored of one gateway, ascending.
std::vector<std::int64_t> stored_seqs(const std::filesystem::path& db, const std::string& site,
                                      const std::string& gateway) {
  sqlite3* h = nullptr;
  std::vector<std::int64_t> out;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(h, 5000);  // the aggregator holds its write lock for one batch at most
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(h, "SELECT seq FROM batches WHERE enterprise = ?1 AND site = ?2 AND gateway = ?3 ORDER BY seq",
                           -1, &s, nullptr) == SQLITE_OK) {
      sqlite3_bind_text(s, 1, ENTERPRISE, -1, SQLITE_STATIC);
      sqlite3_bind_text(s, 2, site.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(s, 3, gateway.c_str(), -1, SQLITE_TRANSIENT);
      while (sqlite3_step(s) == SQLITE_ROW) out.push_back(sqlite3_column_int64(s, 0));
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(h);
  return out;
}

/// Sequence numbers missing between the first and the last stored.
std::int64_t missing(const std::vector<std::int64_t>& seqs) {
  if (seqs.empty()) return 0;
  return seqs.back() - seqs.front() + 1 - static_cast<std::int64_t>(seqs.size());
}

/// A deployment on one broker: lookout-sim, the aggregator and gateways, all stopped at the end.
struct Field {
  explicit Field(TempDir& d) : dir(d) {}

  void start_sim() {
    sim = std::make_unique<Process>(std::vector<std::string>{bin("lookout-sim"), "--listen", "127.0.0.1:0", "--control",
                                                             "127.0.0.1:0", "--warmup-s", "0", "--device",
                                                             "ch4-1=XJ-CH4@1"},
                                    dir / "sim.log");
    const auto line = sim->wait_for_line("modbus-tcp listening on", HUNG_RUN);
    REQUIRE_MESSAGE(line, sim->stderr_text());
    modbus_port = port_in(*line);
  }

  void start_aggregator(const std::string& uri, const Login* login) {
    std::string mqtt = "[mqtt]\nuri = \"" + uri + "\"\nclient_id = \"" + CLIENT_ID + "\"\n";
    if (login != nullptr) mqtt += "username = \"" + login->username + "\"\npassword = \"" + login->password + "\"\n";
    write_file(dir / "aggregator.toml", mqtt + "[http]\nlisten = \"127.0.0.1:0\"\n[storage]\npath = \"" +
                                            db().string() + "\"\n[[enterprises]]\nid = \"" + ENTERPRISE +
                                            "\"\ndivision = \"" + DIVISION + "\"\n");
    aggregator = std::make_unique<Process>(
        std::vector<std::string>{bin("lookout-aggregator"), "--config", (dir / "aggregator.toml").string()},
        dir / "aggregator.log");
    REQUIRE_MESSAGE(aggregator->wait_for_line("HTTP API listening on", HUNG_RUN), aggregator->stderr_text());
    // both sessions up: the listener's must exist before the first batch, or the broker
    // keeps nothing for it
    REQUIRE_MESSAGE(eventually([&] { return count(aggregator->stderr_text(), "connected to") == 2; }, HUNG_RUN),
                    aggregator->stderr_text());
  }

  /// Starts gateway `id` of `site`; returns its index in `gateways`.
  std::size_t start_gateway(const std::string& uri, const std::string& site, const std::string& id,
                            const Login* login) {
    const std::string name = site + "-" + id;
    std::string mqtt = "[mqtt]\nuri = \"" + uri + "\"\n";
    if (login != nullptr) mqtt += "username = \"" + login->username + "\"\npassword = \"" + login->password + "\"\n";
    write_file(dir / (name + ".toml"),
               "[gateway]\nid = \"" + id + "\"\nenterprise = \"" + ENTERPRISE + "\"\nsite = \"" + site +
                   "\"\ndata_dir = \"" + (dir / (name + "-data")).string() + "\"\npublish_interval_ms = 100\n" + mqtt +
                   "[[bus]]\nname = \"tcp-1\"\ntype = \"tcp\"\naddress = \"127.0.0.1:" + std::to_string(modbus_port) +
                   "\"\ntimeout_ms = 300\n[[bus.device]]\nname = \"ch4-1\"\nmodel = \"XJ-CH4\"\nunit = 1\npoll_ms = 100\n");
    gateways.push_back(std::make_unique<Process>(
        std::vector<std::string>{bin("lookout-gateway"), "--config", (dir / (name + ".toml")).string()},
        dir / (name + ".log")));
    return gateways.size() - 1;
  }

  /// Waits until the aggregator has stored at least `n` batches of the gateway.
  void wait_stored(const std::string& site, const std::string& id, std::size_t n, std::size_t gateway) {
    REQUIRE_MESSAGE(eventually([&] { return stored_seqs(db(), site, id).size() >= n; }, HUNG_RUN),
                    "gateway log:\n" << gateways[gateway]->stderr_text() << "\naggregator log:\n"
                                     << aggregator->stderr_text());
  }

  std::filesystem::path db() const { return dir / "lookout.db"; }

  TempDir& dir;
  int modbus_port = 0;
  std::unique_ptr<Process> sim;
  std::unique_ptr<Process> aggregator;
  std::vector<std::unique_ptr<Process>> gateways;
};

/// The gateway connected once to `uri` and never lost the connection (gateway/mqtt_uplink.cpp's lines).
void check_connected_once(Process& gateway, const std::string& uri, const std::string& what) {
  CAPTURE(what);
  const auto log = gateway.stderr_text();
  CHECK_MESSAGE(count(log, "connected to " + uri) == 1, log);
  CHECK_MESSAGE(count(log, "connection to " + uri + " lost") == 0, log);
}

}  // namespace

TEST_SUITE("integration.takeover") {
  TEST_CASE("a gateway login cannot take over another gateway's session nor the aggregator's") {
    TempDir dir;
    // GIVEN the aggregator, the victim gateway and a spare gateway login, provisioned
    const auto agg = provision(dir, {"--aggregator"});
    const auto victim = provision(dir, {"gw-1", "--enterprise", ENTERPRISE, "--site", "mine-1"});
    const auto intruder = provision(dir, {"gw-9", "--enterprise", ENTERPRISE, "--site", "mine-1"});
    // the lines it asks the broker for: the two files and a client id bound to each login
    CHECK(victim.broker_lines == agg.broker_lines);
    CHECK(victim.broker_lines == std::vector<std::string>{"allow_anonymous false",
                                                          "password_file " + (dir / "passwd").string(),
                                                          "acl_file " + (dir / "acl").string(),
                                                          "use_username_as_clientid true"});
    // AND an operator's login that watches every status (written by hand, as a site would)
    REQUIRE(run_command({"mosquitto_passwd", "-b", (dir / "passwd").string(), "watcher", "watch-pw"}).status == 0);
    {
      std::ofstream acl(dir / "acl", std::ios::app);
      acl << "\nuser watcher\ntopic read lookout/#\n";
    }
    Broker broker(dir, access_of(victim));
    Field field(dir);
    field.start_sim();
    field.start_aggregator(broker.uri(), &agg);
    const auto gw = field.start_gateway(broker.uri(), "mine-1", "gw-1", &victim);
    field.wait_stored("mine-1", "gw-1", 5, gw);
    // the watcher is subscribed once it has the victim's retained status
    Process watcher({"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-u", "watcher", "-P",
                     "watch-pw", "-q", "1", "-v", "-t", "lookout/v1/+/+/+/up/status"},
                    dir / "watcher.log");
    REQUIRE(watcher.wait_for_line("lookout/v1/xj-mine/mine-1/gw-1/up/status", HUNG_RUN));

    // WHEN the intruder logs in with gw-9's login, one connection after the other, with
    // every client id of the victims: the gateway's (with and without the site, and its
    // login), the aggregator's two configured ids and its two logins; clean and persistent
    const std::vector<std::string> ids{"xj-mine/mine-1/gw-1", "xj-mine/gw-1",     victim.username,
                                       CLIENT_ID,             std::string(CLIENT_ID) + "-alarms",
                                       agg.username,          agg.username + "-alarms"};
    int accepted = 0;
    for (const auto& id : ids) {
      for (const bool persistent : {false, true}) {
        CAPTURE(id);
        std::vector<std::string> argv{"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()),
                                      "-u", intruder.username, "-P", intruder.password, "-i", id, "-q", "1",
                                      // -E: exit once the broker has acknowledged the subscription
                                      "-E", "-t", "lookout/v1/xj-mine/mine-1/gw-9/down/#"};
        if (persistent) argv.push_back("-c");
        const auto r = run_command(argv, HUNG_RUN);
        CHECK_MESSAGE(r.status == 0, r.err);  // the broker let it in: the attempt was made
        accepted += r.status == 0;
      }
    }
    // AND the victim keeps sending: ten more batches stored after the last attempt
    const auto before = stored_seqs(field.db(), "mine-1", "gw-1").size();
    field.wait_stored("mine-1", "gw-1", before + 10, gw);

    // THEN the broker gave every intruder connection the intruder's own login as its id
    const auto broker_log = read_text(dir / "mosquitto.log");
    CHECK(count(broker_log, " as " + intruder.username + " (") == ids.size() * 2);
    // AND took over no session
    CHECK_MESSAGE(count(broker_log, TAKEOVER) == 0, broker_log);
    // AND the gateway and both sessions of the aggregator stayed connected since they started
    check_connected_once(*field.gateways[gw], broker.uri(), "gateway");
    const auto agg_log = field.aggregator->stderr_text();
    CHECK_MESSAGE(count(agg_log, "connected to " + broker.uri()) == 2, agg_log);
    CHECK_MESSAGE(count(agg_log, "connection of ") == 0, agg_log);  // "connection of ID to URI lost"
    // AND the victim's last will never went out, so no communication-loss alarm
    for (const auto& line : watcher.lines()) CHECK(line.find("\"online\":false") == std::string::npos);
    CHECK(count(agg_log, "comm.gateway_offline") == 0);
    for (const auto& line : field.aggregator->lines()) CHECK(line.find("comm.gateway_offline") == std::string::npos);
    // AND every batch from the first to the last is stored
    const auto seqs = stored_seqs(field.db(), "mine-1", "gw-1");
    CHECK(missing(seqs) == 0);
    std::cout << "takeover: " << accepted << " intruder connections accepted, " << count(broker_log, TAKEOVER)
              << " sessions taken over; gateway seq " << seqs.front() << ".." << seqs.back() << ": " << seqs.size()
              << " batches stored, " << missing(seqs) << " lost" << std::endl;
    watcher.stop();
  }

  TEST_CASE("one gateway id at two sites - both connected - neither is kicked") {
    for (const bool provisioned : {true, false}) {
      // provisioned: the broker binds each login to its client id; otherwise anonymous
      // clients choose their ids, as in the demo, and the gateway's names its site
      CAPTURE(provisioned);
      TempDir dir;
      std::unique_ptr<Broker> broker;
      std::optional<Login> agg, one, two;
      if (provisioned) {
        agg = provision(dir, {"--aggregator"});
        one = provision(dir, {"gw-1", "--enterprise", ENTERPRISE, "--site", "mine-1"});
        two = provision(dir, {"gw-1", "--enterprise", ENTERPRISE, "--site", "mine-2"});
        CHECK(one->username != two->username);
        broker = std::make_unique<Broker>(dir, access_of(*one));
      } else {
        broker = std::make_unique<Broker>(dir);
      }
      Field field(dir);
      field.start_sim();
      field.start_aggregator(broker->uri(), agg ? &*agg : nullptr);
      // WHEN gw-1 of mine-1 and gw-1 of mine-2 both run
      const auto a = field.start_gateway(broker->uri(), "mine-1", "gw-1", one ? &*one : nullptr);
      field.wait_stored("mine-1", "gw-1", 1, a);
      const auto b = field.start_gateway(broker->uri(), "mine-2", "gw-1", two ? &*two : nullptr);
      // THEN both go on sending after the second came up: each has 20 more batches stored
      field.wait_stored("mine-2", "gw-1", 1, b);
      const auto a_then = stored_seqs(field.db(), "mine-1", "gw-1").size();
      field.wait_stored("mine-1", "gw-1", a_then + 20, a);
      field.wait_stored("mine-2", "gw-1", 20, b);
      // AND neither was ever kicked off: no takeover at the broker, one connection each
      const auto broker_log = read_text(dir / "mosquitto.log");
      CHECK_MESSAGE(count(broker_log, TAKEOVER) == 0, broker_log);
      check_connected_once(*field.gateways[a], broker->uri(), "gw-1 of mine-1");
      check_connected_once(*field.gateways[b], broker->uri(), "gw-1 of mine-2");
      const auto s1 = stored_seqs(field.db(), "mine-1", "gw-1");
      const auto s2 = stored_seqs(field.db(), "mine-2", "gw-1");
      CHECK(missing(s1) == 0);
      CHECK(missing(s2) == 0);
      std::cout << "two sites, " << (provisioned ? "provisioned" : "anonymous") << ": "
                << count(broker_log, TAKEOVER) << " takeovers; mine-1 " << s1.size() << " batches, " << missing(s1)
                << " lost; mine-2 " << s2.size() << " batches, " << missing(s2) << " lost" << std::endl;
    }
  }
}
