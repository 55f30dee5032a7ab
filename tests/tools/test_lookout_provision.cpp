// `lookout provision` (tools/lookout/provision.cpp) with a real Mosquitto that reads the
// password and ACL files it wrote: a gateway publishes under its own up/ and is heard; under
// another gateway's up/ it is not; it cannot read another gateway's down/; a wrong password
// is refused at connect; only the aggregator's publisher reaches a gateway's down/ack and the
// alarms, and its listener hears every up/; a user of another account is left alone.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "tests/support/broker.hpp"
#include "tests/support/command.hpp"
#include "tests/support/process.hpp"

using namespace lookout::test;

namespace {

/// The password line "password = \"...\"" of provision's output.
std::string password_in(const std::string& out) {
  const std::string key = "password = \"";
  const auto at = out.find(key);
  if (at == std::string::npos) return "";
  const auto start = at + key.size();
  return out.substr(start, out.find('"', start) - start);
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

CommandResult pub(int port, const std::string& user, const std::string& password, const std::string& topic,
                  const std::string& message) {
  return run_command({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(port), "-u", user, "-P", password,
                      "-q", "1", "-t", topic, "-m", message},
                     HUNG_RUN);
}

}  // namespace

TEST_SUITE("lookout.provision") {
  TEST_CASE("a provisioned gateway publishes only under its own topics on a real Mosquitto") {
    TempDir dir;
    const auto passwd = dir / "passwd";
    const auto acl = dir / "acl";
    // GIVEN two gateways of one site provisioned
    const auto gw1 = run_command({bin("lookout"), "provision", "gw-1", "--enterprise", "xj-dam", "--site", "dam-1",
                                  "--passwd", passwd.string(), "--acl", acl.string()});
    REQUIRE_MESSAGE(gw1.status == 0, gw1.err);
    const auto gw2 = run_command({bin("lookout"), "provision", "gw-2", "--enterprise", "xj-dam", "--site", "dam-1",
                                  "--passwd", passwd.string(), "--acl", acl.string()});
    REQUIRE_MESSAGE(gw2.status == 0, gw2.err);
    const std::string pw1 = password_in(gw1.out);
    CHECK(pw1.size() == 24);
    CHECK(password_in(gw2.out) != pw1);
    CHECK(gw1.out.find("username = \"xj-dam.dam-1.gw-1\"") != std::string::npos);
    // the password file holds hashes only, for its owner only
    CHECK(std::filesystem::status(passwd).permissions() ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
    // AND an operator account that may read everything (written by hand, as a site would)
    write_file(dir / "admin-pw", "watch-pw\n");
    REQUIRE(run_command({bin("lookout"), "provision", "watcher", "--enterprise", "ops", "--site", "hq", "--passwd",
                         passwd.string(), "--acl", acl.string(), "--username", "watcher", "--password-file",
                         (dir / "admin-pw").string()})
                .status == 0);
    {
      std::ofstream out(acl, std::ios::app);
      out << "\nuser watcher\ntopic readwrite lookout/#\n";
    }
    Broker broker(dir, "allow_anonymous false\npassword_file " + passwd.string() + "\nacl_file " + acl.string() + "\n");
    Process watch({"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-u", "watcher", "-P",
                   "watch-pw", "-q", "1", "-v", "-t", "lookout/#"},
                  dir / "watch.log");
    // the watcher is subscribed once its own test message comes back
    REQUIRE(eventually(
        [&] {
          pub(broker.port(), "watcher", "watch-pw", "lookout/ready", "1");
          return !watch.lines().empty();
        },
        HUNG_RUN));

    // WHEN gw-1 publishes under gw-2's topic, then under its own
    const auto forged = pub(broker.port(), "xj-dam.dam-1.gw-1", pw1, "lookout/v1/xj-dam/dam-1/gw-2/up/readings",
                            "forged by gw-1");
    CHECK(forged.status == 0);  // MQTT 3.1.1 has no way to say no to a publish: the broker drops it
    const auto own = pub(broker.port(), "xj-dam.dam-1.gw-1", pw1, "lookout/v1/xj-dam/dam-1/gw-1/up/readings",
                         "from gw-1");
    CHECK_MESSAGE(own.status == 0, own.err);
    // THEN its own arrives, and the forged one, sent first on an earlier connection, never did
    REQUIRE(watch.wait_for_line("lookout/v1/xj-dam/dam-1/gw-1/up/readings from gw-1", HUNG_RUN));
    for (const auto& line : watch.lines()) CHECK(line.find("forged") == std::string::npos);

    // AND gw-1 cannot read gw-2's down/, but reads its own
    Process spy({"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-u", "xj-dam.dam-1.gw-1",
                 "-P", pw1, "-q", "1", "-v", "-t", "lookout/v1/xj-dam/dam-1/+/down/#"},
                dir / "spy.log");
    REQUIRE(eventually(
        [&] {
          pub(broker.port(), "watcher", "watch-pw", "lookout/v1/xj-dam/dam-1/gw-1/down/command", "for gw-1");
          return !spy.lines().empty();
        },
        HUNG_RUN));
    REQUIRE(pub(broker.port(), "watcher", "watch-pw", "lookout/v1/xj-dam/dam-1/gw-2/down/command", "for gw-2").status ==
            0);
    REQUIRE(pub(broker.port(), "watcher", "watch-pw", "lookout/v1/xj-dam/dam-1/gw-1/down/command", "last").status ==
            0);
    REQUIRE(spy.wait_for_line("gw-1/down/command last", HUNG_RUN));
    for (const auto& line : spy.lines()) CHECK(line.find("for gw-2") == std::string::npos);

    // AND a wrong password does not get in
    const auto wrong = pub(broker.port(), "xj-dam.dam-1.gw-1", "guess", "lookout/v1/xj-dam/dam-1/gw-1/up/readings", "x");
    CHECK(wrong.status != 0);
    CHECK(wrong.err.find("not authori") != std::string::npos);
    spy.stop();
    watch.stop();
  }

  TEST_CASE("the aggregator's listener reads every up - its publisher writes the alarms and down/ack - a gateway neither") {
    TempDir dir;
    const auto passwd = dir / "passwd";
    const auto acl = dir / "acl";
    // GIVEN the aggregator and two gateways provisioned
    const auto agg = run_command({bin("lookout"), "provision", "--aggregator", "--passwd", passwd.string(), "--acl",
                                  acl.string()});
    REQUIRE_MESSAGE(agg.status == 0, agg.err);
    const std::string agg_pw = password_in(agg.out);
    CHECK(agg.out.find("username = \"lookout-aggregator\"") != std::string::npos);
    CHECK(agg.out.find("user lookout-aggregator-alarms in " + passwd.string()) != std::string::npos);
    // the broker settings it asks for: the files, and each login its client id
    CHECK(agg.out.find("\npassword_file " + passwd.string() + "\nacl_file " + acl.string() + "\n") != std::string::npos);
    CHECK(agg.out.find("\nuse_username_as_clientid true\n") != std::string::npos);
    std::string gw_pw[2];
    for (const int i : {0, 1}) {
      const auto gw = run_command({bin("lookout"), "provision", "gw-" + std::to_string(i + 1), "--enterprise", "xj-dam",
                                   "--site", "dam-1", "--passwd", passwd.string(), "--acl", acl.string()});
      REQUIRE_MESSAGE(gw.status == 0, gw.err);
      gw_pw[i] = password_in(gw.out);
    }
    // AND an operator's login that reads everything (written by hand, as a site would)
    REQUIRE(run_command({"mosquitto_passwd", "-b", passwd.string(), "watcher", "watch-pw"}).status == 0);
    {
      std::ofstream out(acl, std::ios::app);
      out << "\nuser watcher\ntopic read lookout/#\n";
    }
    // One connection per login at a time: with use_username_as_clientid a second one of the
    // same login takes over the first.
    Broker broker(dir, "allow_anonymous false\npassword_file " + passwd.string() + "\nacl_file " + acl.string() +
                           "\nuse_username_as_clientid true\n");
    const auto sub = [&](const std::string& user, const std::string& pw, const std::string& topic,
                         const std::string& log) {
      return std::make_unique<Process>(
          std::vector<std::string>{"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-u", user,
                                   "-P", pw, "-q", "1", "-v", "-t", topic},
          dir / log);
    };
    // WHEN the listener subscribes to every up/ THEN it hears gw-2's (retried until subscribed)
    auto listener = sub("lookout-aggregator", agg_pw, "lookout/v1/+/+/+/up/#", "listener.log");
    REQUIRE(eventually(
        [&] {
          pub(broker.port(), "xj-dam.dam-1.gw-2", gw_pw[1], "lookout/v1/xj-dam/dam-1/gw-2/up/readings", "r");
          return !listener->lines().empty();
        },
        HUNG_RUN));
    listener->stop();
    // WHEN gw-1 subscribes to its down/ THEN it hears the publisher's down/ack only: not the
    // listener's, not another gateway's
    auto gateway = sub("xj-dam.dam-1.gw-1", gw_pw[0], "lookout/v1/xj-dam/dam-1/gw-1/down/#", "gateway.log");
    REQUIRE(eventually(
        [&] {
          pub(broker.port(), "lookout-aggregator-alarms", agg_pw, "lookout/v1/xj-dam/dam-1/gw-1/down/ack", "first");
          return !gateway->lines().empty();
        },
        HUNG_RUN));
    CHECK(pub(broker.port(), "lookout-aggregator", agg_pw, "lookout/v1/xj-dam/dam-1/gw-1/down/ack", "by listener")
              .status == 0);
    CHECK(pub(broker.port(), "xj-dam.dam-1.gw-2", gw_pw[1], "lookout/v1/xj-dam/dam-1/gw-1/down/ack", "by gw-2")
              .status == 0);
    REQUIRE(pub(broker.port(), "lookout-aggregator-alarms", agg_pw, "lookout/v1/xj-dam/dam-1/gw-1/down/ack", "last")
                .status == 0);
    REQUIRE(gateway->wait_for_line("down/ack last", HUNG_RUN));
    for (const auto& line : gateway->lines()) CHECK(line.find(" by ") == std::string::npos);
    gateway->stop();
    // WHEN the watcher reads the alarms THEN only the publisher's arrive
    auto alarms = sub("watcher", "watch-pw", "lookout/v1/+/+/alarms/#", "alarms.log");
    REQUIRE(eventually(
        [&] {
          pub(broker.port(), "lookout-aggregator-alarms", agg_pw, "lookout/v1/xj-dam/dam-1/alarms/p", "first");
          return !alarms->lines().empty();
        },
        HUNG_RUN));
    CHECK(pub(broker.port(), "xj-dam.dam-1.gw-1", gw_pw[0], "lookout/v1/xj-dam/dam-1/alarms/p", "by gw-1").status == 0);
    CHECK(pub(broker.port(), "lookout-aggregator", agg_pw, "lookout/v1/xj-dam/dam-1/alarms/p", "by listener").status ==
          0);
    REQUIRE(pub(broker.port(), "lookout-aggregator-alarms", agg_pw, "lookout/v1/xj-dam/dam-1/alarms/p", "last").status ==
            0);
    REQUIRE(alarms->wait_for_line("alarms/p last", HUNG_RUN));
    for (const auto& line : alarms->lines()) CHECK(line.find(" by ") == std::string::npos);
    alarms->stop();
  }

  TEST_CASE("a user that is another account's is left alone - exit 1") {
    TempDir dir;
    const auto passwd = dir / "passwd";
    const auto acl = dir / "acl";
    const auto provision = [&](std::vector<std::string> args) {
      args.insert(args.begin(), {bin("lookout"), "provision"});
      args.insert(args.end(), {"--passwd", passwd.string(), "--acl", acl.string()});
      return run_command(args);
    };
    REQUIRE(provision({"--aggregator"}).status == 0);
    REQUIRE(provision({"gw-1", "--enterprise", "e", "--site", "s"}).status == 0);
    REQUIRE(run_command({"mosquitto_passwd", "-b", passwd.string(), "admin", "admin-pw"}).status == 0);
    const auto acl_before = read_file(acl);
    const auto passwd_before = read_file(passwd);
    // WHEN a gateway is given the aggregator's publisher, another gateway's or a hand-made user
    const auto publisher = provision({"gw-2", "--enterprise", "e", "--site", "s", "--username", "lookout-aggregator-alarms"});
    const auto other = provision({"gw-2", "--enterprise", "e", "--site", "s", "--username", "e.s.gw-1"});
    const auto admin = provision({"gw-2", "--enterprise", "e", "--site", "s", "--username", "admin"});
    // THEN each is refused, saying whose it is, and neither file changes
    CHECK(publisher.status == 1);
    CHECK(publisher.err.starts_with("lookout provision: user lookout-aggregator-alarms is another account's (" +
                                    acl.string() + ": aggregator lookout-aggregator: publisher)"));
    CHECK(other.status == 1);
    CHECK(other.err.find("(" + acl.string() + ": gateway gw-1 of e/s)") != std::string::npos);
    CHECK(admin.status == 1);
    CHECK(admin.err.find("(in " + passwd.string() + ", no entry in " + acl.string() + ")") != std::string::npos);
    CHECK(read_file(acl) == acl_before);
    CHECK(read_file(passwd) == passwd_before);
    // AND the same account again is a new password for it
    const auto again = provision({"gw-1", "--enterprise", "e", "--site", "s"});
    CHECK(again.status == 0);
    CHECK(read_file(acl) == acl_before);
    CHECK(read_file(passwd) != passwd_before);
  }

  TEST_CASE("provision - bad invocations exit 2") {
    TempDir dir;
    const auto hash = run_command({bin("lookout"), "provision", "gw#1", "--enterprise", "e", "--site", "s", "--passwd",
                                   (dir / "p").string(), "--acl", (dir / "a").string()});
    CHECK(hash.status == 2);
    CHECK(hash.err.starts_with("lookout provision: GATEWAY \"gw#1\": only A-Z a-z 0-9 _ - (docs/protocol.md)"));
    const auto no_acl = run_command({bin("lookout"), "provision", "gw-1", "--enterprise", "e", "--site", "s"});
    CHECK(no_acl.status == 2);
    CHECK(no_acl.err.starts_with("lookout provision: --passwd FILE and --acl FILE are required"));
    CHECK_FALSE(std::filesystem::exists(dir / "p"));
    const auto both = run_command({bin("lookout"), "provision", "gw-1", "--aggregator", "--passwd", (dir / "p").string(),
                                   "--acl", (dir / "a").string()});
    CHECK(both.status == 2);
    CHECK(both.err.starts_with("lookout provision: --aggregator takes no GATEWAY, --enterprise or --site"));
    const auto colon = run_command({bin("lookout"), "provision", "--aggregator", "--username", "a:b", "--passwd",
                                    (dir / "p").string(), "--acl", (dir / "a").string()});
    CHECK(colon.status == 2);
    CHECK(colon.err.starts_with("lookout provision: --username \"a:b\": no ':', blanks or line breaks"));
    CHECK_FALSE(std::filesystem::exists(dir / "p"));
  }
}
