#!/usr/bin/env bash
# The README's main job against the tutorial's pipeline, side by side on this machine (issue 20).
#
#   benchmarks/main-job-vs-peer.sh [runs]        # default 3 runs of each side, alternated
#
# Both sides embed the same UTKFace images with the same random-weight InceptionResnetV1 checkpoint
# (the VGGFace2 weights cannot be downloaded here): the peer is ../shared/peer/peer_audit.py (facenet-pytorch,
# torch.set_num_threads(2), no plots), ours is `faceembed audit` from a Release build with its bootstrap intervals,
# permutation test, plots and report. Each run is timed from process start to exit with GNU time, which also gives the
# peak resident set. It prints one line per run, then the medians and their ratio. The peer needs Debian's
# python3-torch (see ../shared/peer/README.md); the script says so when it is missing.
#
# Stage figures for ours come from the same binary: `faceembed embed` (models + decoding + detection + encoding)
# and the audit's own "Audited ... in X s" line (the statistics); the rest is start-up, plots, report and files.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
shared=${FACEEMBEDDINGS_SHARED:-$root/../shared}
runs=${1:-3}
images=$shared/data/utkface
checkpoint=$shared/fixtures/inception_resnet_v1/irv1-random-fp16.pt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 -c 'import torch, sklearn, PIL, tqdm' 2>/dev/null || {
    echo "main-job-vs-peer: the peer needs python3-torch, python3-sklearn and python3-pil (apt-get install -y python3-torch python3-torchvision python3-pil python3-sklearn python3-tqdm libopenblas0-pthread)" >&2
    exit 2
}
[ -x /usr/bin/time ] || { echo "main-job-vs-peer: GNU time is needed (apt-get install -y time)" >&2; exit 2; }

dotnet build -c Release "$root/src/FaceEmbeddings.Cli" -v q -nologo >/dev/null
faceembed=(dotnet "$root/src/FaceEmbeddings.Cli/bin/Release/net10.0/faceembed.dll")

peer() {
    PYTHONPATH=$shared/peer /usr/bin/time -f '%e %M' -o "$work/time" \
        /usr/bin/python3 "$shared/peer/peer_audit.py" "$images" "$checkpoint" "$work/peer.json" >"$work/peer.out"
}
ours() {
    rm -rf "$work/report"
    /usr/bin/time -f '%e %M' -o "$work/time" "${faceembed[@]}" audit "$images" --labels utkface --group-by race,gender \
        --weights "$checkpoint" --models "$shared/models" --offline --out "$work/report" >"$work/ours.out" 2>&1
}
embed_only() {
    /usr/bin/time -f '%e %M' -o "$work/time" "${faceembed[@]}" embed "$images" --labels utkface \
        --weights "$checkpoint" --models "$shared/models" --offline --out "$work/embeddings.safetensors" >"$work/embed.out" 2>&1
}
seconds() { cut -d' ' -f1 "$work/time"; }
megabytes() { echo $(( $(cut -d' ' -f2 "$work/time") / 1024 )); }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%F %T') UTC; commit $(git -C "$root" rev-parse --short HEAD)"
printf '%-4s %-10s %9s %9s %s\n' run side seconds peak_MB detail
: >"$work/peer.s"; : >"$work/ours.s"; : >"$work/embed.s"; : >"$work/audit.s"; : >"$work/peer.mb"; : >"$work/ours.mb"
for run in $(seq "$runs"); do
    peer
    seconds >>"$work/peer.s"; megabytes >>"$work/peer.mb"
    printf '%-4s %-10s %9s %9s %s\n' "$run" peer "$(seconds)" "$(megabytes)" "$(tail -1 "$work/peer.out")"
    ours
    seconds >>"$work/ours.s"; megabytes >>"$work/ours.mb"
    audited=$(grep -o 'in [0-9.]* s;' "$work/ours.out" | grep -o '[0-9.]*' || echo '?')
    echo "$audited" >>"$work/audit.s"
    printf '%-4s %-10s %9s %9s %s\n' "$run" faceembed "$(seconds)" "$(megabytes)" "statistics ${audited} s; $(grep -o 'Audited [0-9]* faces' "$work/ours.out")"
    embed_only
    seconds >>"$work/embed.s"
    printf '%-4s %-10s %9s %9s %s\n' "$run" embed-only "$(seconds)" "$(megabytes)" "faceembed embed: start-up, models, decoding, detection, encoding, file"
done

peer_s=$(median <"$work/peer.s"); ours_s=$(median <"$work/ours.s")
echo "median: peer ${peer_s} s ($(median <"$work/peer.mb") MB), faceembed audit ${ours_s} s ($(median <"$work/ours.mb") MB);" \
     "embed only $(median <"$work/embed.s") s, statistics $(median <"$work/audit.s") s"
awk -v p="$peer_s" -v o="$ours_s" 'BEGIN { printf "ratio: faceembed audit is %.2fx the peer (goal >= 4)\n", p / o }'
