// Checks that two MJCF files describe the same dynamics: both are stepped from qpos0 under the same
// pseudo-random controls (plus a reset noise on qpos/qvel) and every qpos, qvel, qacc_warmstart, xpos
// and cfrc_ext value must agree bit for bit. Usage: compare_models A.xml B.xml [steps]
// Build: gcc -O2 -o compare_models compare_models.c -lmujoco
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <mujoco/mujoco.h>

static uint64_t state = 0x9E3779B97F4A7C15ULL;
static double next_unit(void) {  // xorshift64*, uniform in [0, 1)
  state ^= state >> 12; state ^= state << 25; state ^= state >> 27;
  return (double)((state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static int same(const char* what, const mjtNum* a, const mjtNum* b, int n, int step) {
  if (n && memcmp(a, b, sizeof(mjtNum) * n) != 0) {
    for (int i = 0; i < n; i++) if (a[i] != b[i]) {
      printf("differ at step %d: %s[%d] = %.17g vs %.17g\n", step, what, i, a[i], b[i]);
      break;
    }
    return 0;
  }
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s A.xml B.xml [steps]\n", argv[0]); return 2; }
  int steps = argc > 3 ? atoi(argv[3]) : 2000;
  char err[1000];
  mjModel* ma = mj_loadXML(argv[1], NULL, err, sizeof(err));
  if (!ma) { printf("%s: %s\n", argv[1], err); return 2; }
  mjModel* mb = mj_loadXML(argv[2], NULL, err, sizeof(err));
  if (!mb) { printf("%s: %s\n", argv[2], err); return 2; }
  if (ma->nq != mb->nq || ma->nv != mb->nv || ma->nu != mb->nu || ma->nbody != mb->nbody || ma->ngeom != mb->ngeom
      || ma->njnt != mb->njnt || ma->nsite != mb->nsite || ma->ntendon != mb->ntendon) {
    printf("sizes differ\n"); return 1;
  }
  mjData* da = mj_makeData(ma);
  mjData* db = mj_makeData(mb);
  for (int i = 0; i < ma->nq; i++) { double r = 0.1 * (2 * next_unit() - 1); da->qpos[i] += r; db->qpos[i] += r; }
  for (int i = 0; i < ma->nv; i++) { double r = 0.1 * (2 * next_unit() - 1); da->qvel[i] = r; db->qvel[i] = r; }
  mj_forward(ma, da); mj_forward(mb, db);
  int ok = 1;
  for (int t = 0; t < steps && ok; t++) {
    for (int i = 0; i < ma->nu; i++) {
      double lo = ma->actuator_ctrlrange[2 * i], hi = ma->actuator_ctrlrange[2 * i + 1];
      double u = lo + (hi - lo) * 1.2 * next_unit() - 0.1 * (hi - lo);
      da->ctrl[i] = u; db->ctrl[i] = u;
    }
    mj_step(ma, da); mj_step(mb, db);
    mj_rnePostConstraint(ma, da); mj_rnePostConstraint(mb, db);
    ok = same("qpos", da->qpos, db->qpos, ma->nq, t) && same("qvel", da->qvel, db->qvel, ma->nv, t)
      && same("qacc_warmstart", da->qacc_warmstart, db->qacc_warmstart, ma->nv, t)
      && same("xpos", da->xpos, db->xpos, 3 * ma->nbody, t) && same("cfrc_ext", da->cfrc_ext, db->cfrc_ext, 6 * ma->nbody, t)
      && same("site_xpos", da->site_xpos, db->site_xpos, 3 * ma->nsite, t)
      && same("body_mass", ma->body_mass, mb->body_mass, ma->nbody, t);
  }
  printf("%s after %d steps (ncon at end %d)\n", ok ? "identical" : "DIFFERENT", steps, da->ncon);
  return ok ? 0 : 1;
}
