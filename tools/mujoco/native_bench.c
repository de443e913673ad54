// The native baseline of `sharprl bench mujoco`: a tight C loop doing an env step's physics work
// (ctrl = action, frame_skip x mj_step, mj_rnePostConstraint) from qpos0 under the same cycled table of
// pseudo-random actions as the managed benchmark, so both compute the identical trajectory.
// Usage: native_bench model.xml frame_skip steps repeats -> prints "<best steps/s> <qpos[0] bits>".
// Build: gcc -std=c11 -O2 -o native_bench native_bench.c -lmujoco
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <mujoco/mujoco.h>

#define TABLE 1000

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }

int main(int argc, char** argv) {
  if (argc < 5) { fprintf(stderr, "usage: %s model.xml frame_skip steps repeats\n", argv[0]); return 2; }
  int frame_skip = atoi(argv[2]), repeats = atoi(argv[4]);
  long steps = atol(argv[3]);
  char err[1000];
  mjModel* m = mj_loadXML(argv[1], NULL, err, sizeof(err));
  if (!m) { fprintf(stderr, "%s\n", err); return 2; }
  mjData* d = mj_makeData(m);
  float* actions = malloc(sizeof(float) * TABLE * m->nu);
  uint64_t s = 42;
  for (int i = 0; i < TABLE * m->nu; i++) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    double u = (double)(s >> 11) * (1.0 / 9007199254740992.0);
    int k = i % m->nu;
    double lo = m->actuator_ctrlrange[2 * k], hi = m->actuator_ctrlrange[2 * k + 1];
    actions[i] = (float)(lo + (hi - lo) * u);
  }
  double best = 0;
  double x = 0;
  for (int r = 0; r < repeats; r++) {
    mj_resetData(m, d);
    mj_forward(m, d);
    double t0 = now();
    for (long t = 0; t < steps; t++) {
      const float* a = actions + (t % TABLE) * m->nu;
      for (int i = 0; i < m->nu; i++) d->ctrl[i] = a[i];
      for (int i = 0; i < frame_skip; i++) mj_step(m, d);
      mj_rnePostConstraint(m, d);
    }
    double rate = steps / (now() - t0);
    if (rate > best) best = rate;
    x = d->qpos[0];
  }
  uint64_t bits;
  memcpy(&bits, &x, 8);
  printf("%.1f %016llx\n", best, (unsigned long long)bits);
  return 0;
}
