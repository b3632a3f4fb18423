#!/usr/bin/env bash
# kill -9 injection against the real CLI (docs/reliability.md): each command is killed at a random
# moment, then resumed or re-run; the script checks that nothing is lost or torn.
#  - plain and interpolant training: resume after each kill must end byte-identical to an
#    uninterrupted run (weights, EMA and Adam state of the final checkpoint);
#  - sample / likelihood / search-schedule outputs: after each kill the output is either the old
#    file or a complete new one (parsed back), and the next write removes the stale temporary.
# Usage: diffusion4j-bench/scripts/kill9-injection.sh [KILLS_PER_COMMAND]   (run under nice)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
D4J="$ROOT/d4j"
KILLS="${1:-8}"
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT
survived=0; failed=0
ok() { survived=$((survived + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# Starts a command, kills it with SIGKILL after a random delay in [lo, hi) seconds.
kill_after() { # lo hi cmd...
  local lo=$1 hi=$2; shift 2
  "$@" >/dev/null 2>&1 &
  local pid=$!
  sleep "$(awk -v a="$lo" -v b="$hi" -v s="$RANDOM" 'BEGIN{srand(s); printf "%.2f", a + (b - a) * rand()}')"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

same_files() { # dirA dirB files...
  local a=$1 b=$2; shift 2
  for f in "$@"; do cmp -s "$a/$f" "$b/$f" || return 1; done
}

TRAIN=(--data moons --steps 300 --batch 64 --width 32 --depth 2 --n-train 2000 --checkpoint-every 25)
ITRAIN=(--objective interpolant --target moons --steps 300 --batch 64 --width 32 --depth 2 --n-train 2000 --checkpoint-every 25)
FINAL=step-000000300
STATE=(weights.bin ema.bin adam-m.bin adam-v.bin losses.bin)

echo "plain training: reference run"
"$D4J" train "${TRAIN[@]}" --out "$W/plain-ref" >/dev/null 2>&1 || bad "plain reference"
for k in $(seq 1 "$KILLS"); do
  run="$W/plain-$k"
  kill_after 3 12 "$D4J" train "${TRAIN[@]}" --out "$run"
  if [ -f "$run/checkpoints/LATEST" ]; then
    "$D4J" train --resume "${TRAIN[@]}" --out "$run" >/dev/null 2>&1 || { bad "plain resume $k"; continue; }
  else
    rm -rf "$run"; "$D4J" train "${TRAIN[@]}" --out "$run" >/dev/null 2>&1 || { bad "plain restart $k"; continue; }
  fi
  same_files "$W/plain-ref/checkpoints/$FINAL" "$run/checkpoints/$FINAL" "${STATE[@]}" && ok || bad "plain $k differs"
done

echo "interpolant training: reference run"
"$D4J" train "${ITRAIN[@]}" --out "$W/interp-ref" >/dev/null 2>&1 || bad "interpolant reference"
for k in $(seq 1 "$KILLS"); do
  run="$W/interp-$k"
  kill_after 3 12 "$D4J" train "${ITRAIN[@]}" --out "$run"
  if "$D4J" train --resume "${ITRAIN[@]}" --out "$run" >/dev/null 2>&1; then :; else
    rm -rf "$run"; "$D4J" train "${ITRAIN[@]}" --out "$run" >/dev/null 2>&1 || { bad "interpolant restart $k"; continue; }
  fi
  same_files "$W/interp-ref/velocity/checkpoints/$FINAL" "$run/velocity/checkpoints/$FINAL" "${STATE[@]}" \
    && same_files "$W/interp-ref/denoiser/checkpoints/$FINAL" "$run/denoiser/checkpoints/$FINAL" "${STATE[@]}" \
    && ok || bad "interpolant $k differs"
done

# Outputs: OLD content first; after a kill the file must be OLD or a complete new output.
check_output() { # name file old-sha reader...
  local name=$1 file=$2 old=$3; shift 3
  local now; now="$(sha256sum "$file" | cut -d' ' -f1)"
  if [ "$now" = "$old" ] || "$@" >/dev/null 2>&1; then ok; else bad "$name: torn output"; fi
}
npy_ok() { python3 - "$1" "$2" <<'PY'
import sys, struct
b = open(sys.argv[1], 'rb').read()
assert b[:6] == b'\x93NUMPY'
hl = struct.unpack('<H', b[8:10])[0]
hdr = b[10:10 + hl].decode()
shape = eval(hdr)['shape']
n = 1
for s in shape: n *= s
assert len(b) == 10 + hl + 8 * n and shape[0] == int(sys.argv[2])
PY
}
echo "sample / likelihood / search-schedule outputs"
for k in $(seq 1 "$KILLS"); do
  out="$W/x.npy"; echo OLD > "$out"; old="$(sha256sum "$out" | cut -d' ' -f1)"
  kill_after 0.8 3 "$D4J" sample --model gmm:gmm64-12 --n 200000 --nfe 20 --out "$out"
  check_output "sample $k" "$out" "$old" npy_ok "$out" 200000
  out="$W/logp.npy"; echo OLD > "$out"; old="$(sha256sum "$out" | cut -d' ' -f1)"
  "$D4J" sample --model gmm:ring8-2d --n 3000 --nfe 10 --out "$W/pts.npy" >/dev/null 2>&1
  kill_after 0.8 3 "$D4J" likelihood --model gmm:ring8-2d --data "$W/pts.npy" --out "$out"
  check_output "likelihood $k" "$out" "$old" npy_ok "$out" 3000
  out="$W/plan.json"; echo OLD > "$out"; old="$(sha256sum "$out" | cut -d' ' -f1)"
  kill_after 0.8 3 "$D4J" search-schedule --model gmm:ring8-2d --nfe 5 --out "$out"
  check_output "search-schedule $k" "$out" "$old" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$out"
done
# the next successful write removes the stale temporaries of killed writers
"$D4J" sample --model gmm:ring8-2d --n 10 --nfe 2 --out "$W/x.npy" >/dev/null 2>&1
left=$(find "$W" -maxdepth 1 -name '.x.npy.d4j-*.tmp' | wc -l)
[ "$left" -eq 0 ] && ok || bad "$left stale temporaries of x.npy left after the next write"
echo "kill -9 injections survived: $survived, failed: $failed"
[ "$failed" -eq 0 ]
