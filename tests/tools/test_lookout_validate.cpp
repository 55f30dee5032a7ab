// `lookout validate` (tools/lookout/validate.cpp): a good site file passes with exit status 0;
// a file with many mistakes gets every one of them at once, each at its file:line:column
// with what to do about it, and exit status 1; unreadable and unparsable files, and a bad
// command line.
#include <doctest/doctest.h>

#include <sstream>

#include "tests/support/command.hpp"
#include "tests/support/process.hpp"

using namespace lookout::test;

namespace {

CommandResult validate(const std::vector<std::string>& args) {
  std::vector<std::string> argv{bin("lookout"), "validate"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Ten mistakes of different kinds, one per line named below.
const std::string BAD_SITE = R"([gateway]
id = "gw 1"
enterprise = "xj-chem"
site = "plant-1"
data_dir = "data"
publish_interval_ms = 10

[mqtt]
uri = "tcp://127.0.0.1:1883"
keepalive = 10

[[bus]]
name = "rs485-1"
type = "tcp"
address = "127.0.0.1:1502"
timeout_sm = 300

[[bus.device]]
name = "gd-1"
model = "XJ-GD200"
unit = 1

[[bus.device]]
name = "ch4-1"
model = "XJ-CH4"
unit = 1

[[bus.device]]
model = "XJ-VW4"
unit = 3
calibration = { "ch1.sensor" = "barometer" }

[[interlock]]
name = "face-power"
point = "ch4-1.ch5"
above = 1.5
restore = 1.0
device = "ch4-1"
outputs = ["power_cut"]
)";

}  // namespace

TEST_SUITE("lookout.validate") {
  TEST_CASE("a good site file passes with exit status 0") {
    const auto r = validate({std::string(LOOKOUT_SOURCE_DIR) + "/docs/examples/site.toml"});
    CHECK_MESSAGE(r.status == 0, r.err);
    CHECK(r.out.find("site.toml: ok (gateway gw-1, ") != std::string::npos);
    CHECK(r.err.empty());
  }

  TEST_CASE("every mistake of a site file at once - each at file:line:column with a hint") {
    TempDir dir;
    const auto file = (dir / "site.toml").string();
    write_file(file, BAD_SITE);
    const auto r = validate({file});
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    // WHEN ten things are wrong THEN ten lines, in file order, then the count
    const std::vector<std::string> want{
        file + ":2:6: gateway.id: \"gw 1\" may hold only letters, digits, '_' and '-' (1 to 64)",
        file + ":6:23: gateway.publish_interval_ms: 10 is outside 50..60000",
        file + ":10:1: mqtt.keepalive: unknown key; did you mean \"keepalive_s\"?",
        file + ":16:1: bus[0].timeout_sm: unknown key; did you mean \"timeout_ms\"?",
        file + ":20:9: bus[0].device[0].model: unknown model \"XJ-GD200\"; supported: XJ-CH4, XJ-GD100, XJ-VW4, "
               "XJ-RL80, XJ-RG2, XJ-IN3, XJ-GN1, XJ-AR4",
        file + ":26:8: bus[0].device[1].unit: unit id 1 is used twice on bus \"rs485-1\"",
        file + ":28:1: bus[0].device[2].name: missing (a string)",
        file + ":31:32: bus[0].device[2].calibration.ch1.sensor: \"barometer\" is not one of \"piezometer\", "
               "\"crack_meter\", \"none\"",
        file + ":35:9: interlock[0].point: an XJ-CH4 has no channel \"ch5\" (it has: ch4, temperature)",
        file + ":38:10: interlock[0].device: an XJ-CH4 has no outputs to drive (an output module such as the "
               "XJ-AR4 has)",
        "10 problem(s) in " + file,
    };
    const auto got = lines_of(r.err);
    CHECK(got.size() == want.size());
    for (std::size_t i = 0; i < want.size() && i < got.size(); ++i) CHECK(got[i] == want[i]);

    // WHEN the mistakes are mended THEN the same file passes
    std::string good = BAD_SITE;
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"\"gw 1\"", "\"gw-1\""},
             {"publish_interval_ms = 10", "publish_interval_ms = 100"},
             {"keepalive = 10", "keepalive_s = 10"},
             {"timeout_sm", "timeout_ms"},
             {"XJ-GD200", "XJ-GD100"},
             {"name = \"ch4-1\"\nmodel = \"XJ-CH4\"\nunit = 1", "name = \"ch4-1\"\nmodel = \"XJ-CH4\"\nunit = 2"},
             {"[[bus.device]]\nmodel = \"XJ-VW4\"", "[[bus.device]]\nname = \"vw-1\"\nmodel = \"XJ-VW4\""},
             {"\"barometer\"", "\"none\""},
             {"[[interlock]]\nname = \"face-power\"\npoint = \"ch4-1.ch5\"\nabove = 1.5\nrestore = 1.0\n"
              "device = \"ch4-1\"\noutputs = [\"power_cut\"]\n",
              ""},
         }) {
      const auto at = good.find(from);
      REQUIRE_MESSAGE(at != std::string::npos, from);
      good.replace(at, from.size(), to);
    }
    write_file(file, good);
    const auto fixed = validate({file});
    CHECK_MESSAGE(fixed.status == 0, fixed.err);
    CHECK(fixed.out == file + ": ok (gateway gw-1, 1 bus(es), 3 device(s))\n");
  }

  TEST_CASE("the examples of docs/cli.md - site-tcp.toml passes and broken-site.toml shows its five problems") {
    const std::string examples = std::string(LOOKOUT_SOURCE_DIR) + "/docs/examples/";
    auto r = validate({examples + "site-tcp.toml"});
    CHECK_MESSAGE(r.status == 0, r.err);
    CHECK(r.out == examples + "site-tcp.toml: ok (gateway gw-2, 1 bus(es), 3 device(s))\n");

    const auto file = examples + "broken-site.toml";
    r = validate({file});
    CHECK(r.status == 1);
    const std::vector<std::string> want{
        file + ":10:23: gateway.publish_interval_ms: 10 is outside 50..60000",
        file + ":14:1: mqtt.keepalive: unknown key; did you mean \"keepalive_s\"?",
        file + ":20:1: bus[0].timeout_sm: unknown key; did you mean \"timeout_ms\"?",
        file + ":29:9: bus[0].device[1].model: unknown model \"XJ-GD200\"; supported: XJ-CH4, XJ-GD100, XJ-VW4, "
               "XJ-RL80, XJ-RG2, XJ-IN3, XJ-GN1, XJ-AR4",
        file + ":30:8: bus[0].device[1].unit: unit id 1 is used twice on bus \"rs485-1\"",
        "5 problem(s) in " + file,
    };
    CHECK(lines_of(r.err) == want);
  }

  TEST_CASE("a TOML syntax error is named at its line and column") {
    TempDir dir;
    const auto file = (dir / "site.toml").string();
    write_file(file, "[gateway]\nid = \"gw-1\"\n[[bus]\nname = \"a\"\n");
    const auto r = validate({file});
    CHECK(r.status == 1);
    CHECK(r.err.starts_with(file + ":3:"));
    CHECK(r.err.find("TOML syntax") != std::string::npos);
    CHECK(r.err.find("1 problem(s) in " + file) != std::string::npos);
  }

  TEST_CASE("a missing file and a bad command line") {
    TempDir dir;
    const auto missing = (dir / "nowhere.toml").string();
    auto r = validate({missing});
    CHECK(r.status == 1);
    CHECK(r.err.find(missing + ": cannot read the site file") != std::string::npos);

    r = validate({});
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.starts_with("lookout validate: SITE.toml is required\nusage: lookout validate SITE.toml\n"));
    r = validate({missing, "extra.toml"});
    CHECK(r.status == 2);
    CHECK(r.err.starts_with(
        "lookout validate: The following argument was not expected: extra.toml\nusage: lookout validate SITE.toml\n"));
  }

  TEST_CASE("a methane interlock is checked against the standard - stricter is noted and looser refused") {
    TempDir dir;
    const auto file = (dir / "site.toml").string();
    const std::string site = R"([gateway]
id = "gw-1"
enterprise = "xj-mine"
site = "mine-1"
data_dir = "data"

[mqtt]
uri = "tcp://127.0.0.1:1883"

[[bus]]
name = "tcp-1"
type = "tcp"
address = "127.0.0.1:1502"

[[bus.device]]
name = "ch4-1"
model = "XJ-CH4"
unit = 1

[[bus.device]]
name = "ar4-1"
model = "XJ-AR4"
unit = 2

[[interlock]]
name = "face-power"
point = "ch4-1.ch4"
location = "working_face"
above = ABOVE
device = "ar4-1"
outputs = ["power_cut"]
)";
    // WHEN the power cut comes at 1.2 %CH4 (the standard: 1.5) THEN a note at its line, exit 0
    write_file(file, site.substr(0, site.find("ABOVE")) + "1.2" + site.substr(site.find("ABOVE") + 5));
    auto r = validate({file});
    CHECK_MESSAGE(r.status == 0, r.err);
    CHECK(lines_of(r.out) == std::vector<std::string>{
                                 file + ":29:9: interlock[0].above: 1.2 %CH4 is below the standard's power cut at 1.5 "
                                        "%CH4 for working_face (docs/rules.md, coal-mine methane): stricter, allowed",
                                 file + ": ok (gateway gw-1, 1 bus(es), 2 device(s)), 1 note(s)"});
    // WHEN it comes at 1.8 THEN it is a problem, exit 1
    write_file(file, site.substr(0, site.find("ABOVE")) + "1.8" + site.substr(site.find("ABOVE") + 5));
    r = validate({file});
    CHECK(r.status == 1);
    CHECK(lines_of(r.err) == std::vector<std::string>{
                                 file + ":29:9: interlock[0].above: 1.8 %CH4 is past the standard's power cut at 1.5 "
                                        "%CH4 for working_face (docs/rules.md, coal-mine methane): at most 1.5, or "
                                        "leave above out to take it",
                                 "1 problem(s) in " + file});
  }
}
