#include "extract/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace breachscope::extract {

namespace {

struct Pipe {
  int fd[2] = {-1, -1};
  ~Pipe() {
    for (int f : fd)
      if (f >= 0) ::close(f);
  }
  void Close(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
};

}  // namespace

bool HaveProgram(std::string_view program) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/bin:/bin";
  while (!dirs.empty()) {
    size_t colon = dirs.find(':');
    std::string_view dir = dirs.substr(0, colon);
    std::string candidate = std::string(dir) + "/" + std::string(program);
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return false;
}

Result<ChildOutput> RunChild(const std::vector<std::string>& argv, const ChildLimits& limits,
                             std::string_view stdin_bytes) {
  if (argv.empty()) return InternalError("no program given");
  Pipe out, in, err;
  const bool keep_err = limits.max_stderr > 0;
  if (::pipe2(out.fd, O_CLOEXEC) != 0 || ::pipe2(in.fd, O_CLOEXEC) != 0 ||
      (keep_err && ::pipe2(err.fd, O_CLOEXEC) != 0))
    return IoError(std::string("cannot create a pipe: ") + std::strerror(errno));

  // Everything the child needs is prepared before fork(): only async-signal-safe
  // calls happen between fork() and exec().
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const char* path = std::getenv("PATH");
  std::string path_env = std::string("PATH=") + (path ? path : "/usr/bin:/bin");
  std::string lang_env = "LANG=C.UTF-8";
  char* envp[] = {path_env.data(), lang_env.data(), nullptr};
  struct rlimit mem{limits.memory_bytes, limits.memory_bytes};
  struct rlimit cpu{static_cast<rlim_t>(limits.seconds) + 1, static_cast<rlim_t>(limits.seconds) + 2};

  pid_t pid = ::fork();
  if (pid < 0) return IoError(std::string("cannot start ") + argv[0] + ": " + std::strerror(errno));
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(in.fd[0], 0);
    ::dup2(out.fd[1], 1);
    if (keep_err) {
      ::dup2(err.fd[1], 2);
    } else {
      int devnull = ::open("/dev/null", O_WRONLY);
      if (devnull >= 0) ::dup2(devnull, 2);
    }
    ::setrlimit(RLIMIT_AS, &mem);
    ::setrlimit(RLIMIT_CPU, &cpu);
    ::execvpe(args[0], args.data(), envp);
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also from the parent, so the kill below never races the child's own call
  in.Close(0);
  out.Close(1);
  err.Close(1);
  ::fcntl(in.fd[1], F_SETFL, O_NONBLOCK);
  ::fcntl(out.fd[0], F_SETFL, O_NONBLOCK);
  if (keep_err) ::fcntl(err.fd[0], F_SETFL, O_NONBLOCK);
  if (stdin_bytes.empty()) in.Close(1);

  // A child that exits without reading all of stdin must not kill us with SIGPIPE:
  // block it in this thread while writing and drop a pending one afterwards.
  sigset_t pipe_set, old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  const bool block_pipe = in.fd[1] >= 0 && ::pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set) == 0;

  ChildOutput result;
  Status limit;
  size_t written = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limits.seconds);
  char buf[1 << 16];
  // Runs until stdout and (when kept) stderr are closed; stderr past max_stderr is
  // read and dropped so a chatty child never blocks on a full pipe.
  while (out.fd[0] >= 0 || err.fd[0] >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      limit = LimitError(argv[0] + " ran longer than " + std::to_string(limits.seconds) + " s and was stopped");
      break;
    }
    pollfd fds[3] = {{out.fd[0], POLLIN, 0}, {err.fd[0], POLLIN, 0}, {in.fd[1], POLLOUT, 0}};
    int n = ::poll(fds, in.fd[1] >= 0 ? 3 : 2, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) continue;
    if (in.fd[1] >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = ::write(in.fd[1], stdin_bytes.data() + written, stdin_bytes.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      if (w < 0 && errno != EAGAIN && errno != EINTR) in.Close(1);  // the child stopped reading
      if (written == stdin_bytes.size()) in.Close(1);
    }
    if (err.fd[0] >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t r = ::read(err.fd[0], buf, sizeof buf);
      if (r > 0) {
        size_t room = limits.max_stderr > result.err.size() ? limits.max_stderr - result.err.size() : 0;
        result.err.append(buf, std::min(room, static_cast<size_t>(r)));
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        err.Close(0);
      }
    }
    if (out.fd[0] >= 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t r = ::read(out.fd[0], buf, sizeof buf);
      if (r > 0) {
        if (result.out.size() + static_cast<size_t>(r) > limits.max_output) {
          limit = LimitError(argv[0] + " wrote more than the output limit and was stopped");
          break;
        }
        result.out.append(buf, static_cast<size_t>(r));
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        out.Close(0);
      }
    }
  }
  if (!limit.ok()) ::kill(-pid, SIGKILL);
  in.Close(1);
  out.Close(0);
  err.Close(0);
  if (block_pipe) {
    if (!sigismember(&old_set, SIGPIPE)) {
      const struct timespec zero{0, 0};
      while (::sigtimedwait(&pipe_set, nullptr, &zero) > 0) {
      }
    }
    ::pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!limit.ok()) return limit;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
    if (WTERMSIG(status) == SIGXCPU)
      return LimitError(argv[0] + " used more than " + std::to_string(limits.seconds) + " s of CPU and was stopped");
  }
  if (result.exit_code == 127 && result.out.empty()) return IoError("cannot run " + argv[0] + " (not installed?)");
  return result;
}

}  // namespace breachscope::extract
