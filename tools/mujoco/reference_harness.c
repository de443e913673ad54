// Independent reference for SharpRL's MuJoCo envs: replays an episode on libmujoco 2.2.2 from the
// initial qpos/qvel that set_state received and the float32 actions, computing each step's observation
// and reward by Gymnasium's formulas (written here in C, separately from the C# envs), and prints the
// results as IEEE bit patterns so the test can compare them exactly.
//
// Input (stdin, whitespace-separated): env-name version frame-skip steps model-path,
//   nq qpos bit patterns (hex uint64), nv qvel patterns, then steps x nu actions (hex uint32 of float32).
// Output: one line per step: "<reward bits> <terminated 0|1> <observation bits...>".
// Build: gcc -std=c11 -O2 -ffp-contract=off -o reference_harness reference_harness.c -lmujoco -lm
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mujoco/mujoco.h>

static mjModel* m;
static mjData* d;
static int version, frame_skip;
static double obs[512];
static int nobs;
static volatile double two = 2.0;  // keeps pow(x, 2) a library call, as Python's x ** 2 is

static uint64_t bits(double x) { uint64_t u; memcpy(&u, &x, 8); return u; }
static double from_bits(uint64_t u) { double x; memcpy(&x, &u, 8); return x; }
static double clip(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }
static void put(double x) { obs[nobs++] = x; }

// NumPy's np.add.reduce: 0 + pairwise sum (8 accumulators for 8 <= n <= 128, halves beyond).
static double pairwise(const double* a, int n) {
  if (n < 8) { double s = 0; for (int i = 0; i < n; i++) s += a[i]; return s; }
  if (n <= 128) {
    double r[8]; int i;
    for (int j = 0; j < 8; j++) r[j] = a[j];
    for (i = 8; i < n - (n % 8); i += 8) for (int j = 0; j < 8; j++) r[j] += a[i + j];
    double s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) s += a[i];
    return s;
  }
  int h = n / 2; h -= h % 8;
  return pairwise(a, h) + pairwise(a + h, n - h);
}
static float pairwise_f(const float* a, int n) {
  if (n < 8) { float s = 0; for (int i = 0; i < n; i++) s += a[i]; return s; }
  float r[8]; int i;
  for (int j = 0; j < 8; j++) r[j] = a[j];
  for (i = 8; i < n - (n % 8); i += 8) for (int j = 0; j < 8; j++) r[j] += a[i + j];
  float s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
  for (; i < n; i++) s += a[i];
  return s;
}
static double sumsq(const double* a, int n) { double t[512]; for (int i = 0; i < n; i++) t[i] = a[i] * a[i]; return 0.0 + pairwise(t, n); }
static float sumsq_f(const float* a, int n) { float t[64]; for (int i = 0; i < n; i++) t[i] = a[i] * a[i]; return 0.0f + pairwise_f(t, n); }
static double norm3(const double* a, const double* b) {
  double x = a[0] - b[0], y = a[1] - b[1], z = a[2] - b[2];
  return sqrt(x * x + y * y + z * z);
}
static int body(const char* name) { return mj_name2id(m, mjOBJ_BODY, name); }

static void simulate(const float* a) {
  for (int i = 0; i < m->nu; i++) d->ctrl[i] = a[i];
  for (int i = 0; i < frame_skip; i++) mj_step(m, d);
  mj_rnePostConstraint(m, d);
}

static void planar_obs(int skip, double vclip) {
  for (int i = skip; i < m->nq; i++) put(d->qpos[i]);
  for (int i = 0; i < m->nv; i++) put(clip(d->qvel[i], -vclip, vclip));
}

static void humanoid_obs(void) {
  int sb = version == 4 ? 0 : 1, sd = version == 4 ? 0 : 6;
  for (int i = 2; i < m->nq; i++) put(d->qpos[i]);
  for (int i = 0; i < m->nv; i++) put(d->qvel[i]);
  for (int i = 10 * sb; i < 10 * m->nbody; i++) put(d->cinert[i]);
  for (int i = 6 * sb; i < 6 * m->nbody; i++) put(d->cvel[i]);
  for (int i = sd; i < m->nv; i++) put(d->qfrc_actuator[i]);
  for (int i = 6 * sb; i < 6 * m->nbody; i++) put(d->cfrc_ext[i]);
}

static void mass_center(double* x, double* y) {
  double sx = 0, sy = 0;
  for (int b = 0; b < m->nbody; b++) { sx += m->body_mass[b] * d->xipos[3 * b]; sy += m->body_mass[b] * d->xipos[3 * b + 1]; }
  double total = 0.0 + pairwise(m->body_mass, m->nbody);
  *x = sx / total; *y = sy / total;
}

// One env step: returns the reward, sets *term, fills obs.
static double step(const char* env, const float* a, int* term) {
  double dt = m->opt.timestep * frame_skip;
  float ctrl_sq = sumsq_f(a, m->nu);
  nobs = 0;
  *term = 0;
  if (!strcmp(env, "Hopper") || !strcmp(env, "Walker2d")) {
    double x0 = d->qpos[0];
    simulate(a);
    double vx = (d->qpos[0] - x0) / dt, z = d->qpos[1], ang = d->qpos[2];
    int healthy;
    if (env[0] == 'H') {
      healthy = 1;
      for (int i = 2; i < m->nq; i++) healthy &= -100.0 < d->qpos[i] && d->qpos[i] < 100.0;
      for (int i = 0; i < m->nv; i++) healthy &= -100.0 < d->qvel[i] && d->qvel[i] < 100.0;
      healthy &= 0.7 < z && z < INFINITY && -0.2 < ang && ang < 0.2;
    } else {
      healthy = 0.8 < z && z < 2.0 && -1.0 < ang && ang < 1.0;
    }
    double survive = version == 4 ? 1.0 : (healthy ? 1.0 : 0.0);
    float cost = 1e-3f * ctrl_sq;
    planar_obs(1, 10);
    *term = !healthy;
    return (1.0 * vx + survive) - cost;
  }
  if (!strcmp(env, "HalfCheetah")) {
    double x0 = d->qpos[0];
    simulate(a);
    double vx = (d->qpos[0] - x0) / dt;
    planar_obs(1, INFINITY);
    return 1.0 * vx - (float)(0.1f * ctrl_sq);
  }
  if (!strcmp(env, "Swimmer")) {
    double x0 = d->qpos[0];
    simulate(a);
    double vx = (d->qpos[0] - x0) / dt;
    planar_obs(2, INFINITY);
    return 1.0 * vx - (float)(1e-4f * ctrl_sq);
  }
  if (!strcmp(env, "Ant")) {
    int torso = 1;
    double x0 = d->xpos[3 * torso];
    simulate(a);
    double vx = (d->xpos[3 * torso] - x0) / dt;
    int healthy = 1;
    for (int i = 0; i < m->nq; i++) healthy &= isfinite(d->qpos[i]);
    for (int i = 0; i < m->nv; i++) healthy &= isfinite(d->qvel[i]);
    healthy &= 0.2 <= d->qpos[2] && d->qpos[2] <= 1.0;
    double forces[6 * 64];
    for (int i = 0; i < 6 * m->nbody; i++) forces[i] = clip(d->cfrc_ext[i], -1, 1);
    for (int i = 2; i < m->nq; i++) put(d->qpos[i]);
    for (int i = 0; i < m->nv; i++) put(d->qvel[i]);
    float cost = 0.5f * ctrl_sq;
    *term = !healthy;
    if (version == 4) return (vx + 1.0) - cost;
    for (int i = 6; i < 6 * m->nbody; i++) put(forces[i]);
    double contact = 5e-4 * sumsq(forces, 6 * m->nbody);
    return (vx * 1.0 + (healthy ? 1.0 : 0.0)) - ((double)cost + contact);
  }
  if (!strcmp(env, "InvertedPendulum")) {
    simulate(a);
    int finite = 1;
    for (int i = 0; i < m->nq; i++) { put(d->qpos[i]); finite &= isfinite(d->qpos[i]); }
    for (int i = 0; i < m->nv; i++) { put(d->qvel[i]); finite &= isfinite(d->qvel[i]); }
    *term = !finite || fabs(d->qpos[1]) > 0.2;
    return version == 4 ? 1.0 : (*term ? 0.0 : 1.0);
  }
  if (!strcmp(env, "InvertedDoublePendulum")) {
    simulate(a);
    put(d->qpos[0]);
    for (int i = 1; i < m->nq; i++) put(sin(d->qpos[i]));
    for (int i = 1; i < m->nq; i++) put(cos(d->qpos[i]));
    for (int i = 0; i < m->nv; i++) put(clip(d->qvel[i], -10, 10));
    for (int i = 0; i < (version == 4 ? m->nv : 1); i++) put(clip(d->qfrc_constraint[i], -10, 10));
    double x = d->site_xpos[0], y = d->site_xpos[2];
    double dist = 0.01 * pow(x, two) + pow(y - 2, two);
    double vel = 1e-3 * pow(d->qvel[1], two) + 5e-3 * pow(d->qvel[2], two);
    *term = y <= 1;
    double alive = version == 4 ? 10 : 10.0 * (*term ? 0 : 1);
    return alive - dist - vel;
  }
  if (!strcmp(env, "Reacher")) {
    int tip = body("fingertip"), target = body("target");
    double reward = 0;
    if (version == 4) reward = -norm3(d->xpos + 3 * tip, d->xpos + 3 * target) + (double)(-ctrl_sq);
    simulate(a);
    if (version == 5) reward = -norm3(d->xpos + 3 * tip, d->xpos + 3 * target) * 1.0 + (double)(-ctrl_sq * 1.0f);
    put(cos(d->qpos[0])); put(cos(d->qpos[1])); put(sin(d->qpos[0])); put(sin(d->qpos[1]));
    for (int i = 2; i < m->nq; i++) put(d->qpos[i]);
    put(d->qvel[0]); put(d->qvel[1]);
    for (int j = 0; j < (version == 4 ? 3 : 2); j++) put(d->xpos[3 * tip + j] - d->xpos[3 * target + j]);
    return reward;
  }
  if (!strcmp(env, "Pusher")) {
    int tips = body("tips_arm"), object = body("object"), goal = body("goal");
    double reward = 0;
    if (version == 4) {
      double near = -norm3(d->xpos + 3 * object, d->xpos + 3 * tips), dist = -norm3(d->xpos + 3 * object, d->xpos + 3 * goal);
      reward = dist + (double)(0.1f * -ctrl_sq) + 0.5 * near;
    }
    simulate(a);
    if (version == 5) {
      double near = -norm3(d->xpos + 3 * object, d->xpos + 3 * tips) * 0.5, dist = -norm3(d->xpos + 3 * object, d->xpos + 3 * goal) * 1.0;
      reward = dist + (double)(-ctrl_sq * 0.1f) + near;
    }
    for (int i = 0; i < 7; i++) put(d->qpos[i]);
    for (int i = 0; i < 7; i++) put(d->qvel[i]);
    for (int j = 0; j < 3; j++) put(d->xpos[3 * tips + j]);
    for (int j = 0; j < 3; j++) put(d->xpos[3 * object + j]);
    for (int j = 0; j < 3; j++) put(d->xpos[3 * goal + j]);
    return reward;
  }
  if (!strcmp(env, "Humanoid")) {
    double x0, y0, x1, y1;
    mass_center(&x0, &y0);
    simulate(a);
    mass_center(&x1, &y1);
    double vx = (x1 - x0) / dt;
    double ctrl = 0.1 * sumsq(d->ctrl, m->nu);
    int healthy = 1.0 < d->qpos[2] && d->qpos[2] < 2.0;
    humanoid_obs();
    *term = !healthy;
    if (version == 4) return (1.25 * vx + 5.0) - ctrl;
    double contact = clip(5e-7 * sumsq(d->cfrc_ext, 6 * m->nbody), -INFINITY, 10.0);
    return (1.25 * vx + (healthy ? 5.0 : 0.0)) - (ctrl + contact);
  }
  if (!strcmp(env, "HumanoidStandup")) {
    simulate(a);
    double uph = (d->qpos[2] - 0) / m->opt.timestep;
    double ctrl = 0.1 * sumsq(d->ctrl, m->nu);
    double impact = 5e-7 * sumsq(d->cfrc_ext, 6 * m->nbody);
    impact = version == 4 ? (10 < impact ? 10 : impact) : clip(impact, -INFINITY, 10.0);
    humanoid_obs();
    return uph - ctrl - impact + 1;
  }
  fprintf(stderr, "unknown env %s\n", env);
  exit(2);
}

int main(void) {
  char env[64], path[4096], err[1000];
  int steps;
  if (scanf("%63s %d %d %d %4095s", env, &version, &frame_skip, &steps, path) != 5) { fprintf(stderr, "bad header\n"); return 2; }
  m = mj_loadXML(path, NULL, err, sizeof(err));
  if (!m) { fprintf(stderr, "%s\n", err); return 2; }
  d = mj_makeData(m);
  mj_resetData(m, d);
  unsigned long long u;
  for (int i = 0; i < m->nq; i++) { if (scanf("%llx", &u) != 1) return 2; d->qpos[i] = from_bits(u); }
  for (int i = 0; i < m->nv; i++) { if (scanf("%llx", &u) != 1) return 2; d->qvel[i] = from_bits(u); }
  mj_forward(m, d);
  float a[64];
  for (int t = 0; t < steps; t++) {
    for (int i = 0; i < m->nu; i++) { unsigned int w; if (scanf("%x", &w) != 1) return 2; memcpy(&a[i], &w, 4); }
    int term;
    double r = step(env, a, &term);
    printf("%016llx %d", (unsigned long long)bits(r), term);
    for (int i = 0; i < nobs; i++) printf(" %016llx", (unsigned long long)bits(obs[i]));
    printf("\n");
  }
  return 0;
}
