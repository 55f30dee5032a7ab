#pragma once
// Notifications through a program (e.g. an SMS gateway's command-line client): the message
// on its standard input, who and how urgent in its environment. Never through a shell.
// The programs run one at a time on a thread of their own, so a slow one never holds up
// ingest; each has a timeout, after which it (and its process group) is killed.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "aggregator/notify/channel_stats.hpp"
#include "aggregator/notify/settings.hpp"

namespace lookout::aggregator::notify {

struct CommandResult {
  bool started = false;
  bool timed_out = false;
  int exit_status = -1;  ///< the program's exit status, or 128 + signal
  std::string error;     ///< why it did not start
  bool ok() const { return started && !timed_out && exit_status == 0; }
};

/// Runs argv[0] (an absolute path) with `input` on stdin and `env` added to the
/// aggregator's environment; its stdout goes to the aggregator's stderr (the log).
CommandResult run_command(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                          const std::string& input, std::int64_t timeout_ms);

class CommandHook {
 public:
  explicit CommandHook(CommandHookSettings settings);
  /// Waits for the program running now (at most its timeout); what is still queued is logged.
  ~CommandHook();
  CommandHook(const CommandHook&) = delete;
  CommandHook& operator=(const CommandHook&) = delete;

  /// Queues one message; never blocks on the program. `row`: its outbox row, if any.
  void enqueue(std::string text, std::map<std::string, std::string> env, std::int64_t row = 0);
  /// Called (on the hook's thread) with a message's row when it leaves the queue for good:
  /// sent, given up or dropped; not when the aggregator stops before that. Set before enqueue.
  void on_settled(std::function<void(std::int64_t row)> f) { settled_ = std::move(f); }
  const CommandHookSettings& settings() const { return settings_; }
  ChannelStats stats();

 private:
  struct Job {
    std::string text;
    std::map<std::string, std::string> env;
    std::int64_t row = 0;
  };
  void worker();
  void settle(std::int64_t row);

  CommandHookSettings settings_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool running_ = false;  ///< a job is out of the queue, being tried
  bool stopping_ = false;
  ChannelStats stats_;
  std::function<void(std::int64_t)> settled_;
  std::thread thread_;
};

}  // namespace lookout::aggregator::notify
