#include "aggregator/http_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <sstream>

#include "firmware/log.hpp"

namespace lookout::aggregator {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

constexpr auto REQUEST_TIMEOUT = std::chrono::seconds(15);
constexpr auto KEEPALIVE_PERIOD = std::chrono::seconds(15);  // comment lines on an idle event stream
constexpr std::size_t MAX_STREAMS = 100;       // event-stream clients at once
constexpr std::size_t MAX_QUEUED_FRAMES = 1000;  // a client this far behind is dropped
constexpr auto ACCEPT_RETRY = std::chrono::milliseconds(100);  // after a failed accept (out of files)
constexpr std::int64_t LOG_EVERY_MS = 60'000;                  // one warning a minute of each kind

std::int64_t monotonic_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class Session : public std::enable_shared_from_this<Session>,
                public EventHub::Subscriber,
                public ConnectionTable::Member {
 public:
  Session(tcp::socket socket, const HttpApi& api, EventHub& hub, std::shared_ptr<RateLimiter> limiter,
          std::shared_ptr<ConnectionTable> table, std::function<std::int64_t()> now_ms)
      : stream_(std::move(socket)),
        api_(api),
        hub_(hub),
        limiter_(std::move(limiter)),
        table_(std::move(table)),
        now_ms_(std::move(now_ms)) {
    beast::error_code ec;
    const auto remote = stream_.socket().remote_endpoint(ec);
    client_ = ec ? "unknown" : remote.address().to_string();
  }
  ~Session() override { table_->leave(id_); }

  const std::string& client() const { return client_; }

  /// Admitted to the table as `id`: serve it.
  void start(ConnectionTable::Id id) {
    id_ = id;
    read();
  }

  /// Not admitted: one 503 without reading the request, then close.
  void refuse(const std::string& why) {
    api_.count(503);
    auto res = json_error(503, why);
    res.headers.emplace_back("Retry-After", "5");
    reply(res, false, http::verb::unknown);
  }

  /// Closed by the table to make room for a new connection (it was waiting for a request).
  void drop() override {
    boost::asio::post(stream_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      self->stream_.socket().close(ignored);
    });
  }

  void deliver(const std::string& frame) override {
    boost::asio::post(stream_.get_executor(), [self = shared_from_this(), frame] { self->queue(frame); });
  }

 private:
  void read() {
    table_->waiting(id_);
    parser_.emplace();
    parser_->header_limit(HTTP_HEADER_LIMIT);
    parser_->body_limit(HTTP_BODY_LIMIT);
    stream_.expires_after(REQUEST_TIMEOUT);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == boost::asio::error::eof ||
        ec == boost::asio::error::connection_reset || ec == boost::asio::error::operation_aborted ||
        ec == boost::asio::error::bad_descriptor) {
      close();  // gone, too slow, or closed to make room
      return;
    }
    table_->busy(id_);
    if (ec) {
      // Oversized or malformed: answer once, then close.
      const int status = ec == http::error::header_limit || ec == http::error::body_limit ? 413 : 400;
      api_.count(status);
      reply(json_error(status, "bad request: " + ec.message()), false, http::verb::unknown);
      return;
    }
    auto& req = parser_->get();
    if (!limiter_->allow(client_, monotonic_ms())) {
      api_.count(429);
      auto res = json_error(429, "too many requests from " + client_ + "; slow down");
      res.headers.emplace_back("Retry-After", "1");
      reply(res, false, req.method());
      return;
    }
    HttpRequest request{std::string(req.method_string()), std::string(req.target()),
                        std::string(req[http::field::authorization]), std::move(req.body())};
    HttpResponse res = api_.handle(request, now_ms_());
    if (res.stream) {
      if (hub_.subscribers() >= MAX_STREAMS) {
        reply(json_error(503, "too many event-stream clients; try again later"), false, req.method());
        return;
      }
      start_stream(std::move(res.stream));
      return;
    }
    reply(res, req.keep_alive(), req.method());
  }

  void reply(const HttpResponse& res, bool keep_alive, http::verb method) {
    auto msg = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(res.status), 11);
    msg->set(http::field::server, "lookout-aggregator");
    msg->set(http::field::content_type, res.content_type);
    msg->set(http::field::cache_control, "no-store");
    for (const auto& [k, v] : res.headers) msg->set(k, v);
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

  /// The event stream: a header without a length, then frames until either side closes.
  void start_stream(EventHub::Visible visible) {
    stream_.expires_never();
    http::response<http::empty_body> head(http::status::ok, 11);
    head.set(http::field::server, "lookout-aggregator");
    head.set(http::field::content_type, "text/event-stream");
    head.set(http::field::cache_control, "no-store");
    head.keep_alive(false);
    std::ostringstream text;
    text << head.base();
    queue(text.str() + ": lookout event stream\n\n");
    hub_.subscribe(std::static_pointer_cast<EventHub::Subscriber>(shared_from_this()), std::move(visible));
    watch_peer();
    keepalive();
  }

  /// Reads and drops what the client sends, to notice at once when it goes away.
  void watch_peer() {
    stream_.socket().async_read_some(boost::asio::buffer(scratch_),
                                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                        if (ec) {
                                          self->close();
                                          return;
                                        }
                                        self->watch_peer();
                                      });
  }

  void keepalive() {
    timer_.expires_after(KEEPALIVE_PERIOD);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      self->queue(": keep-alive\n\n");
      self->keepalive();
    });
  }

  void queue(const std::string& frame) {
    if (closed_) return;
    if (frames_.size() >= MAX_QUEUED_FRAMES) {
      log::warn("http", "event-stream client " + client_ + " is too slow; dropped");
      close();
      return;
    }
    frames_.push_back(frame);
    if (frames_.size() == 1) write_next();
  }

  void write_next() {
    boost::asio::async_write(stream_.socket(), boost::asio::buffer(frames_.front()),
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                               if (ec) {
                                 self->close();
                                 return;
                               }
                               self->frames_.pop_front();
                               if (!self->frames_.empty()) self->write_next();
                             });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    timer_.cancel();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const HttpApi& api_;
  EventHub& hub_;
  std::shared_ptr<RateLimiter> limiter_;
  std::shared_ptr<ConnectionTable> table_;
  ConnectionTable::Id id_ = 0;  ///< 0: not in the table (refused)
  std::function<std::int64_t()> now_ms_;
  std::string client_;
  // Event stream only.
  std::deque<std::string> frames_;
  boost::asio::steady_timer timer_{stream_.get_executor()};
  std::array<char, 512> scratch_{};
  bool closed_ = false;
};

}  // namespace

HttpServer::HttpServer(boost::asio::io_context& io, const std::string& host, int port, const HttpApi& api,
                       EventHub& hub, HttpLimits limits, std::function<std::int64_t()> now_ms)
    : io_(io),
      acceptor_(io),
      retry_(io),
      api_(api),
      hub_(hub),
      limiter_(std::make_shared<RateLimiter>(limits.rate, limits.burst)),
      table_(std::make_shared<ConnectionTable>(limits.connections)),
      now_ms_(std::move(now_ms)) {
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
  retry_.cancel();
}

bool HttpServer::may_log(std::int64_t& last_ms) {
  const std::int64_t now = monotonic_ms();
  if (last_ms != 0 && now - last_ms < LOG_EVERY_MS) return false;
  last_ms = now;
  return true;
}

void HttpServer::accept() {
  acceptor_.async_accept(boost::asio::make_strand(io_), [this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted) return;
    if (ec) {
      // Out of files (EMFILE) or the like: say so, and wait a moment rather than spin on it.
      ++accept_failures_;
      if (may_log(last_accept_log_ms_)) {
        log::warn("http", "cannot accept a connection: " + ec.message() + " (" + std::to_string(accept_failures_) +
                              " since start; " + std::to_string(table_->size()) + " open)");
      }
      retry_.expires_after(ACCEPT_RETRY);
      retry_.async_wait([this](boost::system::error_code e) {
        if (!e) accept();
      });
      return;
    }
    admit(std::move(socket));
    accept();
  });
}

void HttpServer::admit(tcp::socket socket) {
  auto session = std::make_shared<Session>(std::move(socket), api_, hub_, limiter_, table_, now_ms_);
  ConnectionTable::Id id = 0;
  const auto& limits = table_->limits();
  switch (table_->admit(session->client(), session, id)) {
    case ConnectionTable::Verdict::admitted:
      session->start(id);
      return;
    case ConnectionTable::Verdict::admitted_in_place_of_idle:
      ++made_room_;
      if (may_log(last_full_log_ms_)) {
        log::warn("http", std::to_string(limits.total) +
                              " connections open, the most allowed (http.max_connections): the one waiting "
                              "longest for a request was closed for a new one (" +
                              std::to_string(made_room_) + " since start)");
      }
      session->start(id);
      return;
    case ConnectionTable::Verdict::client_at_cap:
      ++refused_;
      if (may_log(last_client_log_ms_)) {
        log::warn("http", "client " + session->client() + " has " + std::to_string(limits.per_client) +
                              " connections open, the most one address may (http.max_connections_per_client): "
                              "refused with 503 (" + std::to_string(refused_) + " refused since start)");
      }
      session->refuse("too many connections from " + session->client() + "; close some and try again");
      return;
    case ConnectionTable::Verdict::full:
      ++refused_;
      if (may_log(last_full_log_ms_)) {
        log::warn("http", std::to_string(limits.total) +
                              " connections open and all busy (http.max_connections): refused with 503 (" +
                              std::to_string(refused_) + " refused since start)");
      }
      session->refuse("the server is at its connection limit; try again later");
      return;
  }
}

}  // namespace lookout::aggregator
