#pragma once
// Boost.Beast HTTP/1.1 server for HttpApi, on the aggregator's io_context (one thread).
// Limits on header size, body size, time per request (a connection that has not sent a
// whole request 15 s after it opened or was last answered is closed: idle keep-alives and
// slowloris alike), requests per client address (429), and connections overall and per
// client address (connection_table.hpp; 503 when refused). Anything malformed gets a JSON
// 400. A failed accept (out of files) is logged and retried after 100 ms, never spun on.
// Also serves the event stream (server-sent events).

#include <utility>  // before Asio (debian-notes.md)

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>

#include "aggregator/connection_table.hpp"
#include "aggregator/event_hub.hpp"
#include "aggregator/http_api.hpp"
#include "aggregator/rate_limiter.hpp"

namespace lookout::aggregator {

/// [bytes] the largest request header and body the server reads; beyond, 413.
inline constexpr std::uint32_t HTTP_HEADER_LIMIT = 8 * 1024;
inline constexpr std::uint64_t HTTP_BODY_LIMIT = 64 * 1024;

struct HttpLimits {
  double rate = 50;  ///< [requests/s] per client address
  int burst = 200;   ///< [requests] per client address at once
  ConnectionTable::Limits connections;
};

class HttpServer {
 public:
  /// Binds at once (port 0: any free port); throws naming the address when it cannot.
  HttpServer(boost::asio::io_context& io, const std::string& host, int port, const HttpApi& api, EventHub& hub,
             HttpLimits limits, std::function<std::int64_t()> now_ms);
  void start();
  void stop();
  boost::asio::ip::tcp::endpoint endpoint() const;

 private:
  void accept();
  void admit(boost::asio::ip::tcp::socket socket);
  /// True at most once a minute per `last_ms`, which it updates.
  static bool may_log(std::int64_t& last_ms);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  const HttpApi& api_;
  EventHub& hub_;
  std::shared_ptr<RateLimiter> limiter_;
  std::shared_ptr<ConnectionTable> table_;
  std::function<std::int64_t()> now_ms_;
  std::uint64_t accept_failures_ = 0;
  std::uint64_t made_room_ = 0;
  std::uint64_t refused_ = 0;
  std::int64_t last_accept_log_ms_ = 0;
  std::int64_t last_full_log_ms_ = 0;
  std::int64_t last_client_log_ms_ = 0;
};

}  // namespace lookout::aggregator
