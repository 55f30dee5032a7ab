#pragma once
// The answers to gateways on their down/ack topics (docs/protocol.md "Acknowledgements"):
// during a turn, the latest Delivery per gateway; after the turn's commit, one message per
// gateway. A request to send again (`resend_from`) goes out at most once per
// RESEND_INTERVAL_MS for the same hole, so that a backlog drained past a hole does not
// make the gateway send the same batches again for every turn.

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "aggregator/ingest.hpp"

namespace lookout::aggregator {

class DeliveryAcks {
 public:
  /// [ms] The gateway answers a request with up to 64 batches at once (its send window);
  /// their arrival takes a round trip through the broker, well under this on any link the
  /// gateway keeps a connection over. A hole still open after it is asked for again.
  static constexpr std::int64_t RESEND_INTERVAL_MS = 5000;

  /// During a turn.
  void add(const Delivery& d);
  /// The turn was not committed: nothing of it is acknowledged.
  void drop() { turn_.clear(); }
  /// After the commit: (topic, payload) of each message to publish, QoS 1, not retained.
  /// `now_ms`: a monotonic clock.
  std::vector<std::pair<std::string, std::string>> take(std::int64_t now_ms);

 private:
  using Key = std::tuple<std::string, std::string, std::string>;
  struct Asked {
    std::uint64_t resend_from = 0;
    std::int64_t at_ms = 0;
  };
  std::map<Key, Delivery> turn_;
  std::map<Key, Asked> asked_;
};

}  // namespace lookout::aggregator
