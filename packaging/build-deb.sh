#!/usr/bin/env bash
# Build dist/villagepost_VERSION_ARCH.deb from the frozen bundle dist/villagepost/ (packaging/villagepost.spec).
#
#   packaging/build-deb.sh [BUNDLE_DIR] [OUT_DIR]
#
# The package installs the bundle under /opt/villagepost, a `villagepost` command in /usr/bin, the menu
# entry (/usr/share/applications/villagepost.desktop) and the icons (hicolor theme, 16-256 px and SVG).
# It has no maintainer scripts: Debian's desktop-file-utils and hicolor-icon-theme refresh their caches by
# dpkg triggers, and removal deletes exactly the packaged files — a clerk's registry, settings and logs live
# in their home folder (~/.local/share/VillagePost, ~/.config/VillagePost, ~/.local/state/VillagePost),
# which dpkg never touches, so `apt remove` and even `apt purge` keep them.
#
# The architecture is the build machine's (dpkg --print-architecture): build the bundle and the package on
# an arm64 or loongarch64 machine (or in such a container) to get that package; see packaging/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUNDLE="${1:-dist/villagepost}"
OUT="${2:-dist}"
PY="${PYTHON:-.venv/bin/python}"
[ -x "$BUNDLE/villagepost" ] || { echo "no bundle at $BUNDLE (run pyinstaller packaging/villagepost.spec first)" >&2; exit 2; }

# VILLAGEPOST_DEB_VERSION overrides the version (the release check builds an "older" package to install
# the real one over it).
VERSION="${VILLAGEPOST_DEB_VERSION:-$("$PY" -c 'import villagepost; print(villagepost.__version__)')}"
ARCH="$(dpkg --print-architecture)"
# The newest glibc symbol version any binary in the bundle asks for: the package's real libc6 floor.
GLIBC_MIN="$(find "$BUNDLE" -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
  | xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)"

STAGE="$(mktemp -d /tmp/villagepost-deb.XXXXXX)"
trap 'rm -rf "$STAGE"' EXIT
ROOT="$STAGE/villagepost_${VERSION}_${ARCH}"
mkdir -p "$ROOT/DEBIAN" "$ROOT/opt" "$ROOT/usr/bin" "$ROOT/usr/share/applications" \
  "$ROOT/usr/share/doc/villagepost" "$ROOT/usr/share/icons/hicolor/scalable/apps"
cp -a "$BUNDLE" "$ROOT/opt/villagepost"

# The command on PATH: a two-line wrapper (the bundle's executables find their _internal/ folder beside
# themselves, so they stay in /opt and are started by their full path).
cat > "$ROOT/usr/bin/villagepost" <<'SH'
#!/bin/sh
exec /opt/villagepost/villagepost "$@"
SH
chmod 0755 "$ROOT/usr/bin/villagepost"

sed -e 's|^Exec=.*|Exec=/opt/villagepost/villagepost-window|' -e 's|^Icon=.*||' packaging/villagepost.desktop \
  | grep -v '^$' > "$ROOT/usr/share/applications/villagepost.desktop"
printf 'Icon=villagepost\nStartupWMClass=villagepost-window\n' >> "$ROOT/usr/share/applications/villagepost.desktop"
for png in resources/icons/villagepost-*.png; do
  size="${png##*-}"; size="${size%.png}"
  mkdir -p "$ROOT/usr/share/icons/hicolor/${size}x${size}/apps"
  install -m 0644 "$png" "$ROOT/usr/share/icons/hicolor/${size}x${size}/apps/villagepost.png"
done
install -m 0644 resources/icons/villagepost.svg "$ROOT/usr/share/icons/hicolor/scalable/apps/villagepost.svg"
install -m 0644 CHANGELOG.md "$ROOT/usr/share/doc/villagepost/CHANGELOG.md"
# The guide on paper, printed by the bundle itself (which also proves the frozen PDF path works).
"$BUNDLE/villagepost" guide --pdf "$ROOT/usr/share/doc/villagepost/用户手册.pdf" >/dev/null
chmod 0644 "$ROOT/usr/share/doc/villagepost/用户手册.pdf"

# The operating system's libraries the bundle links but does not carry (packaging/bundle_excludes.py): their
# packages, with this machine's versions as floors (packaging/deb_depends.py; X11/xcb/GL ones recommended).
SHLIBS="$("$PY" packaging/deb_depends.py "$BUNDLE")"
LIB_DEPENDS="$(printf '%s\n' "$SHLIBS" | sed -n 's/^Depends: //p')"
LIB_RECOMMENDS="$(printf '%s\n' "$SHLIBS" | sed -n 's/^Recommends: //p')"

INSTALLED_KB="$(du -sk --apparent-size "$ROOT" | cut -f1)"
cat > "$ROOT/DEBIAN/control" <<CONTROL
Package: villagepost
Version: ${VERSION}
Architecture: ${ARCH}
Maintainer: VillagePost <villagepost@localhost>
Installed-Size: ${INSTALLED_KB}
Section: misc
Priority: optional
Depends: libc6 (>= ${GLIBC_MIN})${LIB_DEPENDS:+, ${LIB_DEPENDS}}
Recommends: ${LIB_RECOMMENDS}
Description: 村邮通 VillagePost - rural delivery station registry
 Registry of townships, administrative villages and delivery stations for county
 transport bureaus: merger pace, coverage against targets, printed checklists.
 Runs without Python (a frozen bundle in /opt/villagepost), on the system's
 own C++, GLib, font, OpenSSL and SQLite libraries. The window's X11
 libraries are recommended, not required: a missing one is named at start.
CONTROL

mkdir -p "$OUT"
DEB="$OUT/villagepost_${VERSION}_${ARCH}.deb"
# gzip by default: every dpkg reads it (统信UOS 20 has dpkg 1.19) and it takes seconds; xz makes a ~30%
# smaller file but takes minutes on a busy CI machine (VILLAGEPOST_DEB_COMPRESSION=xz for a release).
COMPRESSION="${VILLAGEPOST_DEB_COMPRESSION:-gzip}"
dpkg-deb --root-owner-group "-Z$COMPRESSION" --build "$ROOT" "$DEB" >/dev/null
echo "$DEB"
