#pragma once
// Fans changes out to the clients of the event stream (GET /api/v1/events), each through
// its own scope filter. Plain C++: the HTTP server's sessions subscribe; the aggregator
// publishes from its one io thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lookout::aggregator {

class EventHub {
 public:
  class Subscriber {
   public:
    virtual ~Subscriber() = default;
    /// One whole server-sent-events frame; must not block.
    virtual void deliver(const std::string& frame) = 0;
  };
  using Visible = std::function<bool(std::string_view enterprise, std::string_view site)>;

  /// The subscription ends when the subscriber is gone.
  void subscribe(std::weak_ptr<Subscriber> subscriber, Visible visible);
  /// Sends `event: type`, `id: N` and `data: json` to every subscriber that may see the site.
  void publish(std::string_view type, std::string_view enterprise, std::string_view site, const std::string& json);
  std::size_t subscribers();
  std::uint64_t published() const { return next_id_; }

 private:
  struct Entry {
    std::weak_ptr<Subscriber> subscriber;
    Visible visible;
  };
  std::vector<Entry> entries_;
  std::uint64_t next_id_ = 0;
};

/// A server-sent-events frame (WHATWG HTML "server-sent events"): one data line, as JSON
/// has no raw newlines.
std::string sse_frame(std::string_view type, std::uint64_t id, const std::string& json);

}  // namespace lookout::aggregator
