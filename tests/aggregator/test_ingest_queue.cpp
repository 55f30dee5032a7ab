// The way from the broker's thread to the io thread (aggregator/ingest_queue.hpp): in
// order, counted, and a turn at a time so that other work is not held up by a backlog.
#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <string>
#include <thread>
#include <vector>

#include "aggregator/ingest_queue.hpp"

using lookout::aggregator::IngestQueue;

TEST_SUITE("aggregator.ingest_queue") {
  TEST_CASE("a backlog of 1000 messages lets a request waiting behind it run after one turn") {
    boost::asio::io_context io;
    std::int64_t clock_ms = 0;
    std::vector<std::string> handled;
    IngestQueue q(
        io, [&](const std::string& topic, const std::string&) { handled.push_back(topic); }, [&] { return clock_ms; });
    // GIVEN 1000 messages received (the MQTT thread's pushes) and then an HTTP request
    for (int i = 0; i < 1000; ++i) q.push("t" + std::to_string(i), "{}");
    std::size_t handled_before_request = 0;
    boost::asio::post(io, [&] { handled_before_request = handled.size(); });
    CHECK(q.pending() == 1000);
    clock_ms = 250;
    io.run();
    // THEN the request ran after the first turn, not after the whole backlog
    CHECK(handled_before_request == IngestQueue::TURN);
    // AND every message was handled once, in order
    REQUIRE(handled.size() == 1000);
    for (int i = 0; i < 1000; ++i) CHECK(handled[static_cast<std::size_t>(i)] == "t" + std::to_string(i));
    CHECK(q.pending() == 0);
    CHECK(q.lag_ms() == 250);  // each waited from its push at 0 to its turn at 250
  }

  TEST_CASE("messages pushed from another thread while the io thread works all arrive") {
    boost::asio::io_context io;
    auto guard = boost::asio::make_work_guard(io);
    std::vector<int> handled;
    IngestQueue q(
        io, [&](const std::string& topic, const std::string&) { handled.push_back(std::stoi(topic)); },
        [] { return std::int64_t{0}; });
    std::thread io_thread([&] { io.run(); });
    std::thread mqtt_thread([&] {
      for (int i = 0; i < 5000; ++i) q.push(std::to_string(i), "");
    });
    mqtt_thread.join();
    // the last turn is posted by now; the guard's release lets run() return after it
    guard.reset();
    io_thread.join();
    REQUIRE(handled.size() == 5000);
    for (int i = 0; i < 5000; ++i) CHECK(handled[static_cast<std::size_t>(i)] == i);
    CHECK(q.pending() == 0);
  }
}
