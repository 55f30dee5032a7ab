// libFuzzer target: the HTTP request path of the aggregator. The bytes are what a client
// sends on a connection: Boost.Beast's parser reads one request with the server's limits
// (aggregator/http_server.hpp), HttpApi answers it against a fresh store (SQLite in memory,
// one alarm, a token of every role: "Bearer secret-admin", "secret-engineer",
// "secret-regulator4302", "secret-officerxj-mine"), and the answer is serialised as the
// server sends it. A fresh store per input keeps every crash reproducible from its input
// alone. Never crashes; no header of an answer carries a line break (response splitting).

#include <utility>  // before Asio (debian-notes.md)

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "aggregator/alarm_desk.hpp"
#include "aggregator/http_api.hpp"
#include "aggregator/http_server.hpp"
#include "aggregator/sqlite_store.hpp"

namespace {

namespace http = boost::beast::http;
using namespace lookout::aggregator;

constexpr std::int64_t T0 = 1764100000000;  // [ms UTC]

/// One methane alarm at one site and a token of every role, as tests/aggregator/test_http_api.cpp has.
struct World {
  AggregatorConfig config;
  SqliteStore store{":memory:"};
  Ingest ingest{config, store};
  AlarmDesk desk{ingest, store};
  Divisions divisions;
  EventHub hub;
  HttpApi api{store, ingest, desk, divisions, hub};

  World() {
    divisions.set_enterprise("xj-mine", "430211");
    const nlohmann::json reading{{"point", "ch4-1.ch4"}, {"quantity", "methane"}, {"unit", "%CH4"},
                                 {"ts", T0},            {"quality", "good"},     {"value", 1.2}};
    const nlohmann::json batch{{"v", 1}, {"gateway", "gw-1"}, {"seq", 1}, {"boot", 1}, {"readings", {reading}}};
    ingest.handle("lookout/v1/xj-mine/mine-1/gw-1/up/readings", batch.dump(), T0);
    token("admin", "", "");
    token("engineer", "", "");
    token("regulator", "4302", "");
    token("officer", "", "xj-mine");
  }
  void token(const std::string& role, const std::string& division, const std::string& enterprise) {
    const std::string name = role + division + enterprise;
    store.create_token({0, name, role, division, enterprise, T0, 0}, sha256_hex("secret-" + name));
  }
};

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(HTTP_HEADER_LIMIT);
  parser.body_limit(HTTP_BODY_LIMIT);
  parser.eager(true);
  // As http::async_read: the bytes so far, until the parser has a whole request.
  boost::beast::error_code ec;
  boost::asio::const_buffer in(data, size);
  while (!parser.is_done()) {
    const std::size_t used = parser.put(in, ec);
    in += used;
    if (ec || used == 0) break;
  }
  if (ec == http::error::need_more) {
    if (!parser.got_some()) return 0;  // closed before a byte: the server just closes too
    ec = {};
    parser.put_eof(ec);  // the client closed after its bytes
  }
  if (ec || !parser.is_done()) return 0;  // the server answers 400 or 413 by itself
  auto& req = parser.get();

  World world;
  const HttpRequest request{std::string(req.method_string()), std::string(req.target()),
                            std::string(req[http::field::authorization]), std::move(req.body())};
  const HttpResponse res = world.api.handle(request, T0 + 10000);
  if (res.status < 100 || res.status > 599 || has_line_break(res.content_type)) std::abort();

  // As HttpServer's reply(): the message the client gets.
  http::response<http::string_body> msg(static_cast<http::status>(res.status), 11);
  msg.set(http::field::content_type, res.content_type);
  for (const auto& [k, v] : res.headers) {
    if (k.empty() || has_line_break(k) || has_line_break(v)) std::abort();
    msg.set(k, v);
  }
  msg.body() = res.body;
  msg.prepare_payload();
  std::ostringstream out;
  out << msg;
  return 0;
}
