# Sourced by the benchmark scripts: installs the pinned Node peers (npm canonicalize + jose) into
# target/bench-node/ and copies peer.mjs beside them. Expects $root and die(); sets $nodedir and
# $canonicalize_version / $jose_version.
# canonicalize 4.0.0 is the newest release whose engines field allows Node 20 (5.x wants >= 22).
canonicalize_version=4.0.0
jose_version=6.2.18
nodedir="$root/target/bench-node"
mkdir -p "$nodedir"
npm install --engine-strict --no-audit --no-fund --loglevel=error --prefix "$nodedir" \
  "canonicalize@$canonicalize_version" "jose@$jose_version" >&2 ||
  die "npm install canonicalize@$canonicalize_version jose@$jose_version failed"
for pkg in "canonicalize $canonicalize_version" "jose $jose_version"; do
  set -- $pkg
  got=$(node -p "require('$nodedir/node_modules/$1/package.json').version")
  [ "$got" = "$2" ] || die "npm installed $1 $got, wanted $2"
done
cp "$root/tests/bench/peers/peer.mjs" "$nodedir/peer.mjs"
