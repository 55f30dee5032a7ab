#pragma once
// Boost.Beast HTTP/1.1 server for HttpApi, on the aggregator's io_context. Limits on
// header size, body size and time per request; anything malformed gets a JSON 400.

#include <utility>  // before Asio (debian-notes.md)

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>

#include "aggregator/http_api.hpp"

namespace lookout::aggregator {

class HttpServer {
 public:
  /// Binds at once (port 0: any free port); throws naming the address when it cannot.
  HttpServer(boost::asio::io_context& io, const std::string& host, int port, const HttpApi& api,
             std::function<std::int64_t()> now_ms);
  void start();
  void stop();
  boost::asio::ip::tcp::endpoint endpoint() const;

 private:
  void accept();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  const HttpApi& api_;
  std::function<std::int64_t()> now_ms_;
};

}  // namespace lookout::aggregator
