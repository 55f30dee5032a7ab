#pragma once
// A pseudo-terminal pair made by socat, the two ends of one RS-485 line for the tests: the
// master's end (the gateway's, or lookout scan's) and the simulator's. socat stops with it.

#include <filesystem>
#include <memory>

#include "tests/support/process.hpp"

namespace lookout::test {

class PtyPair {
 public:
  /// Links DIR/master-pty and DIR/sim-pty to the two ends; throws when socat makes none
  /// within HUNG_RUN, with what it said.
  explicit PtyPair(const TempDir& dir);

  const std::filesystem::path& master() const { return master_; }
  const std::filesystem::path& sim() const { return sim_; }

 private:
  std::filesystem::path master_;
  std::filesystem::path sim_;
  std::unique_ptr<Process> socat_;
};

}  // namespace lookout::test
