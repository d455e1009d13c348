#!/usr/bin/env bash
# Release check: build the frozen bundle and the .deb, install the .deb, and run the installed copy the way
# a clerk's PC would — no virtualenv, no Python on PATH, a fresh home folder — then remove it and check
# that the user's data stayed. Compiles the Windows installer script too. Exit 0 only when all passed.
#
#   packaging/release-check.sh            (from the repository, after `pip install -e .` into .venv)
#
# Needs: .venv with villagepost installed, pyinstaller (pip), binutils (objdump/readelf: PyInstaller and
# the glibc floor), dpkg-deb, makensis (Debian's nsis), pdftotext (poppler-utils), root or sudo for dpkg.
# Prints the bundle size, the .deb size, the installed size and the start time to a painted window.
# Set VILLAGEPOST_RELEASE_KEEP=1 to leave the package installed and the work folder in place, and
# VILLAGEPOST_RELEASE_REUSE_BUNDLE=1 to skip the PyInstaller build when dist/villagepost exists.
set -uo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"
PY="$REPO/.venv/bin/python"
WORK="$(mktemp -d /tmp/villagepost-release.XXXXXX)"
FAILED=0
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

step() { printf '\n== %s\n' "$*"; }
ok() { printf '   ok: %s\n' "$*"; }
fail() { printf '   FAILED: %s\n' "$*"; FAILED=$((FAILED + 1)); }
need() { command -v "$1" >/dev/null 2>&1 || { echo "release check: '$1' not found ($2)" >&2; exit 2; }; }
seconds() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(seconds)" 'BEGIN { printf "%.1f", b - a }'; }

need dpkg-deb "apt install dpkg"
need objdump "apt install binutils"
need readelf "apt install binutils"
need makensis "apt install nsis"
need pdftotext "apt install poppler-utils"
[ -x "$REPO/.venv/bin/pyinstaller" ] || { echo "release check: .venv/bin/pyinstaller not found (pip install pyinstaller)" >&2; exit 2; }
VERSION="$("$PY" -c 'import villagepost; print(villagepost.__version__)')"
ARCH="$(dpkg --print-architecture)"
DEB="dist/villagepost_${VERSION}_${ARCH}.deb"

cleanup() {
  if [ "${VILLAGEPOST_RELEASE_KEEP:-0}" != 1 ]; then
    dpkg -s villagepost >/dev/null 2>&1 && $SUDO dpkg --purge villagepost >/dev/null 2>&1
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

# --- build ------------------------------------------------------------------------------------------
step "frozen bundle (PyInstaller, packaging/villagepost.spec)"
t0="$(seconds)"
if [ "${VILLAGEPOST_RELEASE_REUSE_BUNDLE:-0}" = 1 ] && [ -x dist/villagepost/villagepost ]; then
  BUILD_S="reused"; ok "reusing dist/villagepost (VILLAGEPOST_RELEASE_REUSE_BUNDLE=1: for trying the check itself)"
elif "$REPO/.venv/bin/pyinstaller" --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
     packaging/villagepost.spec >"$WORK/pyinstaller.log" 2>&1; then
  BUILD_S="$(elapsed "$t0")"; ok "built in ${BUILD_S} s"
else
  tail -n 30 "$WORK/pyinstaller.log"; fail "pyinstaller"; exit 1
fi
BUNDLE_MB="$(du -sm --apparent-size dist/villagepost | cut -f1)"

step ".deb (dpkg-deb)"
if packaging/build-deb.sh dist/villagepost dist >"$WORK/deb.log" 2>&1 && [ -f "$DEB" ]; then
  ok "$DEB"
else
  cat "$WORK/deb.log"; fail "build-deb.sh"; exit 1
fi
DEB_MB="$(awk -v b="$(stat -c %s "$DEB")" 'BEGIN { printf "%.1f", b / 1048576 }')"
INSTALLED_MB="$(dpkg-deb -f "$DEB" Installed-Size | awk '{ printf "%.1f", $1 / 1024 }')"
# The size budget is a benchmark figure, like the start time: reported, compared with the budget, never
# a failure of the check (what the bundle must contain is checked below, what it weighs is tracked).
awk -v s="$INSTALLED_MB" 'BEGIN { exit !(s < 200) }' && ok "installed size ${INSTALLED_MB} MB < 200 MB budget" \
  || printf '   OVER BUDGET: installed size %s MB (budget 200 MB; see tests/bench/RESULTS.md)\n' "$INSTALLED_MB"
dpkg-deb -c "$DEB" >"$WORK/contents.txt"
grep -q ' ./usr/share/applications/villagepost.desktop$' "$WORK/contents.txt" && ok "menu entry packaged" \
  || fail "no .desktop entry in the package"
for size in 16 24 32 48 64 128 256; do
  grep -q " ./usr/share/icons/hicolor/${size}x${size}/apps/villagepost.png$" "$WORK/contents.txt" \
    || fail "no ${size}px icon in the package"
done
if command -v desktop-file-validate >/dev/null 2>&1; then
  dpkg-deb --fsys-tarfile "$DEB" | tar -xO ./usr/share/applications/villagepost.desktop >"$WORK/villagepost.desktop"
  desktop-file-validate "$WORK/villagepost.desktop" && ok "desktop-file-validate" || fail "desktop-file-validate"
fi

step "Windows installer script (makensis, against a stand-in bundle)"
mkdir -p "$WORK/winbundle/_internal"
printf 'stand-in\n' >"$WORK/winbundle/villagepost.exe"
printf 'stand-in\n' >"$WORK/winbundle/villagepost-window.exe"
printf 'stand-in\n' >"$WORK/winbundle/_internal/base_library.zip"
if makensis -V2 -WX "-DVERSION=$VERSION" "-DBUNDLE=$WORK/winbundle" "-DOUTFILE=$WORK/villagepost-$VERSION-setup.exe" \
     packaging/villagepost.nsi >"$WORK/nsis.log" 2>&1 && [ -s "$WORK/villagepost-$VERSION-setup.exe" ]; then
  ok "packaging/villagepost.nsi compiles (warnings are errors)"
else
  cat "$WORK/nsis.log"; fail "makensis"
fi

# --- install ----------------------------------------------------------------------------------------
# First an "older version" (the same bundle packaged as 0.0.1), used once, then the real package over it:
# the clerk's registry and settings must survive the upgrade, and no file of the old package may remain.
step "install an older version, then this one over it"
VILLAGEPOST_DEB_VERSION=0.0.1 VILLAGEPOST_DEB_COMPRESSION=none packaging/build-deb.sh dist/villagepost "$WORK/old" >"$WORK/deb-old.log" 2>&1 \
  || { cat "$WORK/deb-old.log"; fail "building the older package"; }
$SUDO dpkg --purge villagepost >/dev/null 2>&1
if $SUDO dpkg -i "$WORK"/old/villagepost_0.0.1_*.deb >"$WORK/dpkg-old.log" 2>&1; then ok "dpkg -i 0.0.1"; else cat "$WORK/dpkg-old.log"; fail "dpkg -i (older)"; fi
# A PATH without any Python: symbolic links to everything in /usr/bin and /bin except python*.
NOPY="$WORK/nopython-bin"
mkdir -p "$NOPY"
for dir in /usr/bin /bin; do
  for tool in "$dir"/*; do
    name="${tool##*/}"
    case "$name" in python*|pip*|pydoc*|2to3*|idle*) continue ;; esac
    [ -e "$NOPY/$name" ] || ln -s "$tool" "$NOPY/$name"
  done
done
CLERK="$WORK/home/张三"
mkdir -p "$CLERK" "$WORK/run"
clerk() {  # run a command as a clerk would: fresh home, no Python anywhere on PATH, no virtualenv
  (cd "$WORK/run" && env -i HOME="$CLERK" PATH="$NOPY" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen "$@")
}
clerk sh -c 'command -v python3 || command -v python' >/dev/null && fail "python is still on the clerk's PATH" \
  || ok "no python on the clerk's PATH"

OLD_REGISTRY="$CLERK/.local/share/VillagePost/villagepost.sqlite"
clerk villagepost db init >/dev/null 2>&1 && clerk villagepost db setting include-village-like on >/dev/null 2>&1 \
  && [ -f "$OLD_REGISTRY" ] \
  && ok "the older version made the clerk's registry and stored a setting" || fail "the older version did not run"
mkdir -p "$CLERK/.config/VillagePost" && printf '[General]\nuser_name=张三\n' >"$CLERK/.config/VillagePost/VillagePost.conf"
if $SUDO dpkg -i "$DEB" >"$WORK/dpkg.log" 2>&1; then ok "dpkg -i $DEB over 0.0.1"; else cat "$WORK/dpkg.log"; fail "dpkg -i"; exit 1; fi
[ -x /opt/villagepost/villagepost ] && [ -x /usr/bin/villagepost ] && ok "/opt/villagepost and /usr/bin/villagepost" \
  || fail "installed files missing"
[ "$(dpkg-query -W -f '${Version}' villagepost)" = "$VERSION" ] && ok "dpkg says $VERSION" || fail "not upgraded"
out="$(clerk villagepost --json db setting include-village-like 2>&1)"
case "$out" in *'"value": "on"'*) ok "the registry and its setting survived the upgrade" ;; *) fail "setting lost: $out" ;; esac
grep -q '张三' "$CLERK/.config/VillagePost/VillagePost.conf" && ok "the window's settings file is kept" || fail "settings lost"
clerk villagepost db setting include-village-like off >/dev/null 2>&1

# A registry of schema 0001 (the first release), written by the source tree: the installed copy backs it
# up beside itself and upgrades it with the bundled Alembic scripts.
"$PY" - "$WORK/run/旧登记册.sqlite" <<'PYOLD'
import sys
from sqlalchemy import create_engine
from villagepost.storage import schema
engine = create_engine(f"sqlite:///{sys.argv[1]}")
schema._upgrade(engine, "0001")
engine.dispose()
PYOLD
clerk villagepost --json --db 旧登记册.sqlite db info >"$WORK/old-info.json" 2>"$WORK/old-info.err"
if grep -q "\"schema\": \"$("$PY" -c 'from villagepost.storage.schema import SCHEMA_HEAD; print(SCHEMA_HEAD)')\"" "$WORK/old-info.json" \
   && ls "$WORK"/run/旧登记册-backups/*-pre-upgrade.sqlite >/dev/null 2>&1; then
  ok "a schema-0001 registry: backed up ($(cd "$WORK/run" && ls 旧登记册-backups/*-pre-upgrade.sqlite)) and upgraded"
else
  cat "$WORK/old-info.err"; fail "upgrading a schema-0001 registry"
fi

step "the installed copy, from /usr/bin/villagepost"
out="$(clerk env VILLAGEPOST_SELF_CHECK=1 villagepost 2>&1)"
case "$out" in "self-check ok: "*"libpq "*) ok "$out" ;; *) printf '%s\n' "$out" | tail -n 5; fail "self-check of the compiled modules" ;; esac
out="$(clerk villagepost --version 2>&1)"
[ "$out" = "villagepost $VERSION" ] && ok "--version: $out" || fail "--version said: $out"

REGISTRY="$OLD_REGISTRY"
clerk villagepost --json divisions load --scope 640221 >"$WORK/load.json" 2>"$WORK/load.err" \
  && grep -q '"inserted": 198' "$WORK/load.json" && [ -f "$REGISTRY" ] \
  && ok "divisions load --scope 640221: 198 units into the default registry" \
  || { cat "$WORK/load.err"; fail "divisions load"; }

cp tests/rosters/data/A01_pingluo_clean.xlsx "$WORK/run/平罗县站点.xlsx"
clerk villagepost --json import 平罗县站点.xlsx >"$WORK/import.json" 2>"$WORK/import.err" \
  && grep -q '站点 88 个（新增 88' "$WORK/import.json" \
  && ok "roster import: 144 villages, 88 stations" || { cat "$WORK/import.err"; fail "import"; }

clerk villagepost --json coverage --scope 640221 --on 2026-11-23 >"$WORK/coverage.json" 2>"$WORK/coverage.err" \
  || { cat "$WORK/coverage.err"; fail "coverage"; }
# The same question to the source tree's copy (built from the same roster) must get the same answer.
"$PY" -m villagepost --db "$WORK/source.sqlite" divisions load --scope 640221 >/dev/null 2>&1
"$PY" -m villagepost --db "$WORK/source.sqlite" import tests/rosters/data/A01_pingluo_clean.xlsx >/dev/null 2>&1
"$PY" -m villagepost --db "$WORK/source.sqlite" --json coverage --scope 640221 --on 2026-11-23 >"$WORK/coverage-source.json" 2>/dev/null
grep -q '"villages_total": 144' "$WORK/coverage.json" && cmp -s "$WORK/coverage.json" "$WORK/coverage-source.json" \
  && ok "coverage: 144 建制村, the same JSON as the source tree's" || fail "coverage differs from the source tree's"

clerk villagepost print summary --scope 640221 --on 2026-11-23 汇总.pdf >"$WORK/print.out" 2>&1 \
  && pdftotext -enc UTF-8 "$WORK/run/汇总.pdf" - | tr -d ' \n' | grep -q '城关镇' \
  && ok "print summary: 汇总.pdf ($(pdfinfo "$WORK/run/汇总.pdf" 2>/dev/null | awk '/^Pages/ {print $2}') pages, 城关镇 in its text)" \
  || { cat "$WORK/print.out"; fail "print summary"; }

# The window, offscreen, for 5 s; meanwhile its memory map shows which Python and files it runs on.
clerk timeout 120 env VILLAGEPOST_SMOKE_SCREENSHOT="$WORK/window.png" /opt/villagepost/villagepost-window \
  >"$WORK/window.out" 2>&1 &
WPID=$!
sleep 3
MAPS="$(cat "/proc/$(pgrep -n -f '^/opt/villagepost/villagepost-window')/maps" 2>/dev/null || true)"
wait $WPID; WRC=$?
if [ $WRC -eq 0 ] && grep -q "VILLAGEPOST_SMOKE_SCREENSHOT $WORK/window.png" "$WORK/window.out" && [ -s "$WORK/window.png" ]; then
  cp "$WORK/window.png" dist/release-check-window.png
  ok "window: open 5 s offscreen, screenshot dist/release-check-window.png"
else
  cat "$WORK/window.out"; fail "window smoke test (exit $WRC)"
fi
LIBPY="$(printf '%s\n' "$MAPS" | awk '{print $6}' | grep -m1 'libpython')"
case "$LIBPY" in
  /opt/villagepost/*) ok "the window runs on the bundled $LIBPY" ;;
  *) fail "the window's libpython is '${LIBPY:-not found}', not the bundled one" ;;
esac
if printf '%s\n' "$MAPS" | awk '{print $6}' | grep -E "^($REPO|/usr/lib/python3|/usr/local/lib/python3)" | sort -u | grep .; then
  fail "the installed window mapped files of the source tree or of a system Python (above)"
else
  ok "nothing mapped from the source tree or a system Python"
fi

clerk villagepost --json db backup 备份.sqlite >"$WORK/backup.json" 2>"$WORK/backup.err" \
  && [ "$(head -c 15 "$WORK/run/备份.sqlite")" = "SQLite format 3" ] \
  && ok "db backup: 备份.sqlite" || { cat "$WORK/backup.err"; fail "db backup"; }

# No display at all (a remote terminal): the clear message of the source tree, exit 2, no Qt abort.
out="$(clerk env -u QT_QPA_PLATFORM timeout 60 /opt/villagepost/villagepost-window 2>&1)"; rc=$?
case "$rc:$out" in 2:没有可用的图形显示*) ok "no display: exit 2, '$(printf '%s' "$out" | head -n 1)'" ;;
  *) printf '%s\n' "$out" | tail -n 5; fail "no display: exit $rc" ;; esac

step "start to a painted window (installed copy, median of 5)"
: >"$WORK/paint.txt"
for _ in 1 2 3 4 5 6; do
  clerk timeout 60 env VILLAGEPOST_EXIT_AFTER_PAINT=1 /opt/villagepost/villagepost-window 2>/dev/null \
    | awk '/VILLAGEPOST_FIRST_PAINT/ {print $2}' >>"$WORK/paint.txt"
done
PAINT_S="$(tail -n 5 "$WORK/paint.txt" | sort -n | sed -n 3p)"   # the first run warms the disk cache
[ -n "$PAINT_S" ] && ok "first paint after ${PAINT_S} s (runs: $(tr '\n' ' ' <"$WORK/paint.txt"))" || fail "no first paint"

# --- remove -----------------------------------------------------------------------------------------
step "remove the package; the clerk's data stays"
if $SUDO dpkg --purge villagepost >"$WORK/purge.log" 2>&1; then ok "dpkg --purge"; else cat "$WORK/purge.log"; fail "dpkg --purge"; fi
[ ! -e /opt/villagepost ] && [ ! -e /usr/bin/villagepost ] && [ ! -e /usr/share/applications/villagepost.desktop ] \
  && ok "no file of the package left" || fail "files left after removal: $(ls -d /opt/villagepost /usr/bin/villagepost 2>/dev/null)"
[ -s "$REGISTRY" ] && ok "the registry stays: $REGISTRY" || fail "the registry was removed"

step "summary"
printf '| version | bundle (MB) | .deb (MB) | installed (MB) | first paint (s) | bundle build (s) |\n'
printf '|---|---|---|---|---|---|\n'
printf '| %s | %s | %s | %s | %s | %s |\n' "$VERSION" "$BUNDLE_MB" "$DEB_MB" "$INSTALLED_MB" "${PAINT_S:-?}" "${BUILD_S:-?}"
if [ "$FAILED" -eq 0 ]; then echo "release check passed"; exit 0; fi
echo "release check FAILED: $FAILED problem(s)"; exit 1
