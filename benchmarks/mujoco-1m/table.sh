#!/usr/bin/env bash
# Prints the markdown table of docs/mujoco.md from run.sh's results.csv: one row per algorithm and env, each seed's
# mean deterministic return over 10 episodes, their mean over seeds, the published 1M-step figure beside it, and
# the training wall time per run (mean over the seeds run on each kind of CPU, minutes).
#
#   benchmarks/mujoco-1m/table.sh [benchmarks/mujoco-1m/results.csv]
set -euo pipefail
results="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/results.csv}"
awk -F, '
  BEGIN {
    # Published 1M-step figures: Tianshou (PPO, TRPO), CleanRL (TD3, SAC), rl-baselines3-zoo (TD3, SAC on Ant).
    published["ppo,HalfCheetah-v4"] = "5784 (Tianshou)"; published["ppo,Hopper-v4"] = "2609 (Tianshou)"
    published["ppo,Walker2d-v4"] = "3589 (Tianshou)"
    published["trpo,HalfCheetah-v4"] = "4471 (Tianshou)"; published["trpo,Hopper-v4"] = "2046 (Tianshou)"
    published["trpo,Walker2d-v4"] = "3827 (Tianshou)"
    published["td3,HalfCheetah-v4"] = "9583 (CleanRL)"; published["td3,Hopper-v4"] = "3135 (CleanRL)"
    published["td3,Walker2d-v4"] = "4058 (CleanRL)"; published["td3,Ant-v4"] = "5813 (rl-zoo)"
    published["sac,HalfCheetah-v4"] = "9635 (CleanRL)"; published["sac,Hopper-v4"] = "2310 (CleanRL)"
    published["sac,Walker2d-v4"] = "3591 (CleanRL)"; published["sac,Ant-v4"] = "4616 (rl-zoo)"
  }
  NR == 1 { next }
  {
    key = $1 "," $2 ($4 == 1000000 ? "" : " at " $4 " steps")
    if (!(key in count)) { order[++keys] = key }
    count[key]++; sum[key] += $5; sumsq[key] += $5 * $5
    cpu = ($10 == "" ? "?" : $10); if (!((key, cpu) in walls)) cpus[key] = cpus[key] (cpus[key] == "" ? "" : " ") cpu
    walls[key, cpu] += $7; runs[key, cpu]++
    seeds[key] = seeds[key] (seeds[key] == "" ? "" : ", ") sprintf("%s: %.1f ± %.1f", $3, $5, $6)
  }
  END {
    print "| algorithm | env | per seed (seed: mean ± std over 10 episodes) | mean over seeds | published | train wall time per run (CPU, runs) |"
    print "| --- | --- | --- | ---: | --- | ---: |"
    # Rows in a fixed order (algorithms, then envs), then any others in the order they were written.
    split("ppo trpo td3 sac", algos, " "); split("Hopper-v4 HalfCheetah-v4 Walker2d-v4 Ant-v4", envs, " ")
    rows = 0
    for (a = 1; a <= 4; a++) for (e = 1; e <= 4; e++) if ((algos[a] "," envs[e]) in count) { row[++rows] = algos[a] "," envs[e]; listed[row[rows]] = 1 }
    for (i = 1; i <= keys; i++) if (!(order[i] in listed)) row[++rows] = order[i]
    for (i = 1; i <= rows; i++) {
      key = row[i]; split(key, part, ",")
      n = count[key]; mean = sum[key] / n
      spread = n > 1 ? sqrt((sumsq[key] - n * mean * mean) / (n - 1)) : 0
      over = n > 1 ? sprintf("%.0f ± %.0f (%d seeds)", mean, spread, n) : sprintf("%.0f (1 seed)", mean)
      pub = (key in published) ? published[key] : "—"
      nc = split(cpus[key], cpuList, " "); timing = ""
      for (c = 1; c <= nc; c++) timing = timing (c > 1 ? "; " : "") sprintf("%.1f min (%s, %d)", walls[key, cpuList[c]] / runs[key, cpuList[c]] / 60, cpuList[c], runs[key, cpuList[c]])
      printf "| %s | %s | %s | %s | %s | %s |\n", toupper(part[1]), part[2], seeds[key], over, pub, timing
    }
  }' "$results"

# The jobs of run.sh's default table that have no result yet.
pending=()
for env in Hopper-v4 HalfCheetah-v4 Walker2d-v4 Ant-v4; do
  for algo in ppo trpo; do
    for seed in 0 1 2; do grep -q "^$algo,$env,$seed,1000000," "$results" || pending+=("$algo $env $seed"); done
  done
done
for env in Hopper-v4 HalfCheetah-v4; do
  for algo in td3 sac; do grep -q "^$algo,$env,0,1000000," "$results" || pending+=("$algo $env 0"); done
done
if [ ${#pending[@]} -gt 0 ]; then
  echo
  printf 'Pending (%d of run.sh'"'"'s 28 jobs): ' "${#pending[@]}"
  printf '%s; ' "${pending[@]}" | sed 's/; $/.\n/'
fi
