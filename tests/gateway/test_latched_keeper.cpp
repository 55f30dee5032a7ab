#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <future>

#include "gateway/latched_keeper.hpp"
#include "tests/support/process.hpp"

using namespace lookout::gateway;
using lookout::test::eventually;
using lookout::test::HUNG_RUN;
using lookout::test::TempDir;

TEST_SUITE("gateway.latched_keeper") {
  TEST_CASE("the latched set is written on the keeper's thread - and read back after a restart") {
    TempDir dir;
    {
      LatchedKeeper keeper(dir.path());
      CHECK(keeper.load().empty());  // no file yet
      CHECK(keeper.saved());         // nothing to keep
      keeper.keep({"face-power", "return-power"});
      REQUIRE(eventually([&] { return keeper.saved(); }, HUNG_RUN));
    }
    LatchedKeeper again(dir.path());
    CHECK(again.load() == std::vector<std::string>{"face-power", "return-power"});
  }

  TEST_CASE("a write that fails is tried again until it succeeds") {
    TempDir dir;
    // GIVEN a directory where the keeper writes its new file: open() fails (EISDIR)
    std::filesystem::create_directories(dir / "edge_state.json.new");
    LatchedKeeper keeper(dir.path());
    keeper.keep({"face-power"});
    // THEN it is not saved, and stays so while the obstacle is there (one retry period and more:
    // the keeper tries every RETRY_MS)
    std::this_thread::sleep_for(std::chrono::milliseconds(LatchedKeeper::RETRY_MS + 200));
    CHECK_FALSE(keeper.saved());
    // WHEN it goes THEN a later try writes the file
    std::filesystem::remove(dir / "edge_state.json.new");
    REQUIRE(eventually([&] { return keeper.saved(); }, HUNG_RUN));
    CHECK(keeper.load() == std::vector<std::string>{"face-power"});
  }

  TEST_CASE("keep() never waits for the disk - a write that hangs holds up only the keeper's thread") {
    TempDir dir;
    // GIVEN a write that blocks: the keeper's new file is a FIFO nobody reads, so open() waits
    const auto fifo = dir / "edge_state.json.new";
    REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
    LatchedKeeper keeper(dir.path());
    keeper.keep({"face-power"});
    // WHEN the edge hands over more sets while that write hangs THEN each keep() returns
    auto more = std::async(std::launch::async, [&] {
      for (int i = 0; i < 10; ++i) keeper.keep({"face-power", "siren-" + std::to_string(i)});
    });
    CHECK(more.wait_for(HUNG_RUN) == std::future_status::ready);
    CHECK_FALSE(keeper.saved());
    // WHEN the disk comes back (the FIFO opened for reading lets the hung write through, and
    // goes: the next try makes a plain file) THEN the last set is kept
    const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    REQUIRE(reader >= 0);
    std::filesystem::remove(fifo);
    REQUIRE(eventually([&] { return keeper.saved(); }, HUNG_RUN));
    ::close(reader);
    CHECK(keeper.load() == std::vector<std::string>{"face-power", "siren-9"});
  }

  TEST_CASE("what is not on disk at the stop gets a last try") {
    TempDir dir;
    std::filesystem::create_directories(dir / "edge_state.json.new");
    {
      LatchedKeeper keeper(dir.path());
      keeper.keep({"face-power"});
      std::filesystem::remove(dir / "edge_state.json.new");
    }  // the keeper goes before its thread's next try, or after it: the file is written either way
    LatchedKeeper again(dir.path());
    CHECK(again.load() == std::vector<std::string>{"face-power"});
  }
}
