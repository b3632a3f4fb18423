#!/usr/bin/env bash
# Neural SDE gradient step (forward + backward): Java (DJL + PyTorch 2.7.1 native, MlpSdeTerm)
# against the same network and Euler loop in torch 1.13 (python/neural_sde_step.py on
# /usr/bin/python3), one intra-op thread each, alternating so both see the same machine load.
#
#   diffusion4j-bench/neural-sde-vs-torch.sh [rounds=2] [warmup=2] [timed=6]
#
# Builds the bench module first unless SKIP_BUILD=1 (reactor package, never install).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
rounds="${1:-2}"; warmup="${2:-2}"; timed="${3:-6}"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$root" && mvn -B -q -o -pl diffusion4j-bench -am package -DskipTests)
fi
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
for ((r = 1; r <= rounds; r++)); do
  echo "== round $r: java"
  java -Dai.djl.pytorch.num_threads=1 -cp "$cp" org.diffusion4j.bench.nn.NeuralSdeStepBench "$warmup" "$timed" 2>/dev/null
  echo "== round $r: python"
  /usr/bin/python3 "$here/python/neural_sde_step.py" "$warmup" "$timed"
done
