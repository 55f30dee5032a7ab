#pragma once
// A whole local deployment for end-to-end tests: Mosquitto on a random loopback port,
// lookout-sim, one gateway and the aggregator, each a real process, all stopped at the end.

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/broker.hpp"
#include "tests/support/mqtt_probe.hpp"
#include "tests/support/process.hpp"

namespace lookout::test {

/// A batch a gateway holds in its outbox: written, not yet acknowledged by the aggregator.
struct QueuedBatch {
  std::int64_t seq = 0;
  nlohmann::json readings;  ///< the batch's readings, a JSON array as the gateway sends them
};

/// A gateway's outbox (DATA_DIR/outbox.sqlite) as it is now, oldest first; empty while it
/// does not exist yet. A batch is in it once the edge logic has acted on its readings.
std::vector<QueuedBatch> queued_batches(const std::filesystem::path& data_dir);

struct DeploymentOptions {
  int poll_ms = 250;              ///< of every simulated device
  int publish_interval_ms = 100;  ///< of the gateway
  std::string http_toml = "";     ///< more keys of the aggregator's [http] table
  std::string broker_config = ""; ///< more mosquitto.conf lines (Broker's extra_config)
  std::filesystem::path gateway_data_dir = "";  ///< the gateway's data_dir; empty: DIR/gateway-data
  std::filesystem::path database = "";          ///< the aggregator's database; empty: DIR/lookout.db
  std::vector<std::string> gateway_env = {};    ///< NAME=VALUE more in the gateway's environment
  std::string gateway_toml = "";                ///< more keys of the site file's [gateway] table
};

class Deployment {
 public:
  /// `aggregator_toml` is appended to the aggregator's configuration.
  explicit Deployment(DeploymentOptions options = {}, const std::string& aggregator_toml = "");
  ~Deployment();

  /// Starts the gateway (again) on the same site file and data directory.
  void start_gateway();
  /// Starts the aggregator (again) on the same configuration and database.
  void start_aggregator();
  /// Runs `lookout token create --role ROLE --name NAME [SCOPE...] --db` on our database;
  /// returns the token it prints.
  std::string create_token(const std::string& role, const std::string& name,
                           const std::vector<std::string>& scope = {});
  /// The batch sequence numbers of our gateway in the order the aggregator stored them.
  std::vector<std::int64_t> stored_seqs();
  /// One integer from the aggregator's database, read-only (it keeps writing meanwhile);
  /// -1 when the query answers nothing.
  std::int64_t query(const std::string& sql) const;
  /// The values of our gateway's `point` the aggregator stored, in the order it stored them
  /// (null as NaN).
  std::vector<double> stored_values(const std::string& point);
  /// Our gateway's outbox as it is now (queued_batches of its data directory).
  std::vector<QueuedBatch> outbox() { return queued_batches(gateway_data_dir()); }
  /// The gateway's data_dir and the aggregator's database, as the options say.
  std::filesystem::path gateway_data_dir() const;
  std::filesystem::path database() const;
  /// How many readings of `point` waiting in our gateway's outbox are within 1e-6 of `value`:
  /// the gateway has measured the value (and acted on it at the edge) once this is > 0.
  std::size_t queued_at(const std::string& point, double value);

  /// `set DEVICE FIELD VALUE` on the simulator; CHECKs the answer is ok.
  void sim_set(const std::string& device, const std::string& field, const std::string& value);
  /// GET /api/v1/status, the point's entry (or null when absent).
  nlohmann::json status_of(const std::string& point);
  /// Waits until the point's status entry satisfies `pred`.
  bool wait_status(const std::string& point, const std::function<bool(const nlohmann::json&)>& pred);

  DeploymentOptions options;
  TempDir dir;
  std::unique_ptr<Broker> broker;
  std::unique_ptr<Process> sim;
  std::unique_ptr<Process> aggregator;
  std::unique_ptr<Process> gateway;
  int modbus_port = 0;
  int control_port = 0;
  int http_port = 0;
  std::string token;  ///< an engineer's: reads everything, acknowledges and shelves

  int runs_ = 0;  ///< aggregator starts so far

  static constexpr const char* ENTERPRISE = "xj-mine";
  static constexpr const char* SITE = "mine-1";
  static constexpr const char* GATEWAY = "gw-1";
  static constexpr const char* DIVISION = "430211";  ///< of ENTERPRISE (Zhuzhou city, 4302)
};

/// Runs `lookout token create --role ROLE --name NAME [SCOPE...] --db DB`; returns the
/// token it prints (throws when it fails).
std::string create_token(const std::filesystem::path& db, const std::string& role, const std::string& name,
                         const std::vector<std::string>& scope = {});

/// The port in a line that ends with "127.0.0.1:PORT" or "127.0.0.1:PORT/...".
int port_in(const std::string& line);

}  // namespace lookout::test
