#include "tests/support/http_client.hpp"

#include <utility>  // before Asio (debian-notes.md)

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <thread>

#include "tests/support/process.hpp"

namespace lookout::test {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

HttpResult http_request(int port, const std::string& method, const std::string& target, const std::string& body,
                        const std::string& token, const std::string& from) {
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(10));
  stream.socket().open(tcp::v4());
  stream.socket().bind(tcp::endpoint(boost::asio::ip::make_address(from), 0));
  stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  http::request<http::string_body> req(http::string_to_verb(method), target, 11);
  req.set(http::field::host, "127.0.0.1");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return {static_cast<int>(res.result_int()), res.body()};
}

std::string http_raw(int port, const std::string& bytes) {
  boost::asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  beast::error_code ec;
  // The server may answer and close before it has read everything: that is allowed.
  boost::asio::write(socket, boost::asio::buffer(bytes), ec);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  std::string out;
  char buf[4096];
  while (true) {
    const std::size_t n = socket.read_some(boost::asio::buffer(buf), ec);
    if (ec) break;
    out.append(buf, n);
  }
  return out;
}

struct EventStreamClient::Impl {
  boost::asio::io_context io;
  tcp::socket socket{io};
  std::mutex mutex;
  std::string text;
  std::thread reader;
};

EventStreamClient::EventStreamClient(int port, const std::string& target, const std::string& token)
    : impl_(std::make_unique<Impl>()) {
  impl_->socket.connect(
      tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
  if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
  boost::asio::write(impl_->socket, boost::asio::buffer(request + "\r\n"));
  impl_->reader = std::thread([impl = impl_.get()] {
    char buf[4096];
    beast::error_code ec;
    while (true) {
      const std::size_t n = impl->socket.read_some(boost::asio::buffer(buf), ec);
      if (ec) break;
      const std::lock_guard lock(impl->mutex);
      impl->text.append(buf, n);
    }
  });
}

EventStreamClient::~EventStreamClient() {
  beast::error_code ec;
  impl_->socket.shutdown(tcp::socket::shutdown_both, ec);
  impl_->reader.join();
  impl_->socket.close(ec);
}

std::string EventStreamClient::text() {
  const std::lock_guard lock(impl_->mutex);
  return impl_->text;
}

bool EventStreamClient::wait_for(const std::string& needle, std::chrono::milliseconds timeout) {
  return eventually([&] { return text().find(needle) != std::string::npos; }, timeout);
}

}  // namespace lookout::test
