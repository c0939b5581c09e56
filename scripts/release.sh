#!/usr/bin/env bash
# Builds the release artifacts into dist/ (or $PALISADE_DIST), offline once the NuGet packages are restorable:
#   palisade-VERSION-linux-x64.tar.gz, palisade-VERSION-linux-arm64.tar.gz   self-contained palisade + libe_sqlite3.so
#   palisade_VERSION_amd64.deb, palisade_VERSION_arm64.deb                    built with dpkg-deb (packaging/)
#   SHA256SUMS                                                                over every artifact
# Usage: scripts/release.sh [VERSION]      VERSION: X.Y.Z or X.Y.Z-suffix (default 0.1.0-dev)
# Needs the .NET SDK, dpkg-deb (dpkg-dev) and gzip; git for the commit that `palisade --version` prints.
# PALISADE_RELEASE_ARCHS="x64" builds one architecture only.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Started from inside another dotnet process (the release tests), its MSBuild variables would steer this build.
unset MSBuildExtensionsPath MSBuildSDKsPath MSBUILD_EXE_PATH MSBuildLoadMicrosoftTargetsReadOnly

version="${1:-0.1.0-dev}"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]]; then
  echo "release.sh: VERSION must look like 1.2.3 or 1.2.3-rc.1 (got '$version')" >&2
  exit 2
fi
# Debian sorts '~' before anything, so 1.2.3~rc.1 < 1.2.3 as a pre-release should be.
deb_version="${version/-/\~}"
for tool in dotnet dpkg-deb gzip sha256sum tar; do
  command -v "$tool" >/dev/null || { echo "release.sh: $tool is missing (apt-get install dpkg-dev)" >&2; exit 2; }
done

commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit-dirty"
fi
# Reproducible timestamps in the archives: the commit's time (or now, outside git).
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"

dist="${PALISADE_DIST:-$root/dist}"
build="$root/artifacts/release"   # the release's own obj/bin: a developer's bin/ and obj/ are left alone
rm -rf "$build"
mkdir -p "$dist" "$build"
rm -f "$dist"/palisade-*.tar.gz "$dist"/palisade_*.deb "$dist/SHA256SUMS"

# publish RID OUT: self-contained, single file, untrimmed: the app reflects over its types (Dapper row mapping,
# System.Text.Json without source generation: 16 IL2026 trim warnings), so a trimmed build could fail at run time.
# Precompiled (ReadyToRun, from Palisade.Cli.csproj) assembly by assembly, not as one composite image: the composite
# compiles the whole framework again (10 minutes per platform and a binary twice the size), which ships precompiled.
publish() {
  local rid=$1 out=$2 started=$SECONDS
  dotnet publish src/Palisade.Cli -c Release -r "$rid" --self-contained --nologo -v quiet \
    --artifacts-path "$build/$rid" -o "$out" \
    -p:PublishSingleFile=true -p:PublishReadyToRunComposite=false -p:PublishTrimmed=false -p:DebugType=none -p:GenerateDocumentationFile=false \
    -p:IncludeNativeLibrariesForSelfExtract=false -p:ContinuousIntegrationBuild=true \
    -p:Version="$version" -p:SourceRevisionId="$commit"
  # Exactly the binary and SQLite's native library beside it (found there at run time; nothing is extracted), plus the
  # appsettings.json of the production log levels, which is not shipped: the same levels are built into the binary.
  local files
  files=$(cd "$out" && ls | sort | tr '\n' ' ')
  if [ "$files" != "appsettings.json libe_sqlite3.so palisade " ]; then
    echo "release.sh: unexpected publish output for $rid: $files" >&2
    exit 1
  fi
  echo "release.sh: published $rid in $((SECONDS - started)) s ($(du -m "$out/palisade" | cut -f1) MB)"
}

# deb ARCH PUBLISHED: the Debian package, laid out in a staging tree and packed by dpkg-deb.
deb() {
  local arch=$1 published=$2
  local stage="$build/deb-$arch"
  rm -rf "$stage"
  install -d "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/lib/palisade" "$stage/etc/palisade" \
    "$stage/lib/systemd/system" "$stage/usr/share/doc/palisade" "$stage/usr/share/man/man1" \
    "$stage/usr/share/lintian/overrides"
  install -m 0755 "$published/palisade" "$stage/usr/lib/palisade/palisade"
  install -m 0644 "$published/libe_sqlite3.so" "$stage/usr/lib/palisade/libe_sqlite3.so"
  # The runtime finds libe_sqlite3.so beside the real file (/proc/self/exe), not beside the link.
  ln -s ../lib/palisade/palisade "$stage/usr/bin/palisade"
  install -m 0644 packaging/palisade.json "$stage/etc/palisade/palisade.json"
  install -m 0644 packaging/palisade.service packaging/palisade-sensor.service "$stage/lib/systemd/system/"
  gzip -9n < packaging/palisade.1 > "$stage/usr/share/man/man1/palisade.1.gz"
  install -m 0644 packaging/copyright "$stage/usr/share/doc/palisade/copyright"
  sed -e "s/@VERSION@/$deb_version/" -e "s/@COMMIT@/$commit/" \
      -e "s/@DATE@/$(date -u -R -d "@$SOURCE_DATE_EPOCH")/" packaging/changelog \
    | gzip -9n > "$stage/usr/share/doc/palisade/changelog.gz"
  install -m 0644 packaging/lintian-overrides "$stage/usr/share/lintian/overrides/palisade"
  install -m 0755 packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm "$stage/DEBIAN/"
  echo /etc/palisade/palisade.json > "$stage/DEBIAN/conffiles"
  sed -e "s/@VERSION@/$deb_version/" -e "s/@ARCH@/$arch/" \
      -e "s/@SIZE@/$(du -sk --exclude=DEBIAN "$stage" | cut -f1)/" packaging/deb/control > "$stage/DEBIAN/control"
  find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  dpkg-deb --root-owner-group -Zxz --build "$stage" "$dist/palisade_${deb_version}_${arch}.deb" >/dev/null
  echo "release.sh: built palisade_${deb_version}_${arch}.deb"
}

# tarball RID: palisade-VERSION-linux-ARCH/{palisade,libe_sqlite3.so}
tarball() {
  local rid=$1 published=$2
  local name="palisade-$version-$rid"
  rm -rf "${build:?}/$name"
  mkdir -p "$build/$name"
  cp "$published/palisade" "$published/libe_sqlite3.so" "$build/$name/"
  tar -C "$build" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    -czf "$dist/$name.tar.gz" "$name"
  echo "release.sh: built $name.tar.gz"
}

for arch in ${PALISADE_RELEASE_ARCHS:-x64 arm64}; do
  case "$arch" in
    x64) deb_arch=amd64 ;;
    arm64) deb_arch=arm64 ;;
    *) echo "release.sh: unknown architecture $arch (x64, arm64)" >&2; exit 2 ;;
  esac
  out="$build/publish-linux-$arch"
  publish "linux-$arch" "$out"
  tarball "linux-$arch" "$out"
  deb "$deb_arch" "$out"
done

(cd "$dist" && sha256sum palisade-*.tar.gz palisade_*.deb > SHA256SUMS)
echo "release.sh: $version ($commit) in $dist:"
(cd "$dist" && ls -l palisade-*.tar.gz palisade_*.deb SHA256SUMS)
