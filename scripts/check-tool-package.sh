#!/usr/bin/env bash
# Packs the faceembed tool, checks every package's size and contents, installs the tool from the packed output
# into an empty HOME and NuGet cache, and runs it (`faceembed --help`, `faceembed detect` on a shared image).
#
#   scripts/check-tool-package.sh [out-dir [--reuse]]
#
# --reuse checks and installs the packages already in out-dir instead of packing again.
#
# Not part of `dotnet test` or CI: it packs libtorch for three platforms (about 1.2 GB read, 345 MB of packages
# written) and installs 763 MB, as measured in docs/cli.md, "The faceembed tool package". Needs ../shared (or
# FACEEMBEDDINGS_SHARED) for the MTCNN weights and the image. Exit status 0 only when every check passed.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="${FACEEMBEDDINGS_SHARED:-$repo/../shared}"
limit_bytes=$((250 * 1000 * 1000))   # nuget.org refuses packages over 250 MB
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props" | head -1)"
rids=(linux-x64 win-x64 osx-arm64)

work="$(mktemp -d "${TMPDIR:-/tmp}/faceembed-tool.XXXXXX")"
trap 'rm -rf "$work"' EXIT
out="${1:-$work/packages}"
reuse="${2:-}"
mkdir -p "$out"
fail() { echo "check-tool-package: FAILED: $*" >&2; exit 1; }
seconds() { echo $(( $(date +%s) - $1 )); }

[[ -f "$shared/models/mtcnn/pnet.pt" ]] || fail "no MTCNN weights under $shared/models (set FACEEMBEDDINGS_SHARED)"

if [[ "$reuse" != "--reuse" ]]; then
    rm -f "$out"/FaceEmbeddings.Cli*.nupkg "$out"/FaceEmbeddings.Cli*.snupkg
    start=$(date +%s)
    dotnet pack "$repo/src/FaceEmbeddings.Cli/FaceEmbeddings.Cli.csproj" -c Release -o "$out" -nologo -v:q
    echo "pack: $(seconds "$start") s"
fi

# The pointer package and one package per platform, each under the limit, each with only its platform's natives.
for package in "FaceEmbeddings.Cli" "${rids[@]/#/FaceEmbeddings.Cli.}"; do
    file="$out/$package.$version.nupkg"
    [[ -f "$file" ]] || fail "$file was not packed"
    size=$(stat -c %s "$file")
    printf '%-32s %6d MB\n' "$package" $((size / 1000 / 1000))
    (( size < limit_bytes )) || fail "$package is $size bytes, over nuget.org's $limit_bytes"
done
# Each platform's package has its own libtorch, TorchSharp and Skia natives and none of another platform's.
libtorch_of() { case "$1" in linux-*) echo libtorch_cpu.so ;; win-*) echo torch_cpu.dll ;; osx-*) echo libtorch_cpu.dylib ;; esac; }
for rid in "${rids[@]}"; do
    files="$(unzip -Z1 "$out/FaceEmbeddings.Cli.$rid.$version.nupkg")"
    grep -q "/$(libtorch_of "$rid")\$" <<<"$files" || fail "FaceEmbeddings.Cli.$rid lacks $(libtorch_of "$rid")"
    grep -qiE '/(lib)?LibTorchSharp\.(so|dll|dylib)$' <<<"$files" || fail "FaceEmbeddings.Cli.$rid lacks LibTorchSharp"
    grep -qE '/libSkiaSharp\.(so|dll|dylib)$' <<<"$files" || fail "FaceEmbeddings.Cli.$rid lacks the Skia native library"
    for other in "${rids[@]}"; do
        [[ "$other" == "$rid" ]] && continue
        ! grep -q "/$(libtorch_of "$other")\$" <<<"$files" || fail "FaceEmbeddings.Cli.$rid carries $other's libtorch"
    done
    ! grep -q '/runtimes/' <<<"$files" || fail "FaceEmbeddings.Cli.$rid carries a runtimes/ folder (natives of several platforms)"
done
pointer_files="$(unzip -Z1 "$out/FaceEmbeddings.Cli.$version.nupkg")"
! grep -qiE '\.(so|dll|dylib)$' <<<"$pointer_files" || fail "the pointer package carries binaries"

# Install as a user would, with nothing cached: an empty HOME and NuGet cache, outside the repository (whose
# nuget.config would otherwise apply).
mkdir -p "$work/home" "$work/nuget" "$work/tools"
export HOME="$work/home" NUGET_PACKAGES="$work/nuget" DOTNET_CLI_HOME="$work/home" DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
cd "$work"
start=$(date +%s)
dotnet tool install --tool-path "$work/tools" --add-source "$out" FaceEmbeddings.Cli --version "$version"
echo "install: $(seconds "$start") s, $(du -sm "$work/tools" | cut -f1) MB installed"

faceembed="$work/tools/faceembed"
"$faceembed" --help | grep -q "detect" || fail "faceembed --help does not list the detect command"

# libLibTorchSharp.so as installed: its GLIBCXX_3.4.32 requirement must be weak, or Debian 12 cannot load it.
lib="$(find "$work/tools" -name libLibTorchSharp.so | head -1)"
[[ -n "$lib" ]] || fail "the installed tool has no libLibTorchSharp.so"
if command -v readelf >/dev/null; then
    readelf -V "$lib" | grep 'GLIBCXX_3.4.32' | grep -q 'WEAK' || fail "$lib: GLIBCXX_3.4.32 is not marked weak"
fi

image="$shared/fixtures/images/multiface.png"
detected="$("$faceembed" detect "$image" --models "$shared/models" --offline)"
echo "$detected"
faces=$(grep -c "multiface.png" <<<"$detected" || true)
[[ "$faces" -eq 6 ]] || fail "faceembed detect found $faces faces in $image, not its 6"
echo "check-tool-package: OK (packages in $out)"
