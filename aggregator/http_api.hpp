#pragma once
// The HTTP API's routes: a request in, a response out. No sockets here (http_server.hpp).
// Every route but /healthz needs a bearer token (auth.hpp); what a token may not see
// does not exist for it (404), what it may see but not do is forbidden (403).

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "aggregator/alarm_desk.hpp"
#include "aggregator/auth.hpp"
#include "aggregator/event_hub.hpp"
#include "aggregator/ingest.hpp"
#include "aggregator/notify/health.hpp"
#include "aggregator/store.hpp"

namespace lookout::aggregator {

struct HttpRequest {
  std::string method;
  std::string target;         ///< path and query, as sent
  std::string authorization;  ///< the Authorization header, as sent
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra ones
  /// Set for the event stream: the server keeps the connection open and sends it every
  /// event of a site this filter lets through.
  EventHub::Visible stream;
};

class HttpApi {
 public:
  HttpApi(Store& store, const Ingest& ingest, AlarmDesk& desk, const Divisions& divisions, EventHub& hub)
      : store_(store), ingest_(ingest), desk_(desk), divisions_(divisions), hub_(hub) {}

  /// `now_ms` [ms UTC] stamps the answer and the audit trail. Never throws: failures
  /// become JSON errors.
  HttpResponse handle(const HttpRequest& request, std::int64_t now_ms) const;

  /// Counts a response the server made by itself (400, 413, 429) for /metrics.
  void count(int status) const { ++responses_[status]; }
  /// More Prometheus text for /metrics (the notification channels' figures).
  void add_metrics(std::function<std::string()> more) { more_metrics_ = std::move(more); }

  /// Where the alarm-system health figures come from (notify::Dispatcher::health); without
  /// one, /api/v1/health answers 503 and /metrics leaves them out.
  using HealthSource = std::function<notify::HealthFigures(std::int64_t now_ms)>;
  void health_from(HealthSource source) { health_ = std::move(source); }
  /// What is wrong now, for `GET /healthz` (readiness.hpp); without one, nothing is.
  using ReadinessSource = std::function<std::vector<std::string>(std::int64_t now_ms)>;
  void readiness_from(ReadinessSource source) { readiness_ = std::move(source); }

 private:
  HttpResponse route(const HttpRequest& request, const std::string& path, std::int64_t now_ms) const;
  HttpResponse status(const Principal& who, const std::string& query, std::int64_t now_ms) const;
  HttpResponse point(const Principal& who, const std::vector<std::string>& parts, const std::string& query) const;
  HttpResponse alarms(const Principal& who, const std::string& query, std::int64_t now_ms) const;
  HttpResponse alarm(const Principal& who, std::int64_t id) const;
  HttpResponse alarm_action(const Principal& who, std::int64_t id, const std::string& action, const std::string& body,
                            std::int64_t now_ms) const;
  HttpResponse gateways(const Principal& who) const;
  HttpResponse tokens(const Principal& who, const std::string& method, const std::vector<std::string>& parts,
                      const std::string& body, std::int64_t now_ms) const;
  HttpResponse health(const Principal& who, std::int64_t now_ms) const;
  HttpResponse metrics(std::int64_t now_ms) const;

  Store& store_;
  const Ingest& ingest_;
  AlarmDesk& desk_;
  const Divisions& divisions_;
  EventHub& hub_;
  mutable std::map<int, std::uint64_t> responses_;  ///< by status code
  std::function<std::string()> more_metrics_;
  HealthSource health_;
  ReadinessSource readiness_;
};

/// {"error": message} with the given status.
HttpResponse json_error(int status, const std::string& message);

/// The query's parameters, percent-decoded ("a=1&b=x%20y").
std::map<std::string, std::string> parse_query(const std::string& query);

}  // namespace lookout::aggregator
