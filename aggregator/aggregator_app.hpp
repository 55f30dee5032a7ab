#pragma once
// The aggregator's runtime: one io_context thread owns ingest, storage and the HTTP API;
// MQTT messages are posted onto it from Paho's thread.

#include <memory>

#include "aggregator/config.hpp"

namespace lookout::aggregator {

class AggregatorApp {
 public:
  explicit AggregatorApp(AggregatorConfig config);
  ~AggregatorApp();
  /// Runs until SIGINT or SIGTERM; returns the exit status.
  int run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lookout::aggregator
