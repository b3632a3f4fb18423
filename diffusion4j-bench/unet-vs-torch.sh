#!/usr/bin/env bash
# UNet2d training step and sampling speed, Java (DJL + PyTorch 2.7.1 native) against the same
# network in PyTorch (python/unet_step.py, /usr/bin/python3), one intra-op thread each, run in
# alternation (Java, Python, Java, Python, ...) so both see the same load on a shared machine.
#
#   diffusion4j-bench/unet-vs-torch.sh [rounds=2] [warmup=3] [timed=10] [batch=128]
#
# Builds the bench module first unless SKIP_BUILD=1 (reactor package, never install).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
rounds="${1:-2}"; warmup="${2:-3}"; timed="${3:-10}"; batch="${4:-128}"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$root" && mvn -B -q -o -pl diffusion4j-bench -am package -DskipTests)
fi
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
log="$(mktemp)"
check="$(mktemp -d)"
trap 'rm -rf "$log" "$check"' EXIT
# Same network? Random weights from Java, loaded into the torch module, must give the same output.
java -cp "$cp" org.diffusion4j.bench.nn.UNetStepBench export "$check" 2>/dev/null
/usr/bin/python3 "$here/python/unet_step.py" check "$check"
for ((r = 1; r <= rounds; r++)); do
  echo "== round $r: java"
  java -Dai.djl.pytorch.num_threads=1 -cp "$cp" org.diffusion4j.bench.nn.UNetStepBench "$warmup" "$timed" "$batch" \
    2>/dev/null | tee -a "$log"
  echo "== round $r: python"
  /usr/bin/python3 "$here/python/unet_step.py" "$warmup" "$timed" "$batch" | tee -a "$log"
done
python3 - "$log" <<'PY'
import re, statistics, sys
text = open(sys.argv[1]).read()
def med(pattern):
    v = [float(x) for x in re.findall(pattern, text)]
    return statistics.median(v), v
js, jsv = med(r"java train step: median ([0-9.]+) ms")
ps, psv = med(r"torch train step: median ([0-9.]+) ms")
ji, jiv = med(r"java sampling: .* = ([0-9.]+) images/s")
pi, piv = med(r"torch sampling: .* = ([0-9.]+) images/s")
print("\n== summary (median over rounds; per-round medians in brackets)")
print("train step  java %.0f ms %s   torch %.0f ms %s   java/torch time ratio %.2f" % (js, jsv, ps, psv, js / ps))
print("sampling    java %.1f img/s %s   torch %.1f img/s %s   java/torch throughput ratio %.2f"
      % (ji, jiv, pi, piv, ji / pi))
PY
