#!/usr/bin/env bash
# The PoC Network in two minutes, on this machine: installs what is missing, builds, starts a
# relay and four State nodes on loopback (deploy/localnet.sh), and plays a short scenario with
# pocctl, the operators' CLI. Ends with a summary and stops everything it started.
#
#   deploy/demo.sh [--keep] [--dir DIR]
#     --keep   leave the network running afterwards and print how to use pocctl against it
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR="${POC_BUILD_DIR:-$ROOT/build}"
KEEP=0
DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) KEEP=1 ;;
    --dir) DIR="$2"; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$DIR" ] || DIR=$(mktemp -d /tmp/poc-demo-XXXXXX)

"$ROOT/deploy/build.sh" --build-dir "$BUILD_DIR"
POCCTL="$BUILD_DIR/client/pocctl/pocctl"
NET="$ROOT/deploy/localnet.sh"

if [ -t 1 ]; then BOLD=$'\e[1m'; GREEN=$'\e[32m'; RED=$'\e[31m'; DIM=$'\e[2m'; OFF=$'\e[0m'
else BOLD=""; GREEN=""; RED=""; DIM=""; OFF=""; fi

cleanup() {
  if [ "$KEEP" = 0 ]; then "$NET" down --dir "$DIR" --purge >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

ctl() { local s="$1"; shift; "$POCCTL" --node "$DIR/nodes/$s" "$@"; }
# Shows a command as the operator would type it, then runs it.
say_ctl() {
  local s="$1"; shift
  echo "${DIM}[$s operator]\$ pocctl $*${OFF}"
  ctl "$s" "$@" | sed 's/^/    /'
}
json_str() { sed -n "s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" | head -n 1; }
json_num() { sed -n "s/.*\"$1\": *\\([0-9][0-9]*\\).*/\\1/p" | head -n 1; }
# Waits up to 30 s until the command's output matches the pattern.
wait_until() {
  local pattern="$1" i; shift
  for i in $(seq 1 150); do
    if "$@" 2>/dev/null | grep -q -- "$pattern"; then return 0; fi
    sleep 0.2
  done
  return 1
}

STEPS=()
OUTCOMES=()
record() { STEPS+=("$1"); OUTCOMES+=("$2"); if [ "$2" = ok ]; then echo "${GREEN}✓ $1${OFF}"; else echo "${RED}✗ $1${OFF}"; fi; echo; }

echo "${BOLD}Starting a relay and four State nodes (FRA, DEU, KEN, BRA) in $DIR${OFF}"
"$NET" up --states FRA,DEU,KEN,BRA --dir "$DIR" --silence-period 8s --flash-escalation 4s,8s,12s |
  sed -n '1,6p'
for s in FRA DEU KEN BRA; do
  wait_until '"connected": *true' ctl "$s" status --json || { echo "node $s did not connect" >&2; exit 1; }
done
echo

echo "${BOLD}1. France notifies Germany and Kenya of an urgent incident${OFF}"
out=$(ctl FRA send --to DEU,KEN --type notification --urgency urgent --tlp amber \
      --subject "Ransomware spreading through hospital networks" \
      --summary "Encryption of patient systems at three hospitals; indicators to follow." --json)
N1=$(echo "$out" | json_str message_id)
echo "${DIM}[FRA operator]\$ pocctl send --to DEU,KEN --type notification --urgency urgent --subject \"Ransomware spreading through hospital networks\" …${OFF}"
echo "    sent $N1"
if wait_until '"delivered_to": *2' ctl FRA show "$N1" --json; then
  say_ctl KEN inbox
  say_ctl FRA show "$N1"
  record "Notification FRA → DEU, KEN delivered, both delivery receipts back at FRA" ok
else
  record "Notification FRA → DEU, KEN delivered, both delivery receipts back at FRA" failed
fi

echo "${BOLD}2. Kenya asks France for information; France responds${OFF}"
out=$(ctl KEN send --to FRA --type rfi --urgency priority \
      --subject "Indicators for the hospital ransomware?" \
      --summary "We see similar encryption at a clinic in Nairobi." --json)
Q=$(echo "$out" | json_str message_id)
echo "${DIM}[KEN operator]\$ pocctl send --to FRA --type rfi --subject \"Indicators for the hospital ransomware?\" …${OFF}"
echo "    sent $Q"
ok=failed
if wait_until "$Q" ctl FRA inbox --json; then
  say_ctl FRA reply "$Q" --subject "Indicators attached" --summary "Hashes and C2 addresses in the indicators field."
  if wait_until '"response_id": *"[0-9a-f]' ctl KEN show "$Q" --json; then
    say_ctl KEN show "$Q"
    ok=ok
  fi
fi
record "Request for information KEN → FRA answered by a response" "$ok"

echo "${BOLD}3. Germany's operator acknowledges France's notification${OFF}"
say_ctl DEU ack "$N1" --note "Received; our CERT is contacting the hospitals."
if wait_until '"acknowledged_by": *1' ctl FRA show "$N1" --json; then
  say_ctl FRA sent
  record "Human acknowledgement DEU → FRA received" ok
else
  record "Human acknowledgement DEU → FRA received" failed
fi

echo "${BOLD}4. Brazil's node goes offline; France writes to Brazil; Brazil comes back${OFF}"
"$NET" stop-node BRA --dir "$DIR" | sed 's/^/    /'
out=$(ctl FRA send --to BRA --type notification --urgency routine \
      --subject "Quarterly contact check" --summary "Please confirm your points of contact." --json)
B=$(echo "$out" | json_str message_id)
echo "    FRA sent $B while BRA was offline; the relay holds it"
sleep 1
held=$(ctl FRA show "$B" --json | json_num delivered_to)
"$NET" start-node BRA --dir "$DIR" | sed 's/^/    /'
if [ "${held:-0}" = 0 ] && wait_until '"delivered_to": *1' ctl FRA show "$B" --json \
   && [ "$(ctl BRA inbox --json | grep -o "$B" | wc -l)" -eq 1 ]; then
  say_ctl BRA inbox
  record "Message to an offline State delivered once when it came back" ok
else
  record "Message to an offline State delivered once when it came back" failed
fi

echo "${BOLD}5. Kenya proves France's notification is in the relay's signed audit log; an auditor verifies the whole log${OFF}"
ok=failed
if say_ctl KEN audit prove "$N1" && say_ctl KEN audit verify; then
  VKEY=$("$BUILD_DIR/server/poc-relay" --config "$DIR/relay/relay.toml" audit-vkey)
  URL="http://127.0.0.1:$(cat "$DIR/relay/http-port")/audit"
  echo "${DIM}[auditor, no certificate]\$ pocctl audit verify --from-tiles $URL --vkey $VKEY${OFF}"
  if "$POCCTL" audit verify --from-tiles "$URL" --vkey "$VKEY" --state "$DIR/auditor-seen.json" \
       | sed 's/^/    /'; then
    ok=ok
  fi
fi
record "Audit log: inclusion proved by a State, whole log verified from the public tiles" "$ok"

echo "${BOLD}6. Kenya looks up France's contacts in the directory, then notifies the WEOG regional group${OFF}"
ok=failed
say_ctl KEN directory show FRA
out=$(ctl KEN send --to group:WEOG --type notification --urgency priority \
      --subject "Phishing wave against foreign ministries" \
      --summary "Lures impersonating the UN; sender domains attached." --json)
G=$(echo "$out" | json_str message_id)
echo "${DIM}[KEN operator]\$ pocctl send --to group:WEOG --type notification --subject \"Phishing wave against foreign ministries\" …${OFF}"
echo "    sent $G; the relay expands group:WEOG to the network's WEOG members"
if wait_until '"delivered_to": *2' ctl KEN show "$G" --json \
   && ctl DEU inbox --json | grep -q "$G" && ! ctl BRA inbox --json | grep -q "$G"; then
  say_ctl DEU show "$G"
  ok=ok
fi
record "Group message KEN → group:WEOG delivered to FRA and DEU only, original address shown" "$ok"

echo "${BOLD}7. Brazil rotates its signing key; France verifies its next message with the new key${OFF}"
ok=failed
"$BUILD_DIR/certs/poc-pki" signing-key --out "$DIR/nodes/BRA/next" --name next --state BRA >/dev/null
say_ctl BRA key announce --key "$DIR/nodes/BRA/next/next.key"
NEW_KEY=$(ctl BRA status --json | json_str signing_key_id)
out=$(ctl BRA send --to FRA --type notification --subject "Signed with our new key" --json)
R=$(echo "$out" | json_str message_id)
if [ -n "$NEW_KEY" ] && wait_until "$R" ctl FRA inbox --json \
   && ctl FRA show "$R" | grep -q "Signed with key: *$NEW_KEY"; then
  say_ctl FRA show "$R"
  ok=ok
fi
record "Key rotation: BRA announced its next key; FRA accepted a message signed with it" "$ok"

echo "${BOLD}8. The Secretariat proposes an observer; no State objects within the silence period (8 s here)${OFF}"
ok=failed
SECRETARIAT="$DIR/secretariat/secretariat.toml"
echo "${DIM}[Secretariat]\$ pocctl observer propose --slug demo-observer --org \"Cyber Peace Lab\" --kind ngo …${OFF}"
"$POCCTL" observer propose --secretariat "$SECRETARIAT" --slug demo-observer \
  --org "Cyber Peace Lab" --kind ngo --purpose "Observe the ping exercises" | sed 's/^/    /'
say_ctl KEN observer list
if wait_until ACCREDITED "$POCCTL" observer list --secretariat "$SECRETARIAT" --json; then
  echo "${DIM}[Secretariat]\$ pocctl observer list${OFF}"
  "$POCCTL" observer list --secretariat "$SECRETARIAT" | sed 's/^/    /'
  ok=ok
fi
record "Observer accreditation: proposed, silence from every State, accredited" "$ok"

echo "${BOLD}9. The Secretariat pings every State; three operators acknowledge in time; the Secretariat reads the report${OFF}"
ok=failed
echo "${DIM}[Secretariat]\$ pocctl exercise create --name \"Demo ping\" --targets all --at now --deadline 8s --mode acknowledge${OFF}"
out=$("$POCCTL" exercise create --secretariat "$SECRETARIAT" --name "Demo ping" --targets all \
      --at now --deadline 8s --mode acknowledge --json)
EX=$(echo "$out" | json_str id)
report() { "$POCCTL" exercise report "$EX" --secretariat "$SECRETARIAT" "$@"; }
if [ -n "$EX" ] && wait_until '"delivered": *4' report --json; then
  PING=$(report --json | json_str ping_id)
  say_ctl KEN inbox
  for s in FRA DEU KEN; do say_ctl "$s" ack "$PING"; done
  echo "    (Brazil's operator does not answer)"
  if wait_until '"closed_at": *"2' report --json; then
    echo "${DIM}[Secretariat]\$ pocctl exercise report ${EX:0:8}${OFF}"
    report | sed 's/^/    /'
    report --json | grep -q '"responded": *3' && ok=ok
  fi
fi
record "Ping exercise: all four States pinged, three acknowledged in time, the report says BRA did not" "$ok"

echo "${BOLD}10. The Secretariat runs an escalation drill; DEU acknowledges, KEN does not and is escalated${OFF}"
echo "    (this network escalates flash messages after 4 s, 8 s and 12 s; a real relay: 30m, 1h, 90m)"
ok=failed
SCENARIO="$DIR/secretariat/drill.toml"
cat >"$SCENARIO" <<'TOML'
name = "Demo escalation drill"
[[step]]
after = "0s"
from = "FRA"
to = ["DEU", "KEN"]
type = "notification"
urgency = "flash"
subject = "Simulated ransomware in hospital networks"
acknowledge_within = "6s"
TOML
echo "${DIM}[Secretariat]\$ pocctl drill start --scenario drill.toml${OFF}"
sed 's/^/    /' "$SCENARIO"
out=$("$POCCTL" drill start --secretariat "$SECRETARIAT" --scenario "$SCENARIO" --json)
DRILL=$(echo "$out" | json_str id)
drill_report() { "$POCCTL" drill report "$DRILL" --secretariat "$SECRETARIAT" "$@"; }
if [ -n "$DRILL" ] && wait_until DRILL ctl DEU inbox; then
  say_ctl DEU inbox
  MSG=$(drill_report --json | json_str message_id)
  say_ctl DEU ack "$MSG"
  echo "    (Kenya's operator does not answer)"
  if wait_until '"secretariat_at"' drill_report --json; then
    say_ctl KEN inbox
    echo "${DIM}[Secretariat]\$ pocctl drill report ${DRILL:0:8}${OFF}"
    drill_report | sed 's/^/    /'
    json=$(drill_report --json)
    if echo "$json" | grep -q DRILL_OUTCOME_MET && echo "$json" | grep -q DRILL_OUTCOME_MISSED; then
      ok=ok
    fi
  fi
fi
record "Escalation drill: DEU acknowledged in time; KEN was reminded, then escalated to its diplomatic contact and to the Secretariat" "$ok"

echo "${BOLD}Summary${OFF}"
failed=0
for i in "${!STEPS[@]}"; do
  if [ "${OUTCOMES[$i]}" = ok ]; then printf '  %s✓%s %s\n' "$GREEN" "$OFF" "${STEPS[$i]}"
  else printf '  %s✗%s %s\n' "$RED" "$OFF" "${STEPS[$i]}"; failed=1; fi
done
echo
if [ "$KEEP" = 1 ]; then
  echo "The network is still running in $DIR. Try:"
  echo "  export POC_NODE=$DIR/nodes/FRA"
  echo "  $POCCTL inbox"
  echo "  $POCCTL send --to KEN --type notification --subject 'Hello from France'"
  echo "  $NET status --dir $DIR"
  echo "Stop it with: $NET down --dir $DIR --purge"
else
  echo "Everything the demo started is stopped."
fi
exit $failed
