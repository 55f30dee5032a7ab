#pragma once
// Notifications as JSON POSTed to a URL (Boost.Beast on the aggregator's io_context).
// A queue per webhook, one request in flight: a slow or dead receiver only makes its own
// queue longer, never ingest slower. A failed attempt (no connection, timeout, any answer
// but 2xx) is retried with a doubling delay, bounded in delay and in attempts; a notice
// answered 2xx is never sent again. Each body carries the notice's id, so a receiver can
// drop the copy it gets when its answer was lost on the way back.

#include <utility>  // before Asio (debian-notes.md)

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "aggregator/notify/settings.hpp"

namespace lookout::aggregator::notify {

struct WebhookStats {
  std::uint64_t delivered = 0;
  std::uint64_t failed_attempts = 0;
  std::uint64_t given_up = 0;  ///< after max_attempts
  std::uint64_t dropped = 0;   ///< queue full
  std::size_t queued = 0;
};

class Webhook {
 public:
  Webhook(boost::asio::io_context& io, WebhookSettings settings);
  ~Webhook();
  Webhook(const Webhook&) = delete;
  Webhook& operator=(const Webhook&) = delete;

  /// Queues one JSON body with its notice id; returns at once.
  void enqueue(std::string id, std::string body);
  const WebhookSettings& settings() const { return settings_; }
  WebhookStats stats() const;

 private:
  struct Item {
    std::string id;
    std::string body;
    int attempts = 0;
  };
  struct Attempt;
  void next();
  void finished(bool ok, const std::string& why);

  boost::asio::io_context& io_;
  WebhookSettings settings_;
  std::deque<Item> queue_;
  bool busy_ = false;
  boost::asio::steady_timer backoff_;
  WebhookStats stats_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace lookout::aggregator::notify
