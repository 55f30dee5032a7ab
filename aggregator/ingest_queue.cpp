#include "aggregator/ingest_queue.hpp"

#include <boost/asio/post.hpp>
#include <vector>

namespace lookout::aggregator {

IngestQueue::IngestQueue(boost::asio::io_context& io, Handler handler, std::function<std::int64_t()> now_ms,
                         std::function<void()> turn_begin, std::function<void()> turn_end)
    : io_(io),
      handler_(std::move(handler)),
      now_ms_(std::move(now_ms)),
      turn_begin_(std::move(turn_begin)),
      turn_end_(std::move(turn_end)) {}

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
  if (turn_begin_) turn_begin_();
  for (const auto& m : batch) {
    lag_ms_ = now_ms_() - m.at_ms;
    handler_(m.topic, m.payload);
  }
  if (turn_end_) turn_end_();
  pending_ -= batch.size();  // handled once what they brought is on disk and answered
  std::lock_guard lock(mutex_);
  if (waiting_.empty()) {
    turn_posted_ = false;
  } else {
    boost::asio::post(io_, [this] { turn(); });  // behind what came meanwhile
  }
}

}  // namespace lookout::aggregator
