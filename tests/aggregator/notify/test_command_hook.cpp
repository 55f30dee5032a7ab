#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "aggregator/notify/command_hook.hpp"
#include "tests/support/process.hpp"

using namespace lookout::aggregator::notify;
using lookout::test::TempDir;

namespace {

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_SUITE("aggregator.notify.command_hook") {
  TEST_CASE("the program gets the message on stdin and recipient and level in its environment") {
    TempDir dir;
    const auto out = dir / "got.txt";
    // The test's program is a shell script; the hook itself never uses a shell.
    const auto r = run_command({"/bin/sh", "-c", "cat > \"$0\"; echo \"$LOOKOUT_RECIPIENT $LOOKOUT_LEVEL\" >> \"$0\"",
                                out.string()},
                               {{"LOOKOUT_RECIPIENT", "13800000000"}, {"LOOKOUT_LEVEL", "red"}}, "【红色预警】测试\n",
                               5000);
    CHECK(r.ok());
    CHECK(read_all(out) == "【红色预警】测试\n13800000000 red\n");
  }

  TEST_CASE("arguments are not interpreted by a shell") {
    TempDir dir;
    const auto out = dir / "args.txt";
    const auto r = run_command({"/bin/sh", "-c", "printf '%s' \"$1\" > \"$0\"", out.string(), "a; rm -rf / $(x)"},
                               {}, "", 5000);
    CHECK(r.ok());
    CHECK(read_all(out) == "a; rm -rf / $(x)");
  }

  TEST_CASE("a program that hangs is killed at its timeout - with what it started") {
    const auto start = std::chrono::steady_clock::now();
    const auto r = run_command({"/bin/sh", "-c", "sleep 30 & sleep 30"}, {}, "", 300);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(r.started);
    CHECK(r.timed_out);
    CHECK(!r.ok());
    CHECK(took < std::chrono::seconds(5));
  }

  TEST_CASE("a failing or missing program is reported - not thrown") {
    CHECK(run_command({"/bin/false"}, {}, "x", 5000).exit_status == 1);
    const auto missing = run_command({"/nonexistent/sms-send"}, {}, "x", 5000);
    CHECK(!missing.ok());
    CHECK(!run_command({"relative/path"}, {}, "x", 5000).started);
    // AND a program that exits without reading a long message does not kill us (SIGPIPE)
    CHECK(run_command({"/bin/true"}, {}, std::string(1 << 20, 'x'), 5000).exit_status == 0);
  }

  TEST_CASE("the hook runs queued messages in order and retries a failure") {
    TempDir dir;
    const auto out = dir / "log.txt";
    const auto flag = dir / "failed-once";
    CommandHookSettings s;
    // Fails the first time (creates the flag), then appends stdin.
    s.command = {"/bin/sh", "-c", "if [ ! -e \"$1\" ]; then touch \"$1\"; exit 3; fi; cat >> \"$0\"", out.string(),
                 flag.string()};
    s.timeout_ms = 5000;
    s.retry = RetryPolicy{3, 50, 100};
    {
      CommandHook hook(s);
      hook.enqueue("one\n", {{"LOOKOUT_ID", "1"}});
      hook.enqueue("two\n", {{"LOOKOUT_ID", "2"}});
      CHECK(lookout::test::eventually([&] { return read_all(out) == "one\ntwo\n"; }, lookout::test::HUNG_RUN));
    }
    CHECK(read_all(out) == "one\ntwo\n");
  }
}
