#include "gateway/latched_keeper.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "firmware/log.hpp"

namespace lookout::gateway {

LatchedKeeper::LatchedKeeper(std::filesystem::path data_dir) : file_(std::move(data_dir) / FILE_NAME) {
  thread_ = std::jthread([this](std::stop_token st) { run(st); });
}

LatchedKeeper::~LatchedKeeper() {
  thread_.request_stop();
  wake_.notify_all();
  thread_.join();
  std::vector<std::string> names;
  {
    std::lock_guard<std::mutex> g(mutex_);
    if (saved_gen_ == wanted_gen_) return;
    names = wanted_;
  }
  if (const auto why = write(names); !why.empty()) {
    log::error("gateway", file_.string() + ": the latched interlocks are not kept at the stop: " + why +
                              "; a restart will not find them tripped");
  }
}

std::vector<std::string> LatchedKeeper::load() const {
  std::ifstream in(file_);
  if (!in) return {};
  const auto j = nlohmann::json::parse(in, nullptr, false);
  std::vector<std::string> out;
  if (j.is_discarded() || !j.is_object() || !j.contains("latched") || !j["latched"].is_array()) {
    log::error("gateway", file_.string() + ": unreadable; latched interlocks are not restored");
    return out;
  }
  for (const auto& n : j["latched"]) {
    if (n.is_string()) out.push_back(n.get<std::string>());
  }
  return out;
}

void LatchedKeeper::keep(std::vector<std::string> names) {
  {
    std::lock_guard<std::mutex> g(mutex_);
    wanted_ = std::move(names);
    ++wanted_gen_;
  }
  wake_.notify_all();
}

bool LatchedKeeper::saved() const {
  std::lock_guard<std::mutex> g(mutex_);
  return saved_gen_ == wanted_gen_;
}

std::string LatchedKeeper::write(const std::vector<std::string>& names) const {
  const auto tmp = file_.string() + ".new";
  const std::string text = nlohmann::json{{"latched", names}}.dump() + "\n";
  const auto failed = [](const char* step) { return std::string(step) + ": " + std::strerror(errno); };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return failed("open");
  std::string why;
  errno = 0;  // a short write sets none
  if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    why = errno != 0 ? failed("write") : "write: short";
  } else if (::fsync(fd) != 0) {
    why = failed("fsync");
  }
  ::close(fd);
  if (!why.empty()) return why;
  if (::rename(tmp.c_str(), file_.c_str()) != 0) return failed("rename");
  // The rename itself is on disk only once the directory is.
  const int dir = ::open(file_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return failed("open the directory");
  const bool synced = ::fsync(dir) == 0;
  why = synced ? "" : failed("fsync the directory");
  ::close(dir);
  return why;
}

void LatchedKeeper::run(std::stop_token stop) {
  std::mutex sleep_mutex;
  bool failing = false;
  while (!stop.stop_requested()) {
    std::vector<std::string> names;
    std::uint64_t gen = 0;
    {
      std::unique_lock<std::mutex> lk(mutex_);
      if (!wake_.wait(lk, stop, [this] { return saved_gen_ != wanted_gen_; })) return;
      names = wanted_;
      gen = wanted_gen_;
    }
    const std::string why = write(names);
    if (why.empty()) {
      {
        std::lock_guard<std::mutex> g(mutex_);
        saved_gen_ = std::max(saved_gen_, gen);
      }
      if (failing) log::info("gateway", file_.string() + ": the latched interlocks are kept on disk again");
      failing = false;
      continue;
    }
    if (!failing) {
      log::error("gateway", file_.string() + ": cannot keep the latched interlocks: " + why + "; trying again every " +
                                std::to_string(RETRY_MS) + " ms (the interlocks themselves act as always)");
    }
    failing = true;
    std::unique_lock<std::mutex> lk(sleep_mutex);
    wake_.wait_for(lk, stop, std::chrono::milliseconds(RETRY_MS), [] { return false; });
  }
}

}  // namespace lookout::gateway
