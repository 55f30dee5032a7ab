#include "aggregator/notify/command_hook.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "firmware/log.hpp"

extern char** environ;

namespace lookout::aggregator::notify {
namespace {

int status_of(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return -1;
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                          const std::string& input, std::int64_t timeout_ms) {
  CommandResult r;
  if (argv.empty() || argv.front().empty() || argv.front().front() != '/') {
    r.error = "the program must be an absolute path";
    return r;
  }
  // The child's environment: ours, with the message's variables replacing any of the same name.
  std::vector<std::string> env_strings;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos && env.count(entry.substr(0, eq)) > 0) continue;
    env_strings.push_back(entry);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& a : args) argp.push_back(a.data());
  argp.push_back(nullptr);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    r.error = std::string("pipe: ") + std::strerror(errno);
    return r;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);  // keep our stdout ours
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so a timeout kills whatever it started too.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argp[0], &actions, &attr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(fds[0]);
  if (rc != 0) {
    close(fds[1]);
    r.error = argv.front() + ": " + std::strerror(rc);
    return r;
  }
  r.started = true;
  // The message is small (well under a pipe's 64 KiB). A program that exits without reading
  // it makes the write fail with EPIPE; the SIGPIPE that comes with it is blocked on this
  // thread and taken back here, so it never reaches the process.
  sigset_t pipe_signal;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  sigset_t old_mask;
  pthread_sigmask(SIG_BLOCK, &pipe_signal, &old_mask);
  std::size_t done = 0;
  bool broken = false;
  while (done < input.size()) {
    const ssize_t n = write(fds[1], input.data() + done, input.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      broken = n < 0 && errno == EPIPE;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (broken) {
    const timespec no_wait{0, 0};
    while (sigtimedwait(&pipe_signal, nullptr, &no_wait) == SIGPIPE) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  close(fds[1]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int wstatus = 0;
  for (;;) {
    const pid_t w = waitpid(pid, &wstatus, WNOHANG);
    if (w == pid) {
      r.exit_status = status_of(wstatus);
      return r;
    }
    if (w < 0 && errno != EINTR) {
      r.error = std::string("waitpid: ") + std::strerror(errno);
      return r;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  r.timed_out = true;
  kill(-pid, SIGKILL);
  kill(pid, SIGKILL);
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  r.exit_status = status_of(wstatus);
  return r;
}

CommandHook::CommandHook(CommandHookSettings settings) : settings_(std::move(settings)) {
  thread_ = std::thread([this] { worker(); });
}

CommandHook::~CommandHook() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (!queue_.empty()) {
    log::error("notify", settings_.command.front() + ": " + std::to_string(queue_.size()) +
                             " notifications not sent at shutdown");
  }
}

void CommandHook::settle(std::int64_t row) {
  if (!settled_ || row == 0) return;
  try {
    settled_(row);
  } catch (const std::exception& e) {
    log::error("notify", settings_.command.front() + ": " + e.what());
  }
}

ChannelStats CommandHook::stats() {
  std::lock_guard<std::mutex> lock(mutex_);
  auto s = stats_;
  s.queued = queue_.size() + (running_ ? 1 : 0);
  return s;
}

void CommandHook::enqueue(std::string text, std::map<std::string, std::string> env, std::int64_t row) {
  std::int64_t dropped = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queue_.size() >= settings_.queue_limit) {
      log::error("notify", settings_.command.front() + ": queue full (" + std::to_string(queue_.size()) +
                               "), oldest notification " + queue_.front().env["LOOKOUT_ID"] + " dropped");
      dropped = queue_.front().row;
      queue_.pop_front();
      ++stats_.dropped;
    }
    queue_.push_back({std::move(text), std::move(env), row});
  }
  settle(dropped);
  cv_.notify_all();
}

void CommandHook::worker() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Job job = std::move(queue_.front());
    queue_.pop_front();
    running_ = true;
    lock.unlock();
    bool sent = false;
    bool stopped = false;
    int failures = 0;
    for (int attempt = 1; attempt <= settings_.retry.max_attempts && !sent; ++attempt) {
      if (attempt > 1) {
        // Wait out the backoff, but leave at once on shutdown.
        lock.lock();
        stopped = cv_.wait_for(lock, std::chrono::milliseconds(settings_.retry.delay_before(attempt)),
                               [this] { return stopping_; });
        lock.unlock();
        if (stopped) break;
      }
      const auto r = run_command(settings_.command, job.env, job.text, settings_.timeout_ms);
      sent = r.ok();
      if (!sent) {
        ++failures;
        log::warn("notify", settings_.command.front() + ": notification " + job.env["LOOKOUT_ID"] + " attempt " +
                                std::to_string(attempt) + " of " + std::to_string(settings_.retry.max_attempts) +
                                " failed: " +
                                (!r.started ? r.error
                                 : r.timed_out ? "timed out, killed"
                                               : "exit status " + std::to_string(r.exit_status)));
      }
    }
    if (stopped) {
      // Not given up: the outbox keeps it for the next start.
      log::warn("notify", settings_.command.front() + ": notification " + job.env["LOOKOUT_ID"] +
                              " not sent yet at shutdown" + (job.row != 0 ? "; kept for the next start" : ""));
    } else {
      if (!sent) log::error("notify", settings_.command.front() + ": notification " + job.env["LOOKOUT_ID"] + " given up");
      settle(job.row);
    }
    lock.lock();
    running_ = false;
    stats_.failed_attempts += static_cast<std::uint64_t>(failures);
    if (stopped) continue;
    ++(sent ? stats_.delivered : stats_.given_up);
  }
}

}  // namespace lookout::aggregator::notify
