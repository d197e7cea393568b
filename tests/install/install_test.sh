#!/bin/sh
# Installs the build into a fresh prefix, moves the prefix (the installation must be
# relocatable), then builds the consumer program every way a user would and runs each build on
# 3 ranks with the installed mpprun: mppcc, pkg-config, find_package(msgpass) with the shared and
# the static library, and CMake's find_package(MPI) pointed at mppcc.
# usage: install_test.sh BUILD_DIR SOURCE_DIR [CFLAGS]
# CFLAGS: the build's own C flags (e.g. sanitizers), which consumers of that build need too.
set -eu
build=$1
src=$2
extra_cflags=${3:-}
work=$(mktemp -d /tmp/msgpass-install.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "install_test: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$work/staging" >/dev/null
mv "$work/staging" "$work/prefix"
p=$work/prefix
for f in bin/mpprun bin/mppcc bin/mppcxx include/mpi.h lib/libmsgpass.a lib/pkgconfig/msgpass.pc \
         lib/cmake/msgpass/msgpassConfig.cmake lib/cmake/msgpass/msgpassConfigVersion.cmake \
         share/man/man1/mpprun.1 share/man/man1/mppcc.1; do
    [ -e "$p/$f" ] || fail "missing $f in the installed tree"
done
soname=$(objdump -p "$p/lib/libmsgpass.so" | awk '/SONAME/ {print $2}')
[ -n "$soname" ] && [ -e "$p/lib/$soname" ] || fail "libmsgpass.so has no installed soname link ($soname)"

# Each dynamically linked consumer must load our library from the moved prefix, nothing else's.
run() {
    needed=$(readelf -d "$1" | grep NEEDED)
    case "$2" in
        *static*) ;;
        *) echo "$needed" | grep -q "libmsgpass.so" || fail "$2: the consumer does not need libmsgpass.so" ;;
    esac
    echo "$needed" | grep -Eq "libmpi|libmpich" && fail "$2: the consumer links another MPI: $needed"
    out=$("$p/bin/mpprun" -n 3 --timeout 60 "$1") || fail "$2: the consumer failed: $out"
    [ "$out" = "consumer ok on 3 ranks" ] || fail "$2: unexpected output: $out"
    echo "ok: $2"
}

"$p/bin/mppcc" -show -c x.c | grep -q -- "-I$p/include" || fail "mppcc -show does not use the moved prefix"
"$p/bin/mppcc" -link-info | grep -q -- "-lmsgpass" || fail "mppcc -link-info lacks -lmsgpass"
# shellcheck disable=SC2086
"$p/bin/mppcc" $extra_cflags -o "$work/by_mppcc" "$src/tests/install/consumer/consumer.c"
run "$work/by_mppcc" mppcc

cflags=$(PKG_CONFIG_PATH=$p/lib/pkgconfig pkg-config --cflags msgpass)
libs=$(PKG_CONFIG_PATH=$p/lib/pkgconfig pkg-config --libs msgpass)
# shellcheck disable=SC2086
cc $extra_cflags $cflags -o "$work/by_pkgconfig" "$src/tests/install/consumer/consumer.c" $libs
run "$work/by_pkgconfig" pkg-config

for how in msgpass msgpass_static mpi; do
    extra=""
    [ $how = mpi ] && extra="-DMPI_C_COMPILER=$p/bin/mppcc"
    cmake -S "$src/tests/install/consumer" -B "$work/cmake_$how" -DHOW=$how -DCMAKE_PREFIX_PATH="$p" -DCMAKE_C_FLAGS="$extra_cflags" $extra \
        >"$work/cmake_$how.log" 2>&1 || { cat "$work/cmake_$how.log" >&2; fail "configuring with $how failed"; }
    cmake --build "$work/cmake_$how" >>"$work/cmake_$how.log" 2>&1 || { cat "$work/cmake_$how.log" >&2; fail "building with $how failed"; }
    run "$work/cmake_$how/consumer" "find_package($how)"
done
if [ "$(readelf -d "$work/cmake_msgpass_static/consumer" | grep -c libmsgpass)" != 0 ]; then
    fail "the static consumer still needs libmsgpass.so"
fi
