# Shared by the scripts: Go on PATH, the repository root, version stamping.
# shellcheck shell=bash
export PATH="/usr/local/go/bin:$PATH"
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

need_go() {
	command -v go >/dev/null || { echo "Go is needed (expected in /usr/local/go/bin)" >&2; exit 1; }
}

# build_binaries builds the commands into bin/ with version information.
build_binaries() {
	need_go
	local v rev
	v=$(git -C "$REPO_ROOT" describe --tags --always --dirty 2>/dev/null || echo dev)
	rev=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
	local pkg=github.com/prometheus/common/version
	local ldflags="-X $pkg.Version=$v -X $pkg.Revision=$rev -X $pkg.Branch=main -X $pkg.BuildDate=$(date -u +%Y%m%d-%H:%M:%S)"
	mkdir -p "$REPO_ROOT/bin"
	(cd "$REPO_ROOT" && go build -ldflags "$ldflags" -o bin/ ./cmd/...)
}
