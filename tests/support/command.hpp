#pragma once
// Runs a program to the end, for tests of command-line tools: its exit status, stdout and
// stderr. Killed (and reported as 128+9) if it runs past the timeout or the test binary dies.

#include <chrono>
#include <string>
#include <vector>

namespace lookout::test {

struct CommandResult {
  int status = -1;  ///< exit status, or 128+signal
  std::string out;
  std::string err;
};

CommandResult run_command(std::vector<std::string> argv, std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace lookout::test
