#include "aggregator/notify/webhook.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

#include "firmware/log.hpp"

namespace lookout::aggregator::notify {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

/// One POST: resolve, connect, write, read, each under the webhook's timeout.
struct Webhook::Attempt : std::enable_shared_from_this<Attempt> {
  Attempt(boost::asio::io_context& io, Webhook& w) : resolver(io), stream(io), owner(w), alive(w.alive_) {}

  void start(const Item& item) {
    const auto& s = owner.settings_;
    request.method(http::verb::post);
    request.target(s.target);
    request.version(11);
    request.set(http::field::host, s.host + ":" + s.port);
    request.set(http::field::user_agent, "lookout-aggregator");
    request.set(http::field::content_type, "application/json; charset=utf-8");
    request.set("Idempotency-Key", item.id);
    request.keep_alive(false);
    request.body() = item.body;
    request.prepare_payload();
    auto self = shared_from_this();
    resolver.async_resolve(s.host, s.port, [self](beast::error_code ec, tcp::resolver::results_type results) {
      if (ec) return self->done(false, "resolve: " + ec.message());
      self->stream.expires_after(std::chrono::milliseconds(self->owner.settings_.timeout_ms));
      self->stream.async_connect(results, [self](beast::error_code ec2, const tcp::endpoint&) {
        if (ec2) return self->done(false, "connect: " + ec2.message());
        http::async_write(self->stream, self->request, [self](beast::error_code ec3, std::size_t) {
          if (ec3) return self->done(false, "send: " + ec3.message());
          http::async_read(self->stream, self->buffer, self->response, [self](beast::error_code ec4, std::size_t) {
            if (ec4) return self->done(false, "answer: " + ec4.message());
            const unsigned status = self->response.result_int();
            self->done(status >= 200 && status < 300, "HTTP " + std::to_string(status));
          });
        });
      });
    });
  }

  void done(bool ok, const std::string& why) {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
    if (*alive) owner.finished(ok, why);
  }

  tcp::resolver resolver;
  beast::tcp_stream stream;
  http::request<http::string_body> request;
  http::response<http::string_body> response;
  beast::flat_buffer buffer;
  Webhook& owner;
  std::shared_ptr<bool> alive;
};

Webhook::Webhook(boost::asio::io_context& io, WebhookSettings settings)
    : io_(io), settings_(std::move(settings)), backoff_(io) {}

Webhook::~Webhook() {
  *alive_ = false;
  if (!queue_.empty()) {
    log::error("notify", settings_.url + ": " + std::to_string(queue_.size()) + " notifications not sent at shutdown");
  }
}

WebhookStats Webhook::stats() const {
  auto s = stats_;
  s.queued = queue_.size();
  return s;
}

void Webhook::enqueue(std::string id, std::string body) {
  if (queue_.size() >= settings_.queue_limit) {
    // Memory is bounded; say loudly what was lost. The one in flight (the front) stays.
    if (busy_ && queue_.size() == 1) {
      log::error("notify", settings_.url + ": queue full, notification " + id + " dropped");
      ++stats_.dropped;
      return;
    }
    const auto drop = busy_ && queue_.size() > 1 ? std::next(queue_.begin()) : queue_.begin();
    log::error("notify", settings_.url + ": queue full (" + std::to_string(queue_.size()) + "), notification " +
                             drop->id + " dropped");
    queue_.erase(drop);
    ++stats_.dropped;
  }
  queue_.push_back({std::move(id), std::move(body), 0});
  if (!busy_) next();
}

void Webhook::next() {
  if (queue_.empty()) {
    busy_ = false;
    return;
  }
  busy_ = true;
  Item& item = queue_.front();
  ++item.attempts;
  const auto wait = settings_.retry.delay_before(item.attempts);
  auto go = [this, alive = alive_] {
    if (!*alive || queue_.empty()) return;
    std::make_shared<Attempt>(io_, *this)->start(queue_.front());
  };
  if (wait == 0) {
    go();
    return;
  }
  backoff_.expires_after(std::chrono::milliseconds(wait));
  backoff_.async_wait([go](const boost::system::error_code& ec) {
    if (!ec) go();
  });
}

void Webhook::finished(bool ok, const std::string& why) {
  if (queue_.empty()) return;
  Item& item = queue_.front();
  if (ok) {
    ++stats_.delivered;
    queue_.pop_front();
  } else {
    ++stats_.failed_attempts;
    log::warn("notify", settings_.url + ": notification " + item.id + " attempt " + std::to_string(item.attempts) +
                            " of " + std::to_string(settings_.retry.max_attempts) + " failed: " + why);
    if (item.attempts >= settings_.retry.max_attempts) {
      log::error("notify", settings_.url + ": notification " + item.id + " given up");
      ++stats_.given_up;
      queue_.pop_front();
    }
  }
  next();
}

}  // namespace lookout::aggregator::notify
