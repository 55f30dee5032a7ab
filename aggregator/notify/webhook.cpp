#include "aggregator/notify/webhook.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <stdexcept>
#include <type_traits>

#include "firmware/log.hpp"

namespace lookout::aggregator::notify {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

namespace {

/// The reason OpenSSL gives for refusing the server's certificate, or the handshake's error.
std::string handshake_failure(SSL* handle, const beast::error_code& ec) {
  const long v = SSL_get_verify_result(handle);
  if (v != X509_V_OK) return std::string("certificate refused: ") + X509_verify_cert_error_string(v);
  return ec.message();
}

template <typename Stream>
Stream make_stream(boost::asio::io_context& io, ssl::context& ctx);
template <>
beast::tcp_stream make_stream(boost::asio::io_context& io, ssl::context&) {
  return beast::tcp_stream(io);
}
template <>
beast::ssl_stream<beast::tcp_stream> make_stream(boost::asio::io_context& io, ssl::context& ctx) {
  return beast::ssl_stream<beast::tcp_stream>(io, ctx);
}

}  // namespace

/// One POST: resolve, connect, (TLS handshake,) write, read, all under the webhook's timeout.
template <typename Stream>
struct Webhook::Attempt : std::enable_shared_from_this<Attempt<Stream>> {
  static constexpr bool TLS = !std::is_same_v<Stream, beast::tcp_stream>;

  Attempt(boost::asio::io_context& io, Webhook& w)
      : resolver(io), stream(make_stream<Stream>(io, w.tls_)), owner(w), alive(w.alive_) {}

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
    auto self = this->shared_from_this();
    resolver.async_resolve(s.host, s.port, [self](beast::error_code ec, tcp::resolver::results_type results) {
      if (ec) return self->done(false, "resolve: " + ec.message());
      auto& tcp_layer = beast::get_lowest_layer(self->stream);
      tcp_layer.expires_after(std::chrono::milliseconds(self->owner.settings_.timeout_ms));
      tcp_layer.async_connect(results, [self](beast::error_code ec2, const tcp::endpoint&) {
        if (ec2) return self->done(false, "connect: " + ec2.message());
        if constexpr (TLS) {
          if (const auto why = self->expect_host(); !why.empty()) return self->done(false, why);
          self->stream.async_handshake(ssl::stream_base::client, [self](beast::error_code ec3) {
            if (ec3) return self->done(false, "TLS handshake: " + handshake_failure(self->stream.native_handle(), ec3));
            self->send();
          });
        } else {
          self->send();
        }
      });
    });
  }

  /// TLS: the name the server's certificate must carry (an IP address or a DNS name), and SNI.
  std::string expect_host() {
    const auto& host = owner.settings_.host;
    SSL* handle = stream.native_handle();
    X509_VERIFY_PARAM* param = SSL_get0_param(handle);
    beast::error_code not_ip;
    boost::asio::ip::make_address(host, not_ip);
    const bool ok = !not_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1
                            : SSL_set_tlsext_host_name(handle, host.c_str()) == 1 &&
                                  X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) == 1;
    return ok ? "" : "TLS: cannot check the certificate against host " + host;
  }

  void send() {
    auto self = this->shared_from_this();
    http::async_write(stream, request, [self](beast::error_code ec, std::size_t) {
      if (ec) return self->done(false, "send: " + ec.message());
      http::async_read(self->stream, self->buffer, self->response, [self](beast::error_code ec2, std::size_t) {
        if (ec2) return self->done(false, "answer: " + ec2.message());
        const unsigned status = self->response.result_int();
        self->done(status >= 200 && status < 300, "HTTP " + std::to_string(status));
      });
    });
  }

  void done(bool ok, const std::string& why) {
    // The answer is in (or the attempt failed): the connection is closed without TLS's
    // close_notify, which a receiver that said "Connection: close" does not wait for.
    auto& tcp_layer = beast::get_lowest_layer(stream);
    beast::error_code ignored;
    tcp_layer.socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp_layer.close();
    if (*alive) owner.finished(ok, why);
  }

  tcp::resolver resolver;
  Stream stream;
  http::request<http::string_body> request;
  http::response<http::string_body> response;
  beast::flat_buffer buffer;
  Webhook& owner;
  std::shared_ptr<bool> alive;
};

namespace {

ssl::context client_context(const WebhookSettings& s) {
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_verify_mode(ssl::verify_peer);
  if (!s.tls) return ctx;
  try {
    if (s.ca_file.empty()) {
      ctx.set_default_verify_paths();
    } else {
      ctx.load_verify_file(s.ca_file);
    }
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(s.url + ": cannot load CA certificates" +
                             (s.ca_file.empty() ? std::string(" of the system") : " from " + s.ca_file) + ": " +
                             e.code().message());
  }
  return ctx;
}

}  // namespace

Webhook::Webhook(boost::asio::io_context& io, WebhookSettings settings)
    : io_(io), settings_(std::move(settings)), tls_(client_context(settings_)), backoff_(io) {}

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

void Webhook::settle(const Item& item) {
  if (settled_ && item.row != 0) settled_(item.row);
}

void Webhook::enqueue(std::string id, std::string body, std::int64_t row) {
  if (queue_.size() >= settings_.queue_limit) {
    // Memory is bounded; say loudly what was lost. The one in flight (the front) stays.
    if (busy_ && queue_.size() == 1) {
      log::error("notify", settings_.url + ": queue full, notification " + id + " dropped");
      ++stats_.dropped;
      settle(Item{std::move(id), {}, row, 0});
      return;
    }
    const auto drop = busy_ && queue_.size() > 1 ? std::next(queue_.begin()) : queue_.begin();
    log::error("notify", settings_.url + ": queue full (" + std::to_string(queue_.size()) + "), notification " +
                             drop->id + " dropped");
    settle(*drop);
    queue_.erase(drop);
    ++stats_.dropped;
  }
  queue_.push_back({std::move(id), std::move(body), row, 0});
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
    if (settings_.tls) {
      std::make_shared<Attempt<beast::ssl_stream<beast::tcp_stream>>>(io_, *this)->start(queue_.front());
    } else {
      std::make_shared<Attempt<beast::tcp_stream>>(io_, *this)->start(queue_.front());
    }
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
    settle(item);
    queue_.pop_front();
  } else {
    ++stats_.failed_attempts;
    log::warn("notify", settings_.url + ": notification " + item.id + " attempt " + std::to_string(item.attempts) +
                            " of " + std::to_string(settings_.retry.max_attempts) + " failed: " + why);
    if (item.attempts >= settings_.retry.max_attempts) {
      log::error("notify", settings_.url + ": notification " + item.id + " given up");
      ++stats_.given_up;
      settle(item);
      queue_.pop_front();
    }
  }
  next();
}

}  // namespace lookout::aggregator::notify
