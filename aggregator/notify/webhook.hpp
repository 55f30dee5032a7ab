#pragma once
// Notifications as JSON POSTed to a URL (Boost.Beast on the aggregator's io_context).
// A queue per webhook, one request in flight: a slow or dead receiver only makes its own
// queue longer, never ingest slower. A failed attempt (no connection, timeout, any answer
// but 2xx) is retried with a doubling delay, bounded in delay and in attempts; a notice
// answered 2xx is never sent again. Each body carries the notice's id, so a receiver can
// drop the copy it gets when its answer was lost on the way back.
//
// An https:// URL goes over TLS (OpenSSL): the server's certificate must chain to the
// system's CAs, or to `ca_file` when one is given, and name the URL's host (DNS name or IP
// address). A failed handshake is a failed attempt like any other, logged with the reason.

#include <utility>  // before Asio (debian-notes.md)

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "aggregator/notify/channel_stats.hpp"
#include "aggregator/notify/settings.hpp"

namespace lookout::aggregator::notify {

using WebhookStats = ChannelStats;

class Webhook {
 public:
  /// Throws when an https webhook's ca_file cannot be loaded.
  Webhook(boost::asio::io_context& io, WebhookSettings settings);
  ~Webhook();
  Webhook(const Webhook&) = delete;
  Webhook& operator=(const Webhook&) = delete;

  /// Queues one JSON body with its notice id; returns at once. `row`: its outbox row, if any.
  void enqueue(std::string id, std::string body, std::int64_t row = 0);
  /// Called with an item's row when it leaves the queue for good: delivered, given up or dropped.
  void on_settled(std::function<void(std::int64_t row)> f) { settled_ = std::move(f); }
  const WebhookSettings& settings() const { return settings_; }
  WebhookStats stats() const;

 private:
  struct Item {
    std::string id;
    std::string body;
    std::int64_t row = 0;
    int attempts = 0;
  };
  template <typename Stream>
  struct Attempt;
  void next();
  void finished(bool ok, const std::string& why);
  void settle(const Item& item);

  boost::asio::io_context& io_;
  WebhookSettings settings_;
  boost::asio::ssl::context tls_;
  std::function<void(std::int64_t)> settled_;
  std::deque<Item> queue_;
  bool busy_ = false;
  boost::asio::steady_timer backoff_;
  WebhookStats stats_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace lookout::aggregator::notify
