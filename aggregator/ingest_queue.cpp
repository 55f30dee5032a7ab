#include "aggregator/ingest_queue.hpp"

#include <boost/asio/post.hpp>
#include <vector>

namespace lookout::aggregator {

IngestQueue::IngestQueue(boost::asio::io_context& io, Handler handler, std::function<std::int64_t()> now_ms)
    : io_(io), handler_(std::move(handler)), now_ms_(std::move(now_ms)) {}

void IngestQueue::push(std::string topic, std::string payload) {
  const std::int64_t at = now_ms_();
  std::lock_guard lock(mutex_);
  waiting_.push_back({std::move(topic), std::move(payload), at});
  ++pending_;
  if (!turn_posted_) {
    turn_posted_ = true;
    boost::asio::post(io_, [this] { turn(); });
  }
}

void IngestQueue::turn() {
  std::vector<Message> batch;
  {
    std::lock_guard lock(mutex_);
    while (!waiting_.empty() && batch.size() < TURN) {
      batch.push_back(std::move(waiting_.front()));
      waiting_.pop_front();
    }
  }
  for (const auto& m : batch) {
    lag_ms_ = now_ms_() - m.at_ms;
    handler_(m.topic, m.payload);
    --pending_;
  }
  std::lock_guard lock(mutex_);
  if (waiting_.empty()) {
    turn_posted_ = false;
  } else {
    boost::asio::post(io_, [this] { turn(); });  // behind what came meanwhile
  }
}

}  // namespace lookout::aggregator
