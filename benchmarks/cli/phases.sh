#!/usr/bin/env bash
# Where a one-shot command's time goes: runs a runlake command N times with RUNLAKE_TIMING=1 and prints, per
# phase, the median of its duration (ms), then the median wall time and CPU time (user + sys) of the whole
# process, and the load average. BENCHMARKS.md, "CLI start-up".
#
#   benchmarks/cli/phases.sh 9 ./runlake experiments --uri /tmp/demo-lake
set -euo pipefail
n="$1"
shift
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for ((i = 1; i <= n; i++)); do
  RUNLAKE_TIMING=1 /usr/bin/time -o "$work/time.$i" -f '%e %U %S' "$@" >/dev/null 2>"$work/phases.$i" || {
    cat "$work/phases.$i" >&2
    exit 1
  }
done
# "runlake: <phase>   <ms> ms (since start <ms> ms)" -> median ms per phase, in the order of the first run
awk '
  /^runlake: .* ms \(since start/ {
    line = $0; sub(/^runlake: /, "", line)
    phase = line; sub(/ +[0-9]+ ms \(since start.*$/, "", phase)
    ms = line; sub(/^.* ([0-9]+) ms \(since start.*$/, "", ms)
    match(line, / [0-9]+ ms \(since start/); ms = substr(line, RSTART + 1, RLENGTH) + 0
    if (!(phase in seen)) { seen[phase] = 1; order[++k] = phase }
    v[phase, ++c[phase]] = ms
  }
  END {
    for (j = 1; j <= k; j++) {
      p = order[j]; m = c[p]
      for (a = 1; a <= m; a++) x[a] = v[p, a]
      for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++) if (x[b] < x[a]) { t = x[a]; x[a] = x[b]; x[b] = t }
      printf "%-46s %6d ms\n", p, x[int((m + 1) / 2)]
      total += x[int((m + 1) / 2)]
    }
    printf "%-46s %6d ms\n", "sum of phase medians", total
  }' "$work"/phases.*
med() { sort -n | awk '{v[NR] = $1} END {printf "%.2f", v[int((NR + 1) / 2)]}'; }
wall="$(cat "$work"/time.* | awk '{print $1}' | med)"
low="$(cat "$work"/time.* | awk '{print $1}' | sort -n | head -1)"
cpu="$(cat "$work"/time.* | awk '{print $2 + $3}' | med)"
echo "whole process: wall median $wall s (min $low s), CPU (user + sys) median $cpu s, $n runs"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
