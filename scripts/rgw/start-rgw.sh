#!/usr/bin/env bash
# Starts a throwaway S3 server for tests: Ceph's RADOS Gateway on one monitor
# and one in-memory OSD, all bound to 127.0.0.1, with one S3 user.
#
#   scripts/rgw/start-rgw.sh DIR RGW_PORT [MON_PORT]
#
# DIR must be missing or empty; everything the cluster writes stays in it.
# The daemons detach; their PIDs are in DIR/run/*.pid, and
# scripts/rgw/stop-rgw.sh DIR stops exactly those. The S3 user's keys come
# from RGW_ACCESS_KEY and RGW_SECRET_KEY (test values by default).
set -euo pipefail

usage='usage: start-rgw.sh DIR RGW_PORT [MON_PORT]'
dir=${1:?$usage}
rgw_port=${2:?$usage}
mon_port=${3:-3300}
access_key=${RGW_ACCESS_KEY:-FLOWGENTOTESTACCESS}
secret_key=${RGW_SECRET_KEY:-flowgento-test-secret-key}
# The in-memory OSD's size: 1 GiB for tests; the backup bench needs more.
memstore_bytes=${RGW_MEMSTORE_BYTES:-1073741824}

for tool in ceph ceph-authtool monmaptool ceph-mon ceph-osd radosgw radosgw-admin; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "start-rgw: $tool is missing. Install the Ceph gateway with:" >&2
    echo "  apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd" >&2
    exit 3
  fi
done
[[ $memstore_bytes =~ ^[0-9]+$ ]] || { echo "start-rgw: bad RGW_MEMSTORE_BYTES" >&2; exit 2; }
for port in "$rgw_port" "$mon_port"; do
  [[ $port =~ ^[0-9]+$ ]] || { echo "start-rgw: bad port '$port'" >&2; exit 2; }
done

# Never reuse a folder with something in it: a stale cluster there would be
# started or, worse, its files mistaken for ours.
mkdir -p "$dir"
if [ -n "$(ls -A "$dir")" ]; then
  echo "start-rgw: $dir is not empty" >&2
  exit 2
fi
dir=$(cd "$dir" && pwd)
mkdir -p "$dir/mon" "$dir/osd" "$dir/run" "$dir/log"
fsid=$(cat /proc/sys/kernel/random/uuid)
conf="$dir/ceph.conf"

# Measured pitfalls: with `auth none` every messenger mode must be `crc`, or
# the gateway hangs authenticating; one OSD needs pool size 1 and few PGs.
cat >"$conf" <<CONF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$mon_port/0
public network = 127.0.0.0/8
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
ms client mode = crc
ms service mode = crc
ms cluster mode = crc
ms mon client mode = crc
ms mon service mode = crc
ms mon cluster mode = crc
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon max pg per osd = 1000
run dir = $dir/run
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
keyring = $dir/keyring
client mount timeout = 30
[mon]
mon data = $dir/mon
[osd]
osd data = $dir/osd
osd objectstore = memstore
memstore device bytes = $memstore_bytes
[client.rgw.test]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
CONF

cd "$dir"
ceph-authtool --create-keyring keyring --gen-key -n mon. --cap mon 'allow *' >/dev/null
monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" monmap >/dev/null
ceph-mon -c "$conf" -i a --mkfs --monmap monmap --keyring keyring
ceph-mon -c "$conf" -i a

osd_uuid=$(cat /proc/sys/kernel/random/uuid)
osd_id=$(timeout 30 ceph -c "$conf" osd new "$osd_uuid")
ceph-osd -c "$conf" -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" 2>>log/osd-mkfs.log
ceph-osd -c "$conf" -i "$osd_id" 2>>log/osd-start.log
radosgw -c "$conf" -n client.rgw.test

# Ready when the gateway answers HTTP; bash's /dev/tcp needs no curl.
ready=''
for _ in $(seq 1 120); do
  if status=$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$rgw_port &&
      printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && head -n 1 <&3" 2>/dev/null) &&
      [[ $status == *' 200 '* ]]; then
    ready=yes
    break
  fi
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "start-rgw: the gateway did not answer on 127.0.0.1:$rgw_port; see $dir/log" >&2
  exit 4
fi

timeout 60 radosgw-admin -c "$conf" user create --uid=flowgento-test \
  --display-name='Flowgento tests' --access-key="$access_key" --secret-key="$secret_key" \
  >/dev/null
echo "rgw ready on http://127.0.0.1:$rgw_port (pids: $(cat run/*.pid | tr '\n' ' '))"
