// A fixed set of threads that run heavy work (suggestions) off gRPC's threads.
#ifndef HYPERD_SERVER_WORKER_POOL_H_
#define HYPERD_SERVER_WORKER_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace hyperd::server {

// Thread-safe. The destructor runs every task already queued, then joins the threads.
class WorkerPool {
 public:
  WorkerPool(int threads, size_t max_queued);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`, or returns RESOURCE_EXHAUSTED when `max_queued` tasks are waiting already.
  absl::Status Submit(std::function<void()> task);

  size_t QueueDepth() const;

  // While paused, threads start no new task (running ones finish); tasks queue up to
  // `max_queued`. Resume() lets them run. For maintenance and for tests that need work to wait at
  // a known point. The destructor resumes a paused pool.
  void Pause();
  void Resume();
  // Blocks until at least `depth` tasks are queued (with a paused pool: until they were
  // submitted). For tests.
  void AwaitQueueDepth(size_t depth) const;

 private:
  void Run();

  const size_t max_queued_;
  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool paused_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace hyperd::server

#endif  // HYPERD_SERVER_WORKER_POOL_H_
