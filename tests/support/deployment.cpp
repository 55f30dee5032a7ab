#include "tests/support/deployment.hpp"

#include <doctest/doctest.h>

#include <sqlite3.h>

#include <cmath>
#include <stdexcept>

#include "tests/support/http_client.hpp"
#include "tests/support/line_client.hpp"

namespace lookout::test {

int port_in(const std::string& line) {
  const auto at = line.find("127.0.0.1:");
  if (at == std::string::npos) throw std::runtime_error("no address in: " + line);
  return std::stoi(line.substr(at + 10));
}

Deployment::Deployment(DeploymentOptions opts, const std::string& aggregator_toml) : options(opts) {
  broker = std::make_unique<Broker>(dir, "", options.broker_config);

  sim = std::make_unique<Process>(
      std::vector<std::string>{bin("lookout-sim"), "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", "--device",
                               "ch4-1=XJ-CH4@1", "--device", "gd-1=XJ-GD100@2", "--warmup-s", "0"},
      dir / "sim.log");
  const auto modbus = sim->wait_for_line("modbus-tcp listening on", std::chrono::seconds(10));
  const auto control = sim->wait_for_line("control listening on", std::chrono::seconds(10));
  if (!modbus || !control) throw std::runtime_error("lookout-sim did not start: " + sim->stderr_text());
  modbus_port = port_in(*modbus);
  control_port = port_in(*control);

  write_file(dir / "aggregator.toml", "[mqtt]\nuri = \"" + broker->uri() +
                                          "\"\nclient_id = \"aggregator-test\"\n"
                                          "[http]\nlisten = \"127.0.0.1:0\"\n" + options.http_toml + "\n" +
                                          "[storage]\npath = \"" + database().string() + "\"\n" + aggregator_toml +
                                          "\n[[enterprises]]\nid = \"" + ENTERPRISE + "\"\ndivision = \"" + DIVISION +
                                          "\"\n");
  token = create_token("engineer", "tests");
  start_aggregator();

  write_file(dir / "site.toml", std::string("[gateway]\nid = \"") + GATEWAY + "\"\nenterprise = \"" + ENTERPRISE +
                                    "\"\nsite = \"" + SITE +
                                    "\"\ndata_dir = \"" + gateway_data_dir().string() + "\"\npublish_interval_ms = " +
                                    std::to_string(options.publish_interval_ms) + "\n" + options.gateway_toml +
                                    "\n"
                                    "[mqtt]\nuri = \"" +
                                    broker->uri() +
                                    "\"\n"
                                    "[[bus]]\nname = \"tcp-1\"\ntype = \"tcp\"\naddress = \"127.0.0.1:" +
                                    std::to_string(modbus_port) +
                                    "\"\ntimeout_ms = 300\n"
                                    "[[bus.device]]\nname = \"ch4-1\"\nmodel = \"XJ-CH4\"\nunit = 1\npoll_ms = " +
                                    std::to_string(options.poll_ms) +
                                    "\n"
                                    "[[bus.device]]\nname = \"gd-1\"\nmodel = \"XJ-GD100\"\nunit = 2\npoll_ms = " +
                                    std::to_string(options.poll_ms) + "\n");
  start_gateway();
  // Ready when a reading has gone the whole way: the aggregator is subscribed.
  if (!wait_status("ch4-1.ch4", [](const nlohmann::json&) { return true; })) {
    throw std::runtime_error("no reading reached the status API; gateway log:\n" + gateway->stderr_text() +
                             "\naggregator log:\n" + aggregator->stderr_text());
  }
}

void Deployment::start_aggregator() {
  const auto log = dir / "aggregator.log";
  // Keep the earlier run's log: a restart must not hide what happened before it.
  if (std::filesystem::exists(log)) std::filesystem::rename(log, dir / ("aggregator." + std::to_string(++runs_) + ".log"));
  aggregator = std::make_unique<Process>(
      std::vector<std::string>{bin("lookout-aggregator"), "--config", (dir / "aggregator.toml").string()}, log);
  const auto http = aggregator->wait_for_line("HTTP API listening on", std::chrono::seconds(10));
  if (!http) throw std::runtime_error("lookout-aggregator did not start: " + aggregator->stderr_text());
  http_port = port_in(*http);
  // The aggregator's session must exist before the first batch, or the broker has no one
  // to keep it for.
  if (!eventually([&] { return aggregator->stderr_text().find("subscribed to") != std::string::npos; },
                  HUNG_RUN)) {
    throw std::runtime_error("lookout-aggregator did not subscribe: " + aggregator->stderr_text());
  }
  // And its second session (the alarm publisher) is up too, so that a test starts from a
  // healthy aggregator. 10 s: the first connection attempt is at once and takes
  // milliseconds on loopback; a test that cares checks /healthz itself.
  eventually([&] { return http_request(http_port, "GET", "/healthz").status == 200; }, std::chrono::seconds(10));
}

std::string create_token(const std::filesystem::path& db, const std::string& role, const std::string& name,
                         const std::vector<std::string>& scope) {
  std::vector<std::string> argv{bin("lookout"), "token", "create", "--role", role, "--name", name};
  argv.insert(argv.end(), scope.begin(), scope.end());
  argv.push_back("--db");
  argv.push_back(db.string());
  Process cli(argv, db.parent_path() / "token.log");
  const auto line = cli.wait_for_line("lk_", std::chrono::seconds(10));
  eventually([&] { return !cli.running(); }, HUNG_RUN);  // let it finish, not SIGTERM it
  const int status = cli.stop();
  if (!line || status != 0) {
    throw std::runtime_error("lookout token create failed (exit status " + std::to_string(status) +
                             "): " + cli.stderr_text());
  }
  return *line;
}

std::string Deployment::create_token(const std::string& role, const std::string& name,
                                     const std::vector<std::string>& scope) {
  return test::create_token(database(), role, name, scope);
}

std::filesystem::path Deployment::gateway_data_dir() const {
  return options.gateway_data_dir.empty() ? dir / "gateway-data" : options.gateway_data_dir;
}

std::filesystem::path Deployment::database() const {
  return options.database.empty() ? dir / "lookout.db" : options.database;
}

void Deployment::start_gateway() {
  std::vector<std::string> argv;
  if (!options.gateway_env.empty()) {
    // env(1) sets them and execs the gateway in its place: the same process.
    argv.push_back("env");
    argv.insert(argv.end(), options.gateway_env.begin(), options.gateway_env.end());
  }
  argv.insert(argv.end(), {bin("lookout-gateway"), "--config", (dir / "site.toml").string()});
  gateway = std::make_unique<Process>(std::move(argv), dir / "gateway.log");
}

std::vector<std::int64_t> Deployment::stored_seqs() {
  sqlite3* db = nullptr;
  std::vector<std::int64_t> out;
  if (sqlite3_open_v2(database().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    // readings are appended in arrival order: rowid order is the order of storage
    if (sqlite3_prepare_v2(db, "SELECT seq FROM readings WHERE gateway = ?1 ORDER BY rowid", -1, &s,
                           nullptr) == SQLITE_OK) {
      sqlite3_bind_text(s, 1, GATEWAY, -1, SQLITE_STATIC);
      while (sqlite3_step(s) == SQLITE_ROW) {
        const auto seq = sqlite3_column_int64(s, 0);
        if (out.empty() || out.back() != seq) out.push_back(seq);
      }
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return out;
}

std::int64_t Deployment::query(const std::string& sql) const {
  sqlite3* db = nullptr;
  std::int64_t out = -1;
  if (sqlite3_open_v2(database().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 2000);
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
      out = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return out;
}

std::vector<double> Deployment::stored_values(const std::string& point) {
  sqlite3* db = nullptr;
  std::vector<double> out;
  if (sqlite3_open_v2(database().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);  // the aggregator holds its write lock for one batch at most
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT value FROM readings WHERE gateway = ?1 AND point = ?2 ORDER BY rowid", -1, &s,
                           nullptr) == SQLITE_OK) {
      sqlite3_bind_text(s, 1, GATEWAY, -1, SQLITE_STATIC);
      sqlite3_bind_text(s, 2, point.c_str(), -1, SQLITE_TRANSIENT);
      while (sqlite3_step(s) == SQLITE_ROW) {
        out.push_back(sqlite3_column_type(s, 0) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 0));
      }
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return out;
}

std::vector<QueuedBatch> queued_batches(const std::filesystem::path& data_dir) {
  sqlite3* db = nullptr;
  std::vector<QueuedBatch> out;
  if (sqlite3_open_v2((data_dir / "outbox.sqlite").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);  // the gateway holds its write lock for one append at most
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT seq, payload FROM outbox ORDER BY seq", -1, &s, nullptr) == SQLITE_OK) {
      while (sqlite3_step(s) == SQLITE_ROW) {
        out.push_back({sqlite3_column_int64(s, 0),
                       nlohmann::json::parse(reinterpret_cast<const char*>(sqlite3_column_text(s, 1)))});
      }
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return out;
}

std::size_t Deployment::queued_at(const std::string& point, double value) {
  std::size_t n = 0;
  for (const auto& b : outbox()) {
    for (const auto& r : b.readings) {
      n += r["point"] == point && r["value"].is_number() && std::fabs(r["value"].get<double>() - value) < 1e-6;
    }
  }
  return n;
}

Deployment::~Deployment() {
  // Each stop is checked: a process that does not stop on SIGTERM is a defect.
  if (gateway) CHECK_MESSAGE(gateway->stop() == 0, gateway->stderr_text());
  if (aggregator) CHECK_MESSAGE(aggregator->stop() == 0, aggregator->stderr_text());
  if (sim) CHECK_MESSAGE(sim->stop() == 0, sim->stderr_text());
  if (broker) broker->stop();
}

void Deployment::sim_set(const std::string& device, const std::string& field, const std::string& value) {
  const auto answer = send_line(control_port, "set " + device + " " + field + " " + value);
  REQUIRE_MESSAGE(answer == "ok", "lookout-sim answered: " << answer);
}

nlohmann::json Deployment::status_of(const std::string& point) {
  const auto res = http_request(http_port, "GET", "/api/v1/status", "", token);
  if (res.status != 200) return nullptr;
  const auto j = nlohmann::json::parse(res.body);
  for (const auto& p : j["points"]) {
    if (p["point"] == point) return p;
  }
  return nullptr;
}

bool Deployment::wait_status(const std::string& point, const std::function<bool(const nlohmann::json&)>& pred) {
  return eventually(
      [&] {
        const auto p = status_of(point);
        return !p.is_null() && pred(p);
      },
      std::chrono::seconds(15));
}

}  // namespace lookout::test
