/*
 * Memory read bandwidth with N threads: each thread sums its own slice of one buffer far larger
 * than the last-level cache, several passes, and the best pass counts. Prints
 * {"threads":N,"bytes":B,"bytesPerSecond":X} on one line. Built by scripts/memory-bandwidth.sh.
 * usage: readBandwidth <threads> <mebibytes> <passes>
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
  const uint64_t *start;
  size_t words;
  pthread_barrier_t *barrier;
  uint64_t sum;
} slice_t;

static int passes;

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Eight independent sums let the compiler vectorize and keep several loads in flight. */
static uint64_t sum_words(const uint64_t *words, size_t count) {
  uint64_t s[8] = {0};
  for (size_t i = 0; i + 8 <= count; i += 8)
    for (int k = 0; k < 8; k++) s[k] += words[i + k];
  return s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7];
}

static void *read_slice(void *arg) {
  slice_t *slice = arg;
  for (int pass = 0; pass < passes; pass++) {
    /* The main thread's clock runs between the two barriers: from all started to all done. */
    pthread_barrier_wait(slice->barrier);
    slice->sum += sum_words(slice->start, slice->words);
    pthread_barrier_wait(slice->barrier);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s <threads> <mebibytes> <passes>\n", argv[0]);
    return 2;
  }
  int threads = atoi(argv[1]);
  size_t bytes = (size_t)atol(argv[2]) << 20;
  passes = atoi(argv[3]);
  if (threads < 1 || threads > 1024 || bytes == 0 || passes < 1 || passes > 64) {
    fprintf(stderr, "readBandwidth: bad arguments\n");
    return 2;
  }
  size_t words = bytes / sizeof(uint64_t);
  uint64_t *buffer = aligned_alloc(64, words * sizeof(uint64_t));
  if (buffer == NULL) {
    fprintf(stderr, "readBandwidth: cannot allocate %zu bytes\n", bytes);
    return 1;
  }
  /* Touch every page with distinct values so nothing is a shared zero page. */
  for (size_t i = 0; i < words; i++) buffer[i] = i;

  pthread_barrier_t barrier;
  pthread_barrier_init(&barrier, NULL, (unsigned)threads + 1);
  slice_t *slices = calloc((size_t)threads, sizeof(slice_t));
  pthread_t *ids = calloc((size_t)threads, sizeof(pthread_t));
  size_t per = (words / (size_t)threads) & ~(size_t)7;
  for (int t = 0; t < threads; t++) {
    slices[t] = (slice_t){buffer + (size_t)t * per, per, &barrier, 0};
    pthread_create(&ids[t], NULL, read_slice, &slices[t]);
  }
  double best = 0;
  for (int pass = 0; pass < passes; pass++) {
    pthread_barrier_wait(&barrier);
    double started = now_seconds();
    pthread_barrier_wait(&barrier);
    double seconds = now_seconds() - started;
    double rate = (double)(per * (size_t)threads * sizeof(uint64_t)) / seconds;
    if (rate > best) best = rate;
  }
  uint64_t checksum = 0;
  for (int t = 0; t < threads; t++) {
    pthread_join(ids[t], NULL);
    checksum += slices[t].sum;
  }
  printf("{\"threads\":%d,\"bytes\":%zu,\"bytesPerSecond\":%.0f,\"checksum\":%llu}\n", threads,
         per * (size_t)threads * sizeof(uint64_t), best, (unsigned long long)checksum);
  return 0;
}
