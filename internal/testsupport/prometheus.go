package testsupport

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Prometheus3Env names the environment variable holding the path of a
// Prometheus 3 server binary, with its promtool beside it. scripts/test
// sets it from `scripts/rabbitmq-root prometheus`; when it is unset, the
// tests ask that script themselves.
const Prometheus3Env = "RABBITFLEET_PROMETHEUS3"

// Prometheus is one release of Prometheus the tests run.
type Prometheus struct {
	Version  string // as the binaries report it, without Debian's suffix: 2.42.0, 3.5.3
	Major    int    // 2 or 3
	Server   string // path of its prometheus binary
	Promtool string // path of its promtool binary
}

// PrometheusReleases returns the releases the alert rules, the alerts end
// to end and the planner's history are tested on, oldest first: a 2.x on
// PATH (Debian 12's 2.42, from scripts/install-prometheus) and a 3.x (Debian
// sid's 3.5.3, from the root scripts/rabbitmq-root builds, or
// Prometheus3Env). Releases 2 and 3 read range selectors, scrape answers
// and histogram labels differently, and users run both. The test fails,
// never skips, when either is missing or of another major version, or when
// a promtool is not of its server's release.
func PrometheusReleases(t testing.TB) []Prometheus {
	t.Helper()
	two := prometheusRelease(t, 2, Tool(t, "prometheus"), Tool(t, "promtool"))
	server3 := prometheus3(t)
	return []Prometheus{two, prometheusRelease(t, 3, server3, filepath.Join(filepath.Dir(server3), "promtool"))}
}

// prometheus3Hint is how to get Prometheus 3, for a test failing without it.
const prometheus3Hint = "Prometheus 3 is in the Debian sid root: build it with `scripts/rabbitmq-root build sid` " +
	"(as root; `scripts/testbed up` with the default versions builds it too), or set " + Prometheus3Env +
	" to a Prometheus 3 binary with its promtool beside it"

// prometheus3 is the path of the Prometheus 3 server: Prometheus3Env's, or
// else the one scripts/rabbitmq-root reports.
func prometheus3(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(Prometheus3Env); p != "" {
		return p
	}
	cmd := exec.Command("bash", filepath.Join(RepoRoot(t), "scripts", "rabbitmq-root"), "prometheus")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = strings.TrimSpace(string(ee.Stderr))
		}
		t.Fatalf("%s is unset and scripts/rabbitmq-root prometheus failed (%v: %s). %s", Prometheus3Env, err, stderr, prometheus3Hint)
	}
	return strings.TrimSpace(string(out))
}

// prometheusRelease checks that server and promtool run, report the same
// release, and that release is of major version major.
func prometheusRelease(t testing.TB, major int, server, promtool string) Prometheus {
	t.Helper()
	hint := "scripts/install-prometheus (as root) installs Debian 12's Prometheus 2"
	if major == 3 {
		hint = prometheus3Hint
	}
	v := binaryVersion(t, server, hint)
	if tv := binaryVersion(t, promtool, hint); tv != v {
		t.Fatalf("%s is Prometheus %s, but %s is promtool %s: want the promtool of the same release", server, v, promtool, tv)
	}
	if !strings.HasPrefix(v, strconv.Itoa(major)+".") {
		t.Fatalf("%s is Prometheus %s, want a %d.x release. %s", server, v, major, hint)
	}
	return Prometheus{Version: v, Major: major, Server: server, Promtool: promtool}
}

// versionLine is the first line of `prometheus --version` and `promtool
// --version`: "prometheus, version 3.5.3+ds1 (branch: ...".
var versionLine = regexp.MustCompile(`^(?:prometheus|promtool), version (\d+\.\d+\.\d+)\S* `)

// binaryVersion runs `bin --version` and returns the release it reports.
func binaryVersion(t testing.TB, bin, hint string) string {
	t.Helper()
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		msg := err.Error()
		if o := strings.TrimSpace(string(out)); o != "" {
			msg += ": " + o
		}
		t.Fatalf("%s --version: %s. %s", bin, msg, hint)
	}
	m := versionLine.FindSubmatch(out)
	if m == nil {
		t.Fatalf("%s --version: no release in %q. %s", bin, firstLine(string(out)), hint)
	}
	return string(m[1])
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
