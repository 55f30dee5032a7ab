#pragma once
// The HTTP API's routes: a request in, a response out. No sockets here (http_server.hpp).

#include <string>

#include "aggregator/ingest.hpp"
#include "aggregator/store.hpp"

namespace lookout::aggregator {

struct HttpRequest {
  std::string method;
  std::string target;  ///< path and query, as sent
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

class HttpApi {
 public:
  HttpApi(Store& store, const Ingest& ingest) : store_(store), ingest_(ingest) {}

  /// `now_ms` stamps the answer. Never throws: failures become JSON errors.
  HttpResponse handle(const HttpRequest& request, std::int64_t now_ms) const;

 private:
  HttpResponse status(std::int64_t now_ms) const;

  Store& store_;
  const Ingest& ingest_;
};

/// {"error": message} with the given status.
HttpResponse json_error(int status, const std::string& message);

}  // namespace lookout::aggregator
