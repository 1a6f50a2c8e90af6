#!/usr/bin/env bash
# A throwaway single-node Slurm cluster for testing the job scripts in this folder (run as root;
# Debian's slurm-wlm and munge packages; no systemd, no cgroups, no accounting).
#
#   scripts/slurm/cluster.sh start [STATE_DIR]   # prints: export SLURM_CONF=STATE_DIR/slurm.conf
#   scripts/slurm/cluster.sh stop  [STATE_DIR]   # stops what start started and waits for it to exit
#
# Everything lives in STATE_DIR (default /tmp/infoplane-slurm): slurm.conf, logs, spool, pid files.
# The client commands (sbatch, squeue, scancel) find the cluster through SLURM_CONF. munged uses the
# system's key (/etc/munge/munge.key, created when the package is installed) and socket; an munged that
# already answers is used as it is and left running by stop.
set -euo pipefail

cmd=${1:-}
STATE=${2:-${INFOPLANE_SLURM_STATE:-/tmp/infoplane-slurm}}
CTLD_PORT=${INFOPLANE_SLURM_PORT:-6817}
SLURMD_PORT=$((CTLD_PORT + 1))
CONF=$STATE/slurm.conf

die() { echo "cluster.sh: $*" >&2; exit 1; }

# wait until the process in pidfile $1 has exited (SIGTERM first, SIGKILL after $2 seconds)
stop_pid() {
  local pidfile=$1 grace=$2 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq $((grace * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "cluster.sh: pid $pid ($(basename "$pidfile" .pid)) still running after ${grace}s, killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
  fi
  rm -f "$pidfile"
}

start() {
  [ "$(id -u)" = 0 ] || die "start needs root (slurmd runs jobs as their users)"
  for b in munged slurmctld slurmd sbatch sinfo; do command -v "$b" >/dev/null || die "$b not found: apt-get install -y slurm-wlm munge"; done
  [ -f "$STATE/slurmctld.pid" ] && kill -0 "$(cat "$STATE/slurmctld.pid")" 2>/dev/null && die "a cluster is already running in $STATE (stop it first)"
  mkdir -p "$STATE/spool/ctld" "$STATE/spool/d" "$STATE/log"
  chmod 755 "$STATE"

  # munge: the authentication every Slurm message carries
  if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
    echo "munged already running: using it"
  else
    [ -f /etc/munge/munge.key ] || die "/etc/munge/munge.key missing (reinstall munge, or create one with mungekey)"
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge
    chmod 755 /run/munge
    su -s /bin/sh munge -c "munged --force" || die "munged did not start (see /var/log/munge/munged.log)"
    for _ in $(seq 50); do munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
    munge -n </dev/null | unmunge >/dev/null || die "munged does not answer"
    cp /run/munge/munged.pid "$STATE/munged.pid"
  fi

  local host cpus mem
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo) # MB the node offers to jobs
  cat >"$CONF" <<EOF
# written by scripts/slurm/cluster.sh: a throwaway single-node cluster
ClusterName=infoplane-test
SlurmctldHost=$host
SlurmUser=root
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
StateSaveLocation=$STATE/spool/ctld
SlurmdSpoolDir=$STATE/spool/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MailProg=/bin/true
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
ReturnToService=2
SlurmdTimeout=60
MinJobAge=600
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF=$CONF
  slurmctld -f "$CONF" || die "slurmctld did not start (see $STATE/log/slurmctld.log)"
  slurmd -f "$CONF" || die "slurmd did not start (see $STATE/log/slurmd.log)"
  # the node is idle within a second or two
  for _ in $(seq 300); do
    state=$(sinfo -h -N -o %t 2>/dev/null | head -1 || true)
    [ "$state" = idle ] && break
    sleep 0.1
  done
  [ "$state" = idle ] || die "node not idle after 30 s (state: '${state:-none}'; see $STATE/log/)"
  echo "cluster up: node $host, $cpus CPUs, ${mem} MB"
  echo "export SLURM_CONF=$CONF"
}

stop() {
  # slurmd first (it ends its jobs), then the controller (3-5 s to save state and exit), then munged
  stop_pid "$STATE/slurmd.pid" 30
  stop_pid "$STATE/slurmctld.pid" 30
  stop_pid "$STATE/munged.pid" 10
  echo "cluster stopped ($STATE)"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) die "usage: cluster.sh start|stop [STATE_DIR]" ;;
esac
