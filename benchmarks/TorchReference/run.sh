#!/usr/bin/env bash
# Builds and runs the libtorch TD3 yardstick: run.sh [updates] [threads]
# TorchSharp-cpu 0.107's libLibTorchSharp.so is built with GCC 13 and asks libstdc++ for GLIBCXX_3.4.32 for one
# symbol; Debian 12 ships GCC 12. So the build output's copies are patched: that one requirement is pointed at
# GLIBCXX_3.4.30 and the symbol comes from a two-line shim library. Not needed where libstdc++ is GCC 13 or newer.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/bin/Release/net10.0"
dotnet build "$here" -c Release -nologo -v quiet
if ! grep -q GLIBCXX_3.4.32 /usr/lib/x86_64-linux-gnu/libstdc++.so.6; then
  g++ -O2 -shared -fPIC -o "$out/libiosinit.so" "$here/ios_init_shim.cpp"
  for lib in "$out/runtimes/linux-x64/native/libLibTorchSharp.so" "$out/cpu/libLibTorchSharp.so"; do
    [ -f "$lib" ] || continue
    # (grep reads the whole listing: with pipefail, an early exit would fail the pipe)
    if [ "$(objdump -T "$lib" | grep -c "GLIBCXX_3.4.32")" != 0 ]; then
      patchelf --clear-symbol-version _ZSt21ios_base_library_initv "$lib"
      patchelf --add-needed "$out/libiosinit.so" "$lib"
      python3 "$here/patch_verneed.py" "$lib"
    fi
  done
fi
exec dotnet "$out/TorchReference.dll" "$@"
