#!/usr/bin/env bash
# Stops the daemons that start-rgw.sh started in DIR, by the PIDs they
# recorded there, and nothing else.
#
#   scripts/rgw/stop-rgw.sh DIR
#
# Order matters: an OSD stopped after its monitor waits ~5 s for an answer
# that never comes, so the gateway goes first, then the OSD, then the monitor.
set -euo pipefail
dir=${1:?usage: stop-rgw.sh DIR}
shopt -s nullglob

running() {
  # A zombie has exited; only its parent has not reaped it yet.
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)
  [ -n "$state" ] && [ "$state" != Z ]
}

for file in "$dir"/run/client.*.pid "$dir"/run/osd.*.pid "$dir"/run/mon.*.pid; do
  pid=$(tr -dc '0-9' <"$file")
  [ -n "$pid" ] && running "$pid" || continue
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    running "$pid" || break
    sleep 0.1
  done
  if running "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
done
