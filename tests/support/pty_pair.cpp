#include "tests/support/pty_pair.hpp"

#include <stdexcept>

namespace lookout::test {

PtyPair::PtyPair(const TempDir& dir) : master_(dir / "master-pty"), sim_(dir / "sim-pty") {
  socat_ = std::make_unique<Process>(std::vector<std::string>{"socat", "-d", "-d",
                                                              "pty,raw,echo=0,link=" + master_.string(),
                                                              "pty,raw,echo=0,link=" + sim_.string()},
                                     dir / "socat.log");
  if (!eventually([&] { return std::filesystem::exists(master_) && std::filesystem::exists(sim_); }, HUNG_RUN)) {
    throw std::runtime_error("socat made no pty pair: " + socat_->stderr_text());
  }
}

}  // namespace lookout::test
