#!/usr/bin/env bash
# The 1M-step MuJoCo table of docs/mujoco.md: each job is "algorithm env seed", trained with SharpRL's preset
# for that pair (rl-zoo's values) to 1e6 env steps, checkpointed every 1e5 steps so an interrupted job
# resumes exactly where its last checkpoint left it, then evaluated deterministically over 10 episodes.
# Training wall time is read from progress.csv: each invocation restarts time/time_elapsed at 0, and of an
# interrupted invocation only the time up to the checkpoint the next one resumed from counts.
#
#   benchmarks/mujoco-1m/run.sh [OUT] [JOB ...]     (default OUT: runs/mujoco-1m; default jobs: the whole table)
#   e.g. benchmarks/mujoco-1m/run.sh runs/mujoco-1m "ppo Hopper-v4 0" "trpo Hopper-v4 0"
#
# Rerunning the script continues: finished jobs are skipped, started ones resume. Wall time is summed over a
# job's invocations. TRAIN_ARGS_<algorithm> adds arguments to a job's first `train` call (a resume keeps the
# settings it was started with), e.g. TRAIN_ARGS_td3="--set parallel_critics=false" when two lanes share two cores.
# Results go to benchmarks/mujoco-1m/results.csv, the committed record the docs table is made from (RESULTS
# overrides it): a run's checkpoints live in OUT, which a fresh machine does not have, so the record is kept in git.
# Two lanes (two invocations with disjoint job lists) on two cores: export DOTNET_PROCESSOR_COUNT=1 too, so that every
# job runs on one thread (PPO's paired passes and the twin critics then run on the caller; the results are the same). Each row of results.csv:
#   algorithm,env,seed,timesteps,eval_mean,eval_std,train_wall_s,invocations,host_cores,cpu
# (cpu: the widest kernel path the CPU gives, AVX-512 or AVX2, and its maker, e.g. AVX-512/AMD; wall times are only
# comparable within one: the Intel Xeon of 2026-12-02 ran the off-policy jobs at about half the AMD Zen 5's speed)
set -euo pipefail
steps="${STEPS:-1000000}"  # STEPS overrides the budget (for trying the script on a small one)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-runs/mujoco-1m}"
shift || true
jobs=("$@")
if [ ${#jobs[@]} -eq 0 ]; then
  for env in Hopper-v4 HalfCheetah-v4 Walker2d-v4 Ant-v4; do
    for algo in ppo trpo; do
      for seed in 0 1 2; do jobs+=("$algo $env $seed"); done
    done
  done
  for env in Hopper-v4 HalfCheetah-v4; do
    for algo in td3 sac; do jobs+=("$algo $env 0"); done
  done
fi

mkdir -p "$out"
results="${RESULTS:-$root/benchmarks/mujoco-1m/results.csv}"
[ -f "$results" ] || echo "algorithm,env,seed,timesteps,eval_mean,eval_std,train_wall_s,invocations,host_cores,cpu" > "$results"
for job in "${jobs[@]}"; do
  read -r algo env seed <<< "$job"
  dir="$out/${algo}_${env}_s${seed}"
  if grep -q "^$algo,$env,$seed," "$results"; then
    continue
  fi
  if [ -f "$dir/model.json" ]; then
    :  # trained to the end before; only the evaluation is missing
  elif [ -f "$dir/checkpoint.json" ]; then
    "$root/sharprl" train --resume "$dir" --quiet
  else
    rm -rf "$dir"
    extra_var="TRAIN_ARGS_$algo"
    read -r -a extra <<< "${!extra_var:-}"
    "$root/sharprl" train "$algo" "$env" --seed "$seed" --timesteps "$steps" --out "$dir" --save-freq 100000 --quiet "${extra[@]}"
  fi
  eval_line=$("$root/sharprl" eval "$dir" --episodes 10)
  echo "$eval_line" > "$dir/eval.txt"
  mean=$(sed -E 's/.*mean return ([-0-9.]+) ± ([0-9.]+).*/\1/' <<< "$eval_line")
  std=$(sed -E 's/.*mean return ([-0-9.]+) ± ([0-9.]+).*/\2/' <<< "$eval_line")
  # Segments of progress.csv (one per invocation) split where time_elapsed falls; a segment counts up to the
  # last row at or before the step the next segment starts from (that invocation's last kept checkpoint).
  read -r wall invocations < <(awk -F, '
    NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "time/time_elapsed") te = i; if ($i == "time/total_timesteps") ts = i }; next }
    { t = $te + 0; s = $ts + 0
      if (n > 0 && t < last_t[n]) { n++ } else if (n == 0) { n = 1 }
      seg_t[n, ++rows[n]] = t; seg_s[n, rows[n]] = s; last_t[n] = t; first_s[n] = (rows[n] == 1 ? s : first_s[n]) }
    END { total = 0
      for (k = 1; k <= n; k++) {
        if (k == n) { total += last_t[k]; continue }
        kept = 0; for (r = 1; r <= rows[k]; r++) if (seg_s[k, r] <= first_s[k + 1]) kept = seg_t[k, r]
        total += kept }
      printf "%.1f %d\n", total, n }' "$dir/progress.csv")
  cpu=$(grep -q -w avx512f /proc/cpuinfo && echo AVX-512 || echo AVX2)
  case "$(grep -m1 vendor_id /proc/cpuinfo)" in
    *AuthenticAMD*) cpu="$cpu/AMD" ;;
    *GenuineIntel*) cpu="$cpu/Intel" ;;
  esac
  echo "$algo,$env,$seed,$steps,$mean,$std,$wall,$invocations,$(nproc),$cpu" >> "$results"
done
