#!/usr/bin/env bash
# npm run test:cluster: the README's Slurm array and GNU parallel examples, run for real on a
# throwaway single-node cluster (cluster.sh). Needs root, slurm-wlm, munge and parallel.
#  1. sweep.sbatch as an array of 4 shards; merge; byte-identical to the unsharded sweep
#  2. the same with one array task cancelled (scancel) mid-run: merge refuses the gap; the task
#     resubmitted alone finishes with --resume; byte-identical again
#  3. GNU parallel: the README's line verbatim; byte-identical again
#  4. plane.sbatch: `infoplane plane` as an array over dump folders; byte-identical to plane run here
#  5. reproduce.sbatch: a small reproduction as an array of 4 shards, one cancelled and resubmitted,
#     merged by a dependent job; byte-identical to the unsharded reproduction but for its seconds
# Exits non-zero on the first failure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SLURM_DIR=$ROOT/scripts/slurm
SHARDS=4
T0=$(date +%s)

fail() { echo "test:cluster FAILED: $*" >&2; exit 1; }
step() { echo "--- $* ($(($(date +%s) - T0)) s)"; }
saved() { find "$1" -path '*/runs/r*.json' 2>/dev/null | wc -l; }
for b in sbatch scancel squeue scontrol parallel munged; do
  command -v "$b" >/dev/null || fail "$b not found: apt-get install -y slurm-wlm munge parallel"
done
[ -f "$ROOT/dist/cli/main.js" ] || fail "not built: npm run build"

W=$(mktemp -d /tmp/infoplane-cluster-XXXXXX)
chmod 755 "$W"
STATE=$W/slurm
cleanup() {
  local rc=$?
  "$SLURM_DIR/cluster.sh" stop "$STATE" >/dev/null || true
  if [ $rc = 0 ]; then rm -rf "$W"; else echo "left for inspection: $W" >&2; fi
}
trap cleanup EXIT

# `infoplane` on PATH, as a user's `npm install -g` or `npm link` would give
mkdir -p "$W/bin"
printf '#!/bin/sh\nexec node %q "$@"\n' "$ROOT/bin/infoplane.js" >"$W/bin/infoplane"
chmod +x "$W/bin/infoplane"
export PATH=$W/bin:$PATH

# several cells x several repeats; each network takes long enough (~0.5 s) to cancel a task mid-run
cd "$W"
cat >study.yaml <<'EOF'
name: cluster-test
base: { epochs: 2000, repeats: 4, mi-schedule: "every:100" }
grid:
  activation: [tanh, relu]
  layers: ["6,3", "5"]
EOF
NETS=16

step "unsharded sweep"
infoplane sweep --grid study.yaml --threads 2 --out whole >/dev/null

# the sbatch scripts the README shows are the ones shipped here
for name in sweep reproduce; do
  awk -v job="--job-name=infoplane-$name" '/^```bash$/ { inb = 1; buf = ""; next }
    /^```$/ { if (inb && index(buf, job "\n")) printf "%s", buf; inb = 0; next } inb { buf = buf $0 "\n" }' \
    "$ROOT/README.md" >"readme-$name.sbatch"
  cmp -s "readme-$name.sbatch" "$SLURM_DIR/$name.sbatch" || { diff "readme-$name.sbatch" "$SLURM_DIR/$name.sbatch" >&2 || true; fail "README's $name sbatch block differs from scripts/slurm/$name.sbatch"; }
done

# a small reproduction (42 networks, a few seconds each shard), unsharded, as the reference
RQ=(--quick --repeats 2 --epochs 600 --mi-points 10)
step "unsharded reproduce ${RQ[*]}"
infoplane reproduce "${RQ[@]}" --threads 1 --out repro-whole >/dev/null 2>repro.err || fail "unsharded reproduce: $(tail -3 repro.err)"
RNETS=$(saved repro-whole)

step "start the cluster"
"$SLURM_DIR/cluster.sh" start "$STATE" | sed 's/^/  /'
export SLURM_CONF=$STATE/slurm.conf

# submit sweep.sbatch (array range and CPUs overridden as a user would on the command line)
submit() { # OUT ARRAY -> job id
  sbatch --parsable --array="$2" --cpus-per-task=1 --chdir="$W" --output="$W/log/%A_%a.out" \
    "$SLURM_DIR/sweep.sbatch" study.yaml "$1" "$SHARDS" | cut -d';' -f1
}
wait_job() { # JOB: until no task is pending or running
  for _ in $(seq 1200); do squeue -h -j "$1" 2>/dev/null | grep -q . || return 0; sleep 0.25; done
  fail "job $1 still in the queue after 300 s"
}
task_state() { scontrol -o show job "$1" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }
cancel_task1() { # JOB OUT: scancel task 1 once it saved a network in OUT/shard-1; wait for the job
  for _ in $(seq 1200); do [ "$(saved "$2/shard-1")" -ge 1 ] && break; sleep 0.1; done
  [ "$(saved "$2/shard-1")" -ge 1 ] || fail "$2: task 1 saved nothing within 120 s"
  scancel "${1}_1"
  wait_job "$1"
  local s
  s=$(task_state "${1}_1")
  [ "$s" = CANCELLED ] || fail "$2: task 1 is $s after scancel, not CANCELLED"
}
same() { # A B: byte-identical folders
  diff -r "$1" "$2" >/dev/null || { diff -rq "$1" "$2" >&2 || true; fail "$2 differs from $1"; }
  echo "  $2 == $1 byte for byte ($(find "$2" -type f | wc -l) files)"
}
mkdir -p log

step "array job: $SHARDS shards"
job=$(submit a "0-$((SHARDS - 1))")
wait_job "$job"
for i in $(seq 0 $((SHARDS - 1))); do
  s=$(task_state "${job}_$i")
  [ "$s" = COMPLETED ] || { cat "log/${job}_$i.out" >&2; fail "array task $i: $s"; }
done
[ "$(saved a)" = $NETS ] || fail "the shards saved $(saved a) networks, not $NETS"
infoplane merge a/shard-* --out a/merged >/dev/null
same whole a/merged

step "array job with task 1 cancelled mid-run"
job=$(submit b "0-$((SHARDS - 1))")
cancel_task1 "$job" b
n1=$(saved b/shard-1)
[ "$n1" -lt $((NETS / SHARDS)) ] || fail "task 1 finished all its networks before scancel (timing); rerun"
echo "  task 1 cancelled with $n1 of $((NETS / SHARDS)) networks saved"
if infoplane merge b/shard-* --out b/merged 2>merge.err; then fail "merge accepted a cancelled shard"; fi
grep -q missing merge.err || fail "merge of a cancelled shard did not name the missing networks: $(cat merge.err)"
rm -rf b/merged
job=$(submit b 1)
wait_job "$job"
s=$(task_state "${job}_1")
[ "$s" = COMPLETED ] || { cat "log/${job}_1.out" >&2; fail "resubmitted task 1: $s"; }
grep -q "$((NETS / SHARDS - n1)) network(s) trained" "log/${job}_1.out" || fail "resubmitted task did not resume: $(cat "log/${job}_1.out")"
infoplane merge b/shard-* --out b/merged >/dev/null
same whole b/merged

step "GNU parallel, the README's line"
mkdir study
line=$(grep -o 'parallel -j[0-9]* infoplane sweep [^`]*' "$ROOT/README.md" | head -1)
merge_line=$(grep -o 'infoplane merge study/s?[^`]*' "$ROOT/README.md" | head -1)
[ -n "$line" ] && [ -n "$merge_line" ] || fail "README has no GNU parallel example with its merge line"
echo "  $line"
bash -c "$line" >/dev/null
echo "  $merge_line"
bash -c "$merge_line" >/dev/null
same whole study/merged

# plane: one array task per dump folder (plane.sbatch), against plane run here
step "plane: an array over the dumps of 3 networks"
infoplane run --epochs 300 --mi-schedule every:30 --repeats 3 --threads 2 --dump-activations dumps --out run-dumps >/dev/null
for d in dumps/*/; do d=${d%/}; infoplane plane --dump "$d" --threads 1 --out "planes-here/$(basename "$d")" >/dev/null; done
[ "$(ls planes-here | wc -l)" = 3 ] || fail "expected 3 dump folders, got: $(ls dumps)"
job=$(sbatch --parsable --array=0-2 --cpus-per-task=1 --chdir="$W" --output="$W/log/%A_%a.out" \
  "$SLURM_DIR/plane.sbatch" dumps planes | cut -d';' -f1)
wait_job "$job"
for i in 0 1 2; do
  s=$(task_state "${job}_$i")
  [ "$s" = COMPLETED ] || { cat "log/${job}_$i.out" >&2; fail "plane array task $i: $s"; }
done
same planes-here planes

# reproduce: reproduce.sbatch as an array of shards, task 1 cancelled mid-run and resubmitted alone,
# then the README's merge job (it waits for the array with --dependency); equal to the unsharded run
# but for the seconds it took (in reproduce.json and the sentence of reproduce.html that says them)
step "reproduce: an array of $SHARDS shards, task 1 cancelled mid-run"
rsubmit() { # ARRAY -> job id
  sbatch --parsable --array="$1" --cpus-per-task=1 --chdir="$W" --output="$W/log/%A_%a.out" \
    "$SLURM_DIR/reproduce.sbatch" r "$SHARDS" "${RQ[@]}" | cut -d';' -f1
}
job=$(rsubmit "0-$((SHARDS - 1))")
cancel_task1 "$job" r
for i in 0 2 3; do
  s=$(task_state "${job}_$i")
  [ "$s" = COMPLETED ] || { cat "log/${job}_$i.out" >&2; fail "reproduce array task $i: $s"; }
done
n1=$(saved r/shard-1) mine=$(((RNETS - 2) / SHARDS + 1)) # networks j < RNETS with j mod SHARDS = 1
[ "$n1" -lt "$mine" ] || fail "reproduce task 1 finished all its networks before scancel (timing); rerun"
echo "  task 1 cancelled with $n1 of $mine networks saved"
if infoplane reproduce --merge r/shard-* --out r/merged >/dev/null 2>merge.err; then fail "reproduce --merge accepted a cancelled shard"; fi
grep -q "shard 1/$SHARDS did not finish" merge.err || fail "reproduce --merge did not name the unfinished shard: $(cat merge.err)"
if infoplane reproduce --merge r/shard-0 r/shard-2 r/shard-3 --out r/merged >/dev/null 2>merge.err; then fail "reproduce --merge accepted a missing shard"; fi
grep -q "missing: 1/$SHARDS" merge.err || fail "reproduce --merge did not name the missing shard: $(cat merge.err)"
rm -rf r/merged
job=$(rsubmit 1)
merge_job=$(sbatch --parsable --dependency="afterok:$job" --chdir="$W" --output="$W/log/merge-%j.out" \
  --wrap "infoplane reproduce --merge r/shard-* --out r/merged" | cut -d';' -f1)
wait_job "$job"
wait_job "$merge_job"
s=$(task_state "${job}_1")
[ "$s" = COMPLETED ] || { cat "log/${job}_1.out" >&2; fail "resubmitted reproduce task 1: $s"; }
grep -q "shard 1/$SHARDS: $((mine - n1)) network(s) trained" "log/${job}_1.out" || fail "resubmitted reproduce task did not resume: $(cat "log/${job}_1.out")"
s=$(task_state "$merge_job")
[ "$s" = COMPLETED ] || { cat "log/merge-$merge_job.out" >&2; fail "reproduce --merge job: $s"; }
diff -r -x reproduce.json -x reproduce.html repro-whole r/merged >/dev/null || { diff -rq -x reproduce.json -x reproduce.html repro-whole r/merged >&2 || true; fail "r/merged: the study folders differ from repro-whole"; }
untimed() { sed -E '/^ "seconds": [0-9.e+-]+,$/d; s/; [0-9]+ s on ([0-9]+ thread)/; N s on \1/' "$1"; }
for f in reproduce.json reproduce.html; do
  cmp -s <(untimed "repro-whole/$f") <(untimed "r/merged/$f") || { diff <(untimed "repro-whole/$f") <(untimed "r/merged/$f") | head >&2; fail "r/merged/$f differs from repro-whole/$f beyond the seconds"; }
done
echo "  r/merged == repro-whole byte for byte ($(find r/merged -type f | wc -l) files) but the seconds: $(grep '"seconds"' r/merged/reproduce.json | tr -d ' ,') merged, $(grep '"seconds"' repro-whole/reproduce.json | tr -d ' ,') unsharded"

step "stop the cluster"
"$SLURM_DIR/cluster.sh" stop "$STATE" | sed 's/^/  /'
echo "test:cluster passed in $(($(date +%s) - T0)) s"
