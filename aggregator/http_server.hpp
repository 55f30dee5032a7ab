#pragma once
// Boost.Beast HTTP/1.1 server for HttpApi, on the aggregator's io_context. Limits on
// header size, body size, time per request and requests per client address (429);
// anything malformed gets a JSON 400. Also serves the event stream (server-sent events).

#include <utility>  // before Asio (debian-notes.md)

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>

#include "aggregator/event_hub.hpp"
#include "aggregator/http_api.hpp"
#include "aggregator/rate_limiter.hpp"

namespace lookout::aggregator {

struct HttpLimits {
  double rate = 50;  ///< [requests/s] per client address
  int burst = 200;   ///< [requests] per client address at once
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

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  const HttpApi& api_;
  EventHub& hub_;
  std::shared_ptr<RateLimiter> limiter_;
  std::function<std::int64_t()> now_ms_;
};

}  // namespace lookout::aggregator
