#!/usr/bin/env bash
# Forecasting benchmark of docs/forecasting.md: for each task, train TSDiff on the values before
# the first validation origin (a few minutes, niced), choose the guidance on the validation origins
# (`d4j forecast tune`, strictly before the test origins), then `d4j forecast eval --scale auto` on
# the test origins against the in-tree baselines, with a fan chart. Usage: diffusion4j-bench/forecast-bench.sh OUTDIR [TASK...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:?usage: forecast-bench.sh OUTDIR [TASK...]}"
shift
DATA="$ROOT/diffusion4j-bench/data/timeseries"
MINUTES="${MINUTES:-3}"
SAMPLES="${SAMPLES:-100}"
STEPS="${STEPS:-100}"
SCALE="${SCALE:-auto}"
VAL="${VAL:-2}"
TUNE_SAMPLES="${TUNE_SAMPLES:-32}"
CANDIDATES="${CANDIDATES:-quantile:1,quantile:2,quantile:4,quantile:8,mse:1}"
REFINE="${REFINE:-none}"
REUSE="${REUSE:-0}"   # 1: keep a task's trained run if OUT already holds one
mkdir -p "$OUT"

# Build once, then run from a snapshot of the classes so that edits during the run change nothing.
"$ROOT/d4j" --version >/dev/null
SNAP="$OUT/classes"
rm -rf "$SNAP" && mkdir -p "$SNAP"
cp -r "$ROOT/diffusion4j-cli/target/classes" "$SNAP/cli"
CP="$SNAP/cli"
for jar in $(tr ':' '\n' < "$ROOT/diffusion4j-cli/target/classpath.txt"); do
  case "$jar" in
    "$ROOT"/*) cp "$jar" "$SNAP/" && CP="$CP:$SNAP/$(basename "$jar")" ;;
    *) CP="$CP:$jar" ;;
  esac
done
printf '#!/usr/bin/env bash\nexec java -Dai.djl.offline=true -XX:+UseParallelGC -cp "%s" org.diffusion4j.cli.D4j "$@"\n' "$CP" > "$SNAP/d4j"
chmod +x "$SNAP/d4j"

# name | file | column | filter | freq | season | context | horizon | origins | lags
TASKS=(
  "co2|co2-concentration.csv|CO2||MS|12|36|12|5|auto"
  "seattle-daily|seattle-weather-temp-max.csv|temp_max||D|365|60|30|5|auto"
  "sp500|sp500-2000-close.csv|close||B|1|60|20|5|auto"
  "aapl|stocks.csv|price|symbol=AAPL|MS|1|24|6|3|12"
  "ibm|stocks.csv|price|symbol=IBM|MS|1|24|6|3|12"
  "seattle-hourly|seattle-hourly-temperature.csv|temperature||H|24|72|24|5|auto"
)

for t in "${TASKS[@]}"; do
  IFS='|' read -r name file column filter freq season context horizon origins lags <<<"$t"
  if [ $# -gt 0 ] && [[ ! " $* " == *" $name "* ]]; then
    continue
  fi
  filt=()
  [ -n "$filter" ] && filt=(--filter "$filter")
  run="$OUT/$name-run"
  if [ "$REUSE" = 1 ] && [ -f "$run/forecast.json" ]; then
    echo "== $name (reusing $run)" | tee -a "$OUT/$name.txt"
  else
  rm -rf "$run"
  echo "== $name" | tee "$OUT/$name.txt"
  start=$(date +%s)
  nice -n 10 "$SNAP/d4j" forecast train --data "$DATA/$file" --column "$column" "${filt[@]}" --freq "$freq" \
    --season "$season" --context "$context" --horizon "$horizon" --origins "$origins" --val-origins "$VAL" --lags "$lags" \
    --train-steps 5000 --minutes "$MINUTES" --out "$run" 2>/dev/null | tee -a "$OUT/$name.txt"
  echo "train wall s: $(( $(date +%s) - start ))" | tee -a "$OUT/$name.txt"
  fi
  if [ "$SCALE" = auto ]; then
    start=$(date +%s)
    nice -n 10 "$SNAP/d4j" forecast tune --model "$run" --data "$DATA/$file" --column "$column" "${filt[@]}" \
      --origins "$origins" --val-origins "$VAL" --samples "$TUNE_SAMPLES" --steps "$STEPS" \
      --candidates "$CANDIDATES" 2>&1 | tee -a "$OUT/$name.txt"
    echo "tune wall s: $(( $(date +%s) - start ))" | tee -a "$OUT/$name.txt"
  fi
  nice -n 10 "$SNAP/d4j" forecast eval --model "$run" --data "$DATA/$file" --column "$column" "${filt[@]}" \
    --origins "$origins" --samples "$SAMPLES" --steps "$STEPS" --scale "$SCALE" --refine "$REFINE" --png "$OUT/$name-fan.png" \
    --out "$OUT/$name-forecast.npy" \
    2>&1 | tee -a "$OUT/$name.txt"
done
