#include "server/worker_pool.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace hyperd::server {

WorkerPool::WorkerPool(int threads, size_t max_queued) : max_queued_(max_queued) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

WorkerPool::~WorkerPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
}

absl::Status WorkerPool::Submit(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  if (queue_.size() >= max_queued_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the server's worker queue is full (", max_queued_, " tasks waiting); retry with backoff"));
  }
  queue_.push_back(std::move(task));
  return absl::OkStatus();
}

size_t WorkerPool::QueueDepth() const {
  absl::MutexLock lock(&mu_);
  return queue_.size();
}

void WorkerPool::Pause() {
  absl::MutexLock lock(&mu_);
  paused_ = true;
}

void WorkerPool::Resume() {
  absl::MutexLock lock(&mu_);
  paused_ = false;
}

void WorkerPool::AwaitQueueDepth(size_t depth) const {
  absl::MutexLock lock(&mu_);
  struct Args {
    const WorkerPool* pool;
    size_t depth;
  } args{this, depth};
  mu_.Await(absl::Condition(
      +[](Args* a) ABSL_NO_THREAD_SAFETY_ANALYSIS { return a->pool->queue_.size() >= a->depth; },
      &args));
}

void WorkerPool::Run() {
  while (true) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](WorkerPool* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) {
            return p->stopping_ || (!p->paused_ && !p->queue_.empty());
          },
          this));
      if (queue_.empty()) return;  // stopping, and everything queued has run
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

}  // namespace hyperd::server
