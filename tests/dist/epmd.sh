# Sourced by the distribution tests (tests/dist/test_dist.sh,
# tests/examples/test_dist_ring.sh), with TMP set to a scratch directory:
# starts an epmd of their own on a free port (ERL_EPMD_PORT, exported) and
# stops it, every node in `pids` and the directory at exit. Provides fail
# (counting into `failures`) and watch_pid PID. Watchdogs make sure that
# even if the script is killed (a ctest timeout), every node it started and
# its epmd are gone within 5 minutes.
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pids=()
# A free port for epmd: one nothing listens on.
for k in $(seq 50); do
  PORT=$((20000 + RANDOM % 30000))
  (echo >/dev/tcp/127.0.0.1/$PORT) 2>/dev/null || break
done
export ERL_EPMD_PORT=$PORT
watchdogs=()
watch_pid() { (sleep 280; kill -9 "$1") >/dev/null 2>&1 & watchdogs+=($!); }
# (epmd refuses -kill while a node is registered: it takes a moment to see
# a killed node's socket close, so stopping it is retried.)
stop_epmd() { for k in $(seq 50); do epmd -port "$PORT" -kill >/dev/null 2>&1 && return; sleep 0.1; done; }
(sleep 290; stop_epmd) >/dev/null 2>&1 &
watchdogs+=($!)
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  stop_epmd
  for w in "${watchdogs[@]}"; do pkill -P "$w" 2>/dev/null; kill "$w" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
epmd -daemon -port "$PORT" || { echo "cannot start epmd on port $PORT" >&2; exit 1; }
for k in $(seq 50); do epmd -port "$PORT" -names >/dev/null 2>&1 && break; sleep 0.1; done
