#pragma once
// Talks to lookout-sim's control port: one line out, one line back.

#include <string>

namespace lookout::test {

/// Sends `line` to 127.0.0.1:port and returns the answer line (without the newline).
std::string send_line(int port, const std::string& line);

}  // namespace lookout::test
