#include "aggregator/http_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "firmware/log.hpp"

namespace lookout::aggregator {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

constexpr std::uint32_t HEADER_LIMIT = 8 * 1024;   // [bytes]
constexpr std::uint64_t BODY_LIMIT = 64 * 1024;    // [bytes]
constexpr auto REQUEST_TIMEOUT = std::chrono::seconds(15);

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpApi& api, std::function<std::int64_t()> now_ms)
      : stream_(std::move(socket)), api_(api), now_ms_(std::move(now_ms)) {}

  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(HEADER_LIMIT);
    parser_->body_limit(BODY_LIMIT);
    stream_.expires_after(REQUEST_TIMEOUT);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == boost::asio::error::eof ||
        ec == boost::asio::error::connection_reset) {
      close();
      return;
    }
    if (ec) {
      // Oversized or malformed: answer once, then close.
      const int status = ec == http::error::header_limit || ec == http::error::body_limit ? 413 : 400;
      reply(json_error(status, "bad request: " + ec.message()), false, http::verb::unknown);
      return;
    }
    auto& req = parser_->get();
    const HttpResponse res =
        api_.handle({std::string(req.method_string()), std::string(req.target())}, now_ms_());
    reply(res, req.keep_alive(), req.method());
  }

  void reply(const HttpResponse& res, bool keep_alive, http::verb method) {
    auto msg = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(res.status), 11);
    msg->set(http::field::server, "lookout-aggregator");
    msg->set(http::field::content_type, res.content_type);
    msg->set(http::field::cache_control, "no-store");
    msg->keep_alive(keep_alive);
    if (method != http::verb::head) msg->body() = res.body;
    msg->prepare_payload();
    if (method == http::verb::head) msg->content_length(res.body.size());
    http::async_write(stream_, *msg, [self = shared_from_this(), msg, keep_alive](beast::error_code ec, std::size_t) {
      if (ec || !keep_alive) {
        self->close();
        return;
      }
      self->read();
    });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const HttpApi& api_;
  std::function<std::int64_t()> now_ms_;
};

}  // namespace

HttpServer::HttpServer(boost::asio::io_context& io, const std::string& host, int port, const HttpApi& api,
                       std::function<std::int64_t()> now_ms)
    : io_(io), acceptor_(io), api_(api), now_ms_(std::move(now_ms)) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  if (ec) throw std::runtime_error("http.listen: \"" + host + "\" is not an IP address");
  const tcp::endpoint ep(address, static_cast<unsigned short>(port));
  acceptor_.open(ep.protocol());
  acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
  acceptor_.bind(ep, ec);
  if (ec) throw std::runtime_error("http: cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  acceptor_.listen();
}

boost::asio::ip::tcp::endpoint HttpServer::endpoint() const { return acceptor_.local_endpoint(); }

void HttpServer::start() { accept(); }

void HttpServer::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void HttpServer::accept() {
  acceptor_.async_accept(boost::asio::make_strand(io_), [this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted) return;
    if (!ec) std::make_shared<Session>(std::move(socket), api_, now_ms_)->start();
    accept();
  });
}

}  // namespace lookout::aggregator
