#pragma once
// The messages from the broker on their way to the io thread, which stores them. The MQTT
// client's thread pushes; the io thread takes them a turn at a time (64 messages), then
// lets everything else that waits run (HTTP requests, /healthz, timers) before the next
// turn. A backlog of twenty thousand batches after an outage so delays an answer by one
// turn, not by the whole drain. A turn is also the unit of durability: the owner opens one
// transaction before it (`turn_begin`) and commits it, one sync to disk for the lot, after
// it (`turn_end`), then answers for what it stored.

#include <utility>  // before Asio (debian-notes.md)

#include <boost/asio/io_context.hpp>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

namespace lookout::aggregator {

class IngestQueue {
 public:
  using Handler = std::function<void(const std::string& topic, const std::string& payload)>;
  static constexpr std::size_t TURN = 64;  ///< messages handled before others may run

  /// `now_ms`: a monotonic clock [ms], for how long a message waited. `turn_begin` and
  /// `turn_end` (optional) run before the first and after the last message of each turn.
  IngestQueue(boost::asio::io_context& io, Handler handler, std::function<std::int64_t()> now_ms,
              std::function<void()> turn_begin = {}, std::function<void()> turn_end = {});

  /// From any thread.
  void push(std::string topic, std::string payload);
  /// Received and not yet handled (any thread).
  std::size_t pending() const { return pending_.load(); }
  /// [ms] how long the last message handled had waited (io thread).
  std::int64_t lag_ms() const { return lag_ms_; }

 private:
  struct Message {
    std::string topic;
    std::string payload;
    std::int64_t at_ms;
  };
  void turn();

  boost::asio::io_context& io_;
  Handler handler_;
  std::function<std::int64_t()> now_ms_;
  std::function<void()> turn_begin_;
  std::function<void()> turn_end_;
  std::mutex mutex_;
  std::deque<Message> waiting_;  ///< guarded by mutex_
  bool turn_posted_ = false;     ///< guarded by mutex_
  std::atomic<std::size_t> pending_{0};
  std::int64_t lag_ms_ = 0;
};

}  // namespace lookout::aggregator
