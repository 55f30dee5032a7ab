// A gateway whose data_dir fills up (issue #10.4): its methane power cut still trips within
// two polls, it keeps polling instead of exiting, it says so in its status and the
// aggregator raises a system fault; when room comes back the readings it held in memory
// arrive, with contiguous sequence numbers, none lost within the bound and the dropped
// counted beyond it. The data_dir is a small tmpfs (tests/support/small_disk.hpp: root only,
// as in CI; elsewhere these tests fail saying so).
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "firmware/wire/messages.hpp"
#include "tests/support/broker.hpp"
#include "tests/support/command.hpp"
#include "tests/support/deployment.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/line_client.hpp"
#include "tests/support/mqtt_probe.hpp"
#include "tests/support/process.hpp"
#include "tests/support/small_disk.hpp"

using namespace lookout::test;
using lookout::wire::GatewayStatus;
using nlohmann::json;

namespace {

const std::string STATUS_TOPIC = "lookout/v1/xj-mine/mine-1/gw-1/up/status";
const std::string STORAGE_ALARM = "lookout/v1/xj-mine/mine-1/alarms/gw-1.storage/system_fault";
constexpr int POLL_MS = 250;  ///< of both devices

/// Rows of one column of one query on a SQLite file, read-only, as integers (-1 for NULL).
std::vector<std::int64_t> column(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::int64_t> out;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);  // the aggregator holds its write lock for one turn at most
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK) {
      while (sqlite3_step(s) == SQLITE_ROW) {
        out.push_back(sqlite3_column_type(s, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 0));
      }
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return out;
}

/// [ms UTC] of a log line "2026-11-25T22:40:01.123Z ...".
std::int64_t log_time(const std::string& line) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(line.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &ms) != 7) {
    return -1;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + ms;
}

/// The gateway's status, decoded; nullopt for a message that is not an online status.
std::optional<GatewayStatus> online_status(const ProbeMessage& m) {
  if (m.topic != STATUS_TOPIC) return std::nullopt;
  auto d = lookout::wire::decode_status(m.payload);
  const auto* s = std::get_if<GatewayStatus>(&d);
  if (s == nullptr || !s->online) return std::nullopt;
  return *s;
}

/// One gateway with its data_dir on a small disk, an XJ-CH4 and an XJ-AR4 on one simulator
/// (Modbus TCP), a face-power interlock, Mosquitto and the aggregator.
struct DiskFullRig {
  TempDir dir;
  std::unique_ptr<SmallDisk> disk;
  std::unique_ptr<Broker> broker;
  std::unique_ptr<Process> sim;
  std::unique_ptr<Process> aggregator;
  std::unique_ptr<Process> gateway;
  int control = 0;
  int http_port = 0;
  std::string token;

  /// `held_max_readings`: the site file's; 100 000, the default, is left out of it.
  explicit DiskFullRig(int held_max_readings) {
    // 16 MiB: the outbox and its write-ahead log (at most ~4 MiB before SQLite checkpoints
    // it) for the whole test, with room to spare until the test fills it.
    disk = std::make_unique<SmallDisk>(dir / "gw-data", 16 << 20);
    broker = std::make_unique<Broker>(dir);
    sim = std::make_unique<Process>(
        std::vector<std::string>{bin("lookout-sim"), "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0",
                                 "--warmup-s", "0", "--device", "ch4-1=XJ-CH4@1", "--device", "ar4-1=XJ-AR4@2"},
        dir / "sim.log");
    const auto tcp_line = sim->wait_for_line("modbus-tcp listening on", HUNG_RUN);
    const auto control_line = sim->wait_for_line("control listening on", HUNG_RUN);
    REQUIRE_MESSAGE((tcp_line && control_line), sim->stderr_text());
    control = port_in(*control_line);
    REQUIRE(send_line(control, "set ch4-1 ch4 0.30") == "ok");

    write_file(dir / "aggregator.toml", "[mqtt]\nuri = \"" + broker->uri() +
                                            "\"\nclient_id = \"aggregator-test\"\n[http]\nlisten = \"127.0.0.1:0\"\n"
                                            "[storage]\npath = \"lookout.db\"\n[[enterprises]]\nid = \"xj-mine\"\n"
                                            "division = \"430211\"\n");
    token = create_token(dir / "lookout.db", "engineer", "tests");
    aggregator = std::make_unique<Process>(
        std::vector<std::string>{bin("lookout-aggregator"), "--config", (dir / "aggregator.toml").string()},
        dir / "aggregator.log");
    const auto http = aggregator->wait_for_line("HTTP API listening on", HUNG_RUN);
    REQUIRE_MESSAGE(http, aggregator->stderr_text());
    http_port = port_in(*http);
    REQUIRE_MESSAGE(
        eventually([&] { return aggregator->stderr_text().find("subscribed to") != std::string::npos; }, HUNG_RUN),
        aggregator->stderr_text());

    // Working face (rules.md): power cut at 1.5 %CH4, restored below 1.0. A timeout of 2 s,
    // far above the simulator's answer on loopback: a poll that timed out on a loaded machine
    // would make offline readings and probes, and the counts below compare polls to readings.
    write_file(
        dir / "site.toml",
        "[gateway]\nid = \"gw-1\"\nenterprise = \"xj-mine\"\nsite = \"mine-1\"\ndata_dir = \"" + disk->path().string() +
            "\"\npublish_interval_ms = 100\nstatus_interval_s = 1\n" +
            (held_max_readings == 100000 ? "" : "held_max_readings = " + std::to_string(held_max_readings) + "\n") +
            "[mqtt]\nuri = \"" + broker->uri() +
            "\"\n[[bus]]\nname = \"tcp-1\"\ntype = \"tcp\"\naddress = \"127.0.0.1:" +
            std::to_string(port_in(*tcp_line)) + "\"\ntimeout_ms = 2000\n" +
            "[[bus.device]]\nname = \"ch4-1\"\nmodel = \"XJ-CH4\"\nunit = 1\npoll_ms = " + std::to_string(POLL_MS) +
            "\n[[bus.device]]\nname = \"ar4-1\"\nmodel = \"XJ-AR4\"\nunit = 2\npoll_ms = " + std::to_string(POLL_MS) +
            "\n[[interlock]]\nname = \"face-power\"\npoint = \"ch4-1.ch4\"\nlocation = \"working_face\"\n"
            "device = \"ar4-1\"\noutputs = [\"power_cut\", \"beacon\"]\n");
  }

  ~DiskFullRig() {
    // Each stop is checked: a process that does not stop on SIGTERM is a defect.
    if (gateway) CHECK_MESSAGE(gateway->stop() == 0, gateway->stderr_text());
    if (aggregator) CHECK_MESSAGE(aggregator->stop() == 0, aggregator->stderr_text());
    if (sim) CHECK_MESSAGE(sim->stop() == 0, sim->stderr_text());
    if (broker) broker->stop();
  }

  void start_gateway() {
    gateway = std::make_unique<Process>(
        std::vector<std::string>{bin("lookout-gateway"), "--config", (dir / "site.toml").string()},
        dir / "gateway.log");
  }

  std::filesystem::path db() const { return dir / "lookout.db"; }

  bool coil(const std::string& name) { return json::parse(send_line(control, "get ar4-1"))["state"][name].get<bool>(); }

  /// Fills the gateway's disk. First the outbox's write-ahead log is checkpointed and cut to
  /// nothing (a second connection may do that), so that its next batch needs the log to
  /// grow: a log that SQLite had just wrapped round would take batches in its old room for
  /// a while yet, on a disk that is full all the same.
  void fill_disk() {
    sqlite3* box = nullptr;
    REQUIRE(sqlite3_open_v2((disk->path() / "outbox.sqlite").c_str(), &box, SQLITE_OPEN_READWRITE, nullptr) ==
            SQLITE_OK);
    sqlite3_busy_timeout(box, 5000);  // the gateway holds its write lock for one transaction at most
    const int rc = sqlite3_wal_checkpoint_v2(box, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    sqlite3_close(box);
    REQUIRE_MESSAGE(rc == SQLITE_OK, "checkpoint of the outbox: " << sqlite3_errstr(rc));
    MESSAGE("filled the gateway's disk with " << disk->fill() << " bytes");
  }

  /// Stored readings of `point` with a value >= `at_least`: their times, oldest first.
  std::vector<std::int64_t> stored_times(const std::string& point, double at_least) const {
    return column(db(), "SELECT ts_ms FROM readings WHERE gateway = 'gw-1' AND point = '" + point +
                            "' AND value >= " + std::to_string(at_least) + " ORDER BY ts_ms");
  }

  /// Every batch number stored, in order, each once.
  std::vector<std::int64_t> stored_seqs() const {
    return column(db(), "SELECT DISTINCT seq FROM readings WHERE gateway = 'gw-1' ORDER BY seq");
  }

  /// Waits for the first status of the gateway made after `after_ms` [ms UTC, its clock]
  /// for which `pred` holds, from `probe` (which has every status since the start).
  GatewayStatus wait_status(MqttProbe& probe, std::int64_t after_ms,
                            const std::function<bool(const GatewayStatus&)>& pred, const char* what) {
    const auto m = probe.wait_for(
        [&](const ProbeMessage& msg) {
          const auto s = online_status(msg);
          return s && s->ts_ms > after_ms && pred(*s);
        },
        HUNG_RUN);
    REQUIRE_MESSAGE(m, "no status of the gateway " << what << "; gateway log:\n" << gateway->stderr_text());
    return *online_status(*m);
  }

  /// After `s`: waits until the aggregator has every reading made up to it (a later one of
  /// ch4-1.ch4 is stored: batches are stored in order), then checks the readings against the
  /// polls `s` counts. Each poll makes one reading per channel (no poll failed: see errors);
  /// the status reads its counters before it takes its time and a poll is counted and
  /// stamped under one lock, so every counted reading is stamped at or before s.ts, and at
  /// most one poll per device stamped by then is not counted yet. Returns the readings
  /// stored, made up to s.ts, and those the counters say were made.
  std::pair<std::int64_t, std::int64_t> account(const GatewayStatus& s) {
    REQUIRE_MESSAGE(eventually(
                        [&] {
                          return !stored_times("ch4-1.ch4", -1.0).empty() &&
                                 stored_times("ch4-1.ch4", -1.0).back() > s.ts_ms;
                        },
                        HUNG_RUN),
                    gateway->stderr_text());
    std::int64_t stored = 0;
    std::int64_t made = 0;
    for (const std::string device : {"ch4-1", "ar4-1"}) {
      const auto& d = s.devices.at(device);
      CHECK_MESSAGE(d.errors == 0, device << ": a failed poll makes readings without counting as the others do");
      const auto channels =
          column(db(), "SELECT COUNT(DISTINCT point) FROM readings WHERE point LIKE '" + device + ".%'");
      REQUIRE(channels.size() == 1);
      const auto n = column(db(), "SELECT COUNT(*) FROM readings WHERE gateway = 'gw-1' AND point LIKE '" + device +
                                      ".%' AND ts_ms <= " + std::to_string(s.ts_ms));
      stored += n.at(0);
      made += static_cast<std::int64_t>(d.polls) * channels[0];
    }
    return {stored, made};
  }
};

}  // namespace

TEST_SUITE("integration.disk_full") {
  TEST_CASE("full disk: power cut within two polls - gateway runs on - fault reported and alarmed - nothing lost") {
    DiskFullRig rig(100000);  // the default bound: not reached in this test
    MqttProbe statuses(rig.broker->uri(), STATUS_TOPIC);
    MqttProbe alarms(rig.broker->uri(), STORAGE_ALARM);
    rig.start_gateway();
    // GIVEN readings reaching the aggregator, and the module's coils written at the start
    REQUIRE_MESSAGE(eventually([&] { return !rig.stored_times("ch4-1.ch4", 0.0).empty(); }, HUNG_RUN),
                    rig.gateway->stderr_text());
    REQUIRE_MESSAGE(
        eventually([&] { return rig.gateway->stderr_text().find("ar4-1: wrote coils") != std::string::npos; },
                   HUNG_RUN),
        rig.gateway->stderr_text());
    CHECK_FALSE(rig.coil("power_cut"));

    // WHEN its disk fills up THEN it runs on, and its status says the disk is full
    rig.fill_disk();
    const auto onset = rig.wait_status(
        statuses, 0, [](const GatewayStatus& s) { return s.storage.fault == "disk_full"; }, "saying disk_full");
    CHECK(onset.storage.error.find("full") != std::string::npos);
    CHECK(onset.storage.held_max == 100000);
    CHECK(rig.gateway->running());

    // WHEN methane reaches 1.6 %CH4 THEN the power cut trips
    const auto set_at = std::chrono::steady_clock::now();
    REQUIRE(send_line(rig.control, "set ch4-1 ch4 1.6") == "ok");
    REQUIRE_MESSAGE(eventually([&] { return rig.coil("power_cut"); }, HUNG_RUN), rig.gateway->stderr_text());
    const auto seen_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - set_at).count();
    CHECK(rig.coil("beacon"));
    MESSAGE("methane set to 1.6 -> power_cut seen on the module: "
            << seen_ms << " ms (the test's own clock, polling every 50 ms)");
    // AND the latched power cut, which the disk cannot keep yet, is said so; readings are held
    const auto held = rig.wait_status(
        statuses, onset.ts_ms,
        [](const GatewayStatus& s) {
          return s.storage.faulty() && !s.storage.latched_saved && s.storage.held > 0 &&
                 s.interlocks.count("face-power") != 0 && s.interlocks.at("face-power") == "tripped";
        },
        "with the power cut tripped, not yet kept on disk, and readings held");
    CHECK(held.storage.dropped == 0);
    CHECK(rig.gateway->running());

    // AND the aggregator raises a system fault for the gateway's storage
    const auto raised = alarms.wait_for(
        [](const ProbeMessage& m) {
          auto d = lookout::wire::decode_alarm(m.payload);
          const auto* a = std::get_if<lookout::wire::AlarmMessage>(&d);
          return a != nullptr && a->kind == "system_fault" && a->level == lookout::wire::Level::yellow;
        },
        HUNG_RUN);
    REQUIRE_MESSAGE(raised, rig.aggregator->stderr_text());
    const auto alarm = std::get<lookout::wire::AlarmMessage>(lookout::wire::decode_alarm(raised->payload));
    CHECK(alarm.state == "active_unacknowledged");
    CHECK(alarm.rule == "gateway.disk_full");
    CHECK(alarm.point == "gw-1.storage");
    // AND lookout status shows it beside the gateway
    const auto shown =
        run_command({"env", "-u", "LC_ALL", "-u", "LC_MESSAGES", "LANG=en_US.UTF-8", bin("lookout"), "status", "--api",
                     "127.0.0.1:" + std::to_string(rig.http_port), "--token", rig.token});
    CHECK_MESSAGE(shown.status == 0, shown.err);
    CHECK_MESSAGE(
        std::regex_search(
            shown.out, std::regex(R"(\nxj-mine +mine-1 +gw-1 +online +\S+ +\S+ +disk_full\(\d+_held,0_dropped\)\n)")),
        shown.out);
    // AND the gateway logged the fault once, not a line per try
    const auto log = rig.gateway->stderr_text();
    std::size_t onsets = 0;
    for (auto at = log.find("the outbox cannot take readings"); at != std::string::npos;
         at = log.find("the outbox cannot take readings", at + 1)) {
      ++onsets;
    }
    CHECK(onsets == 1);

    // WHEN room comes back THEN the fault ends by itself, and everything held went into the outbox
    rig.disk->free();
    const auto after = rig.wait_status(
        statuses, held.ts_ms,
        [](const GatewayStatus& s) { return !s.storage.faulty() && s.storage.held == 0 && s.storage.latched_saved; },
        "with the fault over and nothing held");
    CHECK(after.storage.dropped == 0);
    CHECK(rig.gateway->stderr_text().find("the outbox takes readings again") != std::string::npos);
    // AND the aggregator's alarm returns to normal, waiting for a person's acknowledgement
    const auto returned = alarms.wait_for(
        [](const ProbeMessage& m) {
          auto d = lookout::wire::decode_alarm(m.payload);
          const auto* a = std::get_if<lookout::wire::AlarmMessage>(&d);
          return a != nullptr && a->level == lookout::wire::Level::normal && a->state == "returned_unacknowledged";
        },
        HUNG_RUN);
    CHECK_MESSAGE(returned, rig.aggregator->stderr_text());
    // AND the latched power cut is on disk now: a restart keeps it tripped
    CHECK(json::parse(std::ifstream(rig.disk->path() / "edge_state.json"))["latched"] == json::array({"face-power"}));

    // AND every batch arrives, numbered 1, 2, 3 ... with none missing, and no reading is lost
    const auto [stored, made] = rig.account(after);
    CHECK_MESSAGE(stored >= made, "readings stored " << stored << ", made (by the poll counters) " << made);
    CHECK(stored <= made + 2 + 5);  // one poll per device at most not counted yet: 2 + 5 channels
    const auto seqs = rig.stored_seqs();
    REQUIRE(!seqs.empty());
    CHECK(seqs.front() == 1);
    CHECK(seqs.back() == static_cast<std::int64_t>(seqs.size()));
    std::uint64_t most_held = 0;
    for (const auto& m : statuses.messages()) {
      if (const auto s = online_status(m)) most_held = std::max(most_held, s->storage.held);
    }
    MESSAGE("readings held in memory at most (as the statuses showed them): "
            << most_held << " over " << (after.ts_ms - onset.storage.since_ms) / 1000 << " s of a full disk; " << stored
            << " readings stored in all, " << made << " made by the poll counters, 0 dropped");

    // AND the power cut went out within two polls of the first reading at 1.6: the coil write
    // (the gateway logs it once the module has answered) comes before the third such reading
    const auto at_1_6 = rig.stored_times("ch4-1.ch4", 1.55);
    REQUIRE(at_1_6.size() >= 3);
    std::int64_t wrote_ms = -1;
    const std::string text = rig.gateway->stderr_text();
    for (auto at = text.find("ar4-1: wrote coils"); at != std::string::npos;
         at = text.find("ar4-1: wrote coils", at + 1)) {
      const auto line_start = text.rfind('\n', at);
      const auto t = log_time(text.substr(line_start == std::string::npos ? 0 : line_start + 1));
      if (t >= at_1_6[0]) {
        wrote_ms = t;
        break;
      }
    }
    REQUIRE_MESSAGE(wrote_ms >= 0, text);
    CHECK(wrote_ms <= at_1_6[2]);
    MESSAGE("reading at 1.6 %CH4 -> power_cut coils written, on a full disk: "
            << wrote_ms - at_1_6[0] << " ms (the gateway's clock; poll period " << POLL_MS << " ms)");
  }

  TEST_CASE("a gateway started on a full disk polls and trips too - its outbox opens when room comes") {
    DiskFullRig rig(100000);
    MqttProbe statuses(rig.broker->uri(), STATUS_TOPIC);
    rig.start_gateway();
    REQUIRE_MESSAGE(eventually([&] { return !rig.stored_times("ch4-1.ch4", 0.0).empty(); }, HUNG_RUN),
                    rig.gateway->stderr_text());
    // GIVEN the gateway stopped (it made its outbox), its disk filled, and the gateway started again
    REQUIRE(rig.gateway->stop() == 0);
    const auto before = rig.stored_seqs();
    rig.fill_disk();
    rig.start_gateway();
    // THEN it runs, says its disk is full, and trips the power cut at 1.6 %CH4
    const auto onset = rig.wait_status(
        statuses, 0, [](const GatewayStatus& s) { return s.storage.fault == "disk_full"; },
        "saying disk_full after a start on the full disk");
    CHECK(onset.boot == 0);  // not counted yet: the outbox is not open
    REQUIRE(send_line(rig.control, "set ch4-1 ch4 1.6") == "ok");
    REQUIRE_MESSAGE(eventually([&] { return rig.coil("power_cut"); }, HUNG_RUN), rig.gateway->stderr_text());
    CHECK(rig.gateway->running());
    // WHEN room comes back THEN the outbox opens, this boot is counted, and the batches go on
    // from the last number of the run before, without a hole
    rig.disk->free();
    const auto after = rig.wait_status(
        statuses, onset.ts_ms, [](const GatewayStatus& s) { return !s.storage.faulty() && s.storage.held == 0; },
        "with the fault over and nothing held");
    CHECK(after.boot == 2);
    REQUIRE(eventually([&] { return !rig.stored_times("ch4-1.ch4", 1.55).empty(); }, HUNG_RUN));
    const auto seqs = rig.stored_seqs();
    REQUIRE(seqs.size() > before.size());
    CHECK(seqs.front() == 1);
    CHECK(seqs.back() == static_cast<std::int64_t>(seqs.size()));
  }

  TEST_CASE("full disk over the bound: oldest held readings dropped - counted exactly - the rest arrive") {
    DiskFullRig rig(100);  // the smallest bound: 14 polls of the two devices (2 + 5 channels)
    MqttProbe statuses(rig.broker->uri(), STATUS_TOPIC);
    rig.start_gateway();
    REQUIRE_MESSAGE(eventually([&] { return !rig.stored_times("ch4-1.ch4", 0.0).empty(); }, HUNG_RUN),
                    rig.gateway->stderr_text());
    // GIVEN a full disk, and more readings since than the bound holds
    rig.fill_disk();
    const auto over = rig.wait_status(
        statuses, 0, [](const GatewayStatus& s) { return s.storage.fault == "disk_full" && s.storage.dropped >= 50; },
        "dropping held readings");
    CHECK(over.storage.held == 100);
    CHECK(rig.gateway->running());
    CHECK(rig.gateway->stderr_text().find("reached their bound of 100") != std::string::npos);
    // WHEN room comes back
    rig.disk->free();
    const auto after = rig.wait_status(
        statuses, over.ts_ms, [](const GatewayStatus& s) { return !s.storage.faulty() && s.storage.held == 0; },
        "with the fault over and nothing held");
    // THEN the batches are numbered without a hole (dropped readings never had a number) and
    // the readings stored and dropped make up every reading polled
    const auto seqs = rig.stored_seqs();
    REQUIRE(!seqs.empty());
    CHECK(seqs.front() == 1);
    CHECK(seqs.back() == static_cast<std::int64_t>(seqs.size()));
    const auto dropped = static_cast<std::int64_t>(after.storage.dropped);
    const auto [stored, made] = rig.account(after);
    CHECK_MESSAGE(stored + dropped >= made, "stored " << stored << " + dropped " << dropped << ", made " << made);
    CHECK(stored + dropped <= made + 2 + 5);  // one poll per device at most not counted yet
    MESSAGE("bound 100: " << dropped << " readings dropped (oldest first), " << stored << " stored, " << made
                          << " made by the poll counters");
  }
}
