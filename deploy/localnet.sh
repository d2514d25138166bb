#!/usr/bin/env bash
# A local PoC Network on this machine: one relay and a node per State, all on loopback, each
# with its own certificate, signing key and SQLite file. For trying things by hand and scripts.
#
#   deploy/localnet.sh up [--states FRA,DEU,KEN,BRA] [--dir DIR] [--port N] [--silence-period 5m]
#                         [--flash-escalation 4s,8s,12s]
#   deploy/localnet.sh status [--dir DIR]
#   deploy/localnet.sh start-node STATE [--dir DIR]     (re)start one node
#   deploy/localnet.sh stop-node STATE [--dir DIR]      stop one node (it goes offline)
#   deploy/localnet.sh down [--dir DIR] [--purge]       stop everything (--purge: delete DIR)
#
# DIR defaults to .localnet in the repository. Act as a State's operator with
#   build/client/pocctl/pocctl --node DIR/nodes/FRA status     (or: export POC_NODE=DIR/nodes/FRA)
# and as the Secretariat (which runs no node) with
#   build/client/pocctl/pocctl observer list --secretariat DIR/secretariat/secretariat.toml
# --silence-period sets how long States may object to an observer accreditation (default 5m
# here, so the procedure can be tried by hand; a real relay defaults to 14d). An observer
# certificate for trying it waits in DIR/observers/demo-observer.
# --flash-escalation sets the relay's remind_after, escalate_after and secretariat_after for
# flash messages (default 30m,1h,90m), so that an escalation drill can be watched in seconds.
# Builds the binaries first if they are missing (deploy/build.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR="${POC_BUILD_DIR:-$ROOT/build}"
DIR="$ROOT/.localnet"
STATES="FRA,DEU,KEN,BRA"
PORT=0
PURGE=0
SILENCE="5m"
FLASH=""

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; }

cmd="${1:-}"
[ -n "$cmd" ] || { usage; exit 2; }
shift
ARG_STATE=""
if [ "$cmd" = start-node ] || [ "$cmd" = stop-node ]; then
  ARG_STATE="${1:-}"
  [ -n "$ARG_STATE" ] || { echo "localnet: $cmd needs a State code" >&2; exit 2; }
  shift
fi
while [ $# -gt 0 ]; do
  case "$1" in
    --states) STATES="$2"; shift ;;
    --dir) DIR="$2"; shift ;;
    --port) PORT="$2"; shift ;;
    --purge) PURGE=1 ;;
    --silence-period) SILENCE="$2"; shift ;;
    --flash-escalation) FLASH="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "localnet: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

PKI="$BUILD_DIR/certs/poc-pki"
RELAY="$BUILD_DIR/server/poc-relay"
POCD="$BUILD_DIR/client/pocd/pocd"
POCCTL="$BUILD_DIR/client/pocctl/pocctl"

ensure_built() {
  if [ ! -x "$PKI" ] || [ ! -x "$RELAY" ] || [ ! -x "$POCD" ] || [ ! -x "$POCCTL" ]; then
    echo "localnet: binaries missing in $BUILD_DIR; building (deploy/build.sh)"
    "$ROOT/deploy/build.sh" --build-dir "$BUILD_DIR"
  fi
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Waits up to 30 s for a file to appear, or for the process to die.
wait_for_file() {
  local file="$1" pidfile="$2" i
  for i in $(seq 1 300); do
    [ -e "$file" ] && return 0
    alive "$pidfile" || return 1
    sleep 0.1
  done
  return 1
}

json_field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"; }

stop_pid() {
  local pidfile="$1" i
  alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
  for i in $(seq 1 100); do alive "$pidfile" || break; sleep 0.1; done
  alive "$pidfile" && kill -KILL "$(cat "$pidfile")" 2>/dev/null || true
  rm -f "$pidfile"
}

make_pki() {
  if [ ! -f "$DIR/pki/ca.crt" ]; then
    "$PKI" init --dir "$DIR/pki" --name "PoC Local Network Root CA" >/dev/null
  fi
  mkdir -p "$DIR/relay" "$DIR/nodes"
  [ -f "$DIR/relay/relay.crt" ] || "$PKI" relay-cert --dir "$DIR/pki" --out "$DIR/relay" \
      --dns localhost --ip 127.0.0.1 >/dev/null
  [ -f "$DIR/relay/relay-signing.key" ] || "$PKI" signing-key --out "$DIR/relay" \
      --name relay-signing >/dev/null
  local s
  for s in ${STATES//,/ }; do
    local nd="$DIR/nodes/$s"
    mkdir -p "$nd"
    [ -f "$nd/node.crt" ] || "$PKI" node-cert --dir "$DIR/pki" --state "$s" --out "$nd" >/dev/null
    [ -f "$nd/signing.key" ] || "$PKI" signing-key --out "$nd" >/dev/null
    cp -f "$DIR/relay/relay-signing.pub" "$nd/relay-signing.pub"
  done
  # The Secretariat's admin certificate (pocctl observer propose), and an observer to accredit.
  [ -f "$DIR/secretariat/admin.crt" ] || "$PKI" admin-cert --dir "$DIR/pki" \
      --out "$DIR/secretariat" >/dev/null
  [ -f "$DIR/observers/demo-observer/observer.crt" ] || "$PKI" observer-cert --dir "$DIR/pki" \
      --slug demo-observer --out "$DIR/observers/demo-observer" >/dev/null
}

write_secretariat_config() {
  cat >"$DIR/secretariat/secretariat.toml" <<TOML
# The Secretariat's line to the relay for pocctl (see deploy/secretariat.toml.sample).
relay = "127.0.0.1:$1"
relay_name = "localhost"

[tls]
ca = "ca.crt"
cert = "admin.crt"
key = "admin.key"
TOML
}

# The directory the Secretariat would maintain: every State folder's public signing key, two
# example points of contact per State, and a custom group of all of them (group:LOCALNET).
write_directory() {
  local out="$DIR/relay/directory.toml" nd code lines lower members=""
  {
    echo "# Made by deploy/localnet.sh from the nodes' public signing keys."
    echo "version = $(date +%s)"
    for nd in "$DIR"/nodes/*/; do
      code=$(basename "$nd")
      lower=$(echo "$code" | tr 'A-Z' 'a-z')
      members="$members${members:+, }\"$code\""
      lines=$("$PKI" key-proof --key "$nd/signing.key" --state "$code" --json)
      printf '\n[[state]]\ncode = "%s"\nbodies = ["%s national CERT", "%s ministry of foreign affairs"]\n' \
        "$code" "$code" "$code"
      # Only this node's certificate may act for the State.
      printf 'certificates = ["%s"]\n' \
        "$("$PKI" show "$nd/node.crt" --json | json_field sha256_fingerprint)"
      printf '[[state.key]]\npublic_key = "%s"\nproof = "%s"\nstatus = "active"\n' \
        "$(echo "$lines" | json_field public_key)" "$(echo "$lines" | json_field proof)"
      printf '[[state.contact]]\nlevel = "technical"\norder = 1\nname = "%s CERT duty officer"\nemail = "cert@%s.example"\nhours = "24/7"\nlanguages = ["en"]\n' \
        "$code" "$lower"
      printf '[[state.contact]]\nlevel = "diplomatic"\norder = 2\nname = "%s cyber policy desk"\nemail = "cyber@mfa.%s.example"\nhours = "office hours"\nlanguages = ["en", "fr"]\n' \
        "$code" "$lower"
    done
    printf '\n[[group]]\nname = "LOCALNET"\nkind = "custom"\ntitle = "Every State of this local network"\nmembers = [%s]\n' \
      "$members"
  } >"$out"
}

write_relay_config() {
  cat >"$DIR/relay/relay.toml" <<TOML
# poc-relay settings for the local network (see deploy/relay.toml.sample).
listen = "127.0.0.1:$1"
port_file = "port"
http_listen = "127.0.0.1:$2"      # /healthz, /metrics, /audit/ tiles
http_port_file = "http-port"
database = "relay.db"
directory = "directory.toml"
signing_key = "relay-signing.key"

[tls]
ca = "ca.crt"
cert = "relay.crt"
key = "relay.key"

[observers]
silence_period = "$3"
TOML
  if [ -n "$FLASH" ]; then
    local remind escalate secretariat
    IFS=, read -r remind escalate secretariat <<<"$FLASH"
    if [ -z "$secretariat" ]; then
      echo "localnet: --flash-escalation wants three durations, e.g. 4s,8s,12s" >&2
      exit 2
    fi
    printf '\n[escalation.flash]\nremind_after = "%s"\nescalate_after = "%s"\nsecretariat_after = "%s"\n' \
      "$remind" "$escalate" "$secretariat" >>"$DIR/relay/relay.toml"
  fi
}

write_node_config() {
  cat >"$DIR/nodes/$1/pocd.toml" <<TOML
# pocd settings for $1 on the local network (see deploy/pocd.toml.sample).
state = "$1"
relay = "127.0.0.1:$2"
relay_name = "localhost"
database = "node.db"
control_socket = "control.sock"
signing_key = "signing.key"
relay_public_key = "relay-signing.pub"

[tls]
ca = "ca.crt"
cert = "node.crt"
key = "node.key"
TOML
}

start_relay() {
  local port="$PORT"
  [ "$port" != 0 ] || port=$(cat "$DIR/relay/port" 2>/dev/null || echo 0)
  # A restarted relay keeps its ports, so running nodes and tools find it again.
  local http_port
  http_port=$(cat "$DIR/relay/http-port" 2>/dev/null || echo 0)
  write_relay_config "$port" "$http_port" "$SILENCE"
  rm -f "$DIR/relay/port"
  (cd "$DIR/relay" && exec nohup "$RELAY" --config relay.toml </dev/null >>relay.log 2>&1) &
  echo $! >"$DIR/relay/relay.pid"
  if ! wait_for_file "$DIR/relay/port" "$DIR/relay/relay.pid"; then
    echo "localnet: the relay did not start; last lines of $DIR/relay/relay.log:" >&2
    tail -n 5 "$DIR/relay/relay.log" >&2
    exit 1
  fi
  write_secretariat_config "$(cat "$DIR/relay/port")"
}

start_node() {
  local s="$1" nd="$DIR/nodes/$1"
  [ -d "$nd" ] || { echo "localnet: no node $s in $DIR (known: $(ls "$DIR/nodes" | tr '\n' ' '))" >&2; exit 1; }
  alive "$nd/pocd.pid" && return 0
  write_node_config "$s" "$(cat "$DIR/relay/port")"
  (cd "$nd" && exec nohup "$POCD" --config pocd.toml </dev/null >>pocd.log 2>&1) &
  echo $! >"$nd/pocd.pid"
  if ! wait_for_file "$nd/control.sock" "$nd/pocd.pid"; then
    echo "localnet: pocd for $s did not start; last lines of $nd/pocd.log:" >&2
    tail -n 5 "$nd/pocd.log" >&2
    exit 1
  fi
}

case "$cmd" in
  up)
    ensure_built
    if alive "$DIR/relay/relay.pid"; then
      echo "localnet: already up in $DIR (use: $0 status --dir $DIR)"; exit 0
    fi
    make_pki
    write_directory
    start_relay
    for s in ${STATES//,/ }; do start_node "$s"; done
    echo "Local PoC Network up in $DIR"
    echo "  relay   127.0.0.1:$(cat "$DIR/relay/port")   log: $DIR/relay/relay.log"
    echo "  audit   http://127.0.0.1:$(cat "$DIR/relay/http-port")/audit/checkpoint"
    for s in ${STATES//,/ }; do echo "  node    $s   $DIR/nodes/$s"; done
    echo
    echo "Act as a State's operator:"
    echo "  export POC_NODE=$DIR/nodes/${STATES%%,*}"
    echo "  $POCCTL status"
    echo "  $POCCTL send --to ${STATES##*,} --type notification --subject 'Test notification'"
    echo "Act as the Secretariat (observer accreditation, silence period $SILENCE):"
    echo "  $POCCTL observer propose --secretariat $DIR/secretariat/secretariat.toml \\"
    echo "      --slug demo-observer --org 'Demo NGO' --kind ngo --purpose 'Observe exercises'"
    echo "Stop it with: $0 down --dir $DIR"
    ;;
  status)
    if alive "$DIR/relay/relay.pid"; then
      echo "relay  up    127.0.0.1:$(cat "$DIR/relay/port")  pid $(cat "$DIR/relay/relay.pid")  http 127.0.0.1:$(cat "$DIR/relay/http-port")"
    else
      echo "relay  down"
    fi
    for nd in "$DIR"/nodes/*/; do
      [ -d "$nd" ] || continue
      s=$(basename "$nd")
      if alive "$nd/pocd.pid"; then
        echo "node   $s   up    pid $(cat "$nd/pocd.pid")"
        "$POCCTL" --node "$nd" status | sed 's/^/         /' || true
      else
        echo "node   $s   down"
      fi
    done
    ;;
  start-node)
    alive "$DIR/relay/relay.pid" || { echo "localnet: not up; run: $0 up --dir $DIR" >&2; exit 1; }
    start_node "$ARG_STATE"
    echo "node $ARG_STATE started"
    ;;
  stop-node)
    stop_pid "$DIR/nodes/$ARG_STATE/pocd.pid"
    echo "node $ARG_STATE stopped"
    ;;
  down)
    for nd in "$DIR"/nodes/*/; do [ -d "$nd" ] && stop_pid "$nd/pocd.pid"; done
    stop_pid "$DIR/relay/relay.pid"
    if [ "$PURGE" = 1 ]; then rm -rf "$DIR"; echo "localnet: stopped and removed $DIR"; else
      echo "localnet: stopped (data kept in $DIR; --purge removes it)"; fi
    ;;
  *) usage; exit 2 ;;
esac
