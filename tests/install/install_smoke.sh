#!/bin/sh
# install.smoke: `cmake --install` into a scratch prefix, then the smoke test
# (dist/smoke.sh) runs that copy from a folder outside the source tree; the
# installed program holds no path of the source tree's data files.
# usage: install_smoke.sh BUILD_DIR SOURCE_DIR
set -eu
export LC_ALL=C.UTF-8 # the checks read English messages (LANG=vi_VN.UTF-8 translates them)
unset LANGUAGE
build=$1 src=$2
prefix=$(mktemp -d /tmp/sohoa-install.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" > /dev/null
for f in bin/sohoa share/sohoa/kinds.json share/sohoa/names.json share/sohoa/places.json share/sohoa/words.json share/sohoa/procedures.json \
         share/locale/vi/LC_MESSAGES/sohoa.mo lib/systemd/system/sohoa-watch.service \
         lib/systemd/system/sohoa-serve.service lib/systemd/system/sohoa-checkpoint.timer lib/sysusers.d/sohoa.conf lib/tmpfiles.d/sohoa.conf \
         etc/sohoa/sohoa.conf etc/pam.d/sohoa share/bash-completion/completions/sohoa lib/pkgconfig/sohoa.pc \
         include/sohoa/sh_common.h; do
  [ -e "$prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done
if strings "$prefix/bin/sohoa" | grep -F -e "$src/" | grep "\.json"; then
  echo "the installed program names the source tree's data files"; exit 1
fi
cp "$src/tests/data/papers/dev03-giay-khai-sinh-office200.jpg" "$prefix/page.jpg"
sh "$src/dist/smoke.sh" "$prefix/bin/sohoa" "$prefix/page.jpg"
