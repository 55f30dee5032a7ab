#include "tests/support/line_client.hpp"

#include <utility>  // before Asio (debian-notes.md)

#include <boost/asio.hpp>

namespace lookout::test {

std::string send_line(int port, const std::string& line) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  boost::asio::write(socket, boost::asio::buffer(line + "\n"));
  std::string answer;
  boost::asio::read_until(socket, boost::asio::dynamic_buffer(answer), '\n');
  answer.resize(answer.find('\n'));
  return answer;
}

}  // namespace lookout::test
