#include "tools/lookout/net.hpp"

#include <utility>  // before Asio (debian-notes.md)

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>

namespace lookout::cli {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

HostPort parse_host_port(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    throw std::invalid_argument("\"" + text + "\" should look like 127.0.0.1:8080");
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return {host, text.substr(colon + 1)};
}

std::string exchange_line(const HostPort& to, const std::string& line) {
  boost::asio::io_context io;
  tcp::resolver resolver(io);
  tcp::socket socket(io);
  boost::asio::connect(socket, resolver.resolve(to.host, to.port));
  boost::asio::write(socket, boost::asio::buffer(line + "\n"));
  std::string answer;
  boost::asio::read_until(socket, boost::asio::dynamic_buffer(answer), '\n');
  answer.resize(answer.find('\n'));
  return answer;
}

int http_get(const HostPort& to, const std::string& target, std::string& body, const std::string& token) {
  boost::asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(resolver.resolve(to.host, to.port));
  http::request<http::empty_body> req(http::verb::get, target, 11);
  req.set(http::field::host, to.host);
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  body = res.body();
  return static_cast<int>(res.result_int());
}

}  // namespace lookout::cli
