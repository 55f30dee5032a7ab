#include "gateway/persistent_counters.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace lookout::gateway {

PersistentCounters::PersistentCounters(std::filesystem::path data_dir) : file_(data_dir / "counters.json") {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) throw std::runtime_error(data_dir.string() + ": cannot create the data directory: " + ec.message());
  if (std::filesystem::exists(file_)) {
    std::ifstream in(file_);
    std::stringstream text;
    text << in.rdbuf();
    const auto j = nlohmann::json::parse(text.str(), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("boot") || !j.contains("seq") ||
        !j["boot"].is_number_unsigned() || !j["seq"].is_number_unsigned()) {
      throw std::runtime_error(file_.string() +
                               ": corrupt counters file; restore it, or move it away only if this gateway's "
                               "sequence may restart (the aggregator will see it go back)");
    }
    boot_ = j["boot"].get<std::uint64_t>();
    seq_ = j["seq"].get<std::uint64_t>();
  }
  ++boot_;
  save();
}

std::uint64_t PersistentCounters::next_seq() {
  ++seq_;
  save();
  return seq_;
}

void PersistentCounters::save() const {
  const std::string text = nlohmann::json{{"boot", boot_}, {"seq", seq_}}.dump() + "\n";
  const auto tmp = file_.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(tmp + ": " + std::strerror(errno));
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(tmp.c_str(), file_.c_str()) != 0) {
    throw std::runtime_error(file_.string() + ": cannot save counters: " + std::strerror(errno));
  }
}

}  // namespace lookout::gateway
