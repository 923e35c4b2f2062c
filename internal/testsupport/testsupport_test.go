package testsupport

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// fatalTB records a Fatalf and ends the goroutine, as testing.T does.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func fails(f func(tb testing.TB)) string {
	tb := &fatalTB{}
	done := make(chan struct{})
	go func() { defer close(done); f(tb) }()
	<-done
	return tb.msg
}

func TestEventuallyReturnsOnceTheConditionHolds(t *testing.T) {
	n := 0
	Eventually(t, time.Minute, "three calls", func() (bool, string) { n++; return n == 3, fmt.Sprint(n) })
	if n != 3 {
		t.Errorf("check called %d times, want 3", n)
	}
}

func TestEventuallyFailsWithTheLastState(t *testing.T) {
	n := 0
	msg := fails(func(tb testing.TB) {
		Eventually(tb, 50*time.Millisecond, "never", func() (bool, string) { n++; return false, fmt.Sprintf("call %d", n) })
	})
	if want := fmt.Sprintf("never: not reached within 50ms; last: call %d", n); msg != want || n < 2 {
		t.Errorf("Fatalf %q after %d calls, want %q", msg, n, want)
	}
	if msg := fails(func(tb testing.TB) { WaitFor(tb, time.Millisecond, "nothing", func() bool { return false }) }); !strings.HasPrefix(msg, "nothing: not reached") {
		t.Errorf("WaitFor: Fatalf %q", msg)
	}
}

func TestFreeAddrCanBeListenedOn(t *testing.T) {
	addr := FreeAddr(t)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Errorf("address %s not on loopback", addr)
	}
}

func TestBufferTail(t *testing.T) {
	var b Buffer
	b.Write([]byte("hello, "))
	b.Write([]byte("world"))
	if b.String() != "hello, world" || b.Tail(5) != "world" || b.Tail(100) != "hello, world" {
		t.Errorf("String %q, Tail(5) %q, Tail(100) %q", b.String(), b.Tail(5), b.Tail(100))
	}
}

func TestRepoRootHoldsTheTestbedScript(t *testing.T) {
	if _, err := os.Stat(filepath.Join(RepoRoot(t), "scripts", "testbed")); err != nil {
		t.Error(err)
	}
}

// fakeBinary writes an executable script to dir that prints out and exits
// with code.
func fakeBinary(t *testing.T, dir, name, out string, code int) string {
	t.Helper()
	p := filepath.Join(dir, name)
	script := fmt.Sprintf("#!/bin/sh\nprintf '%%s\\n' %q\nexit %d\n", out, code)
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPrometheusReleaseReadsTheVersionOfBothBinaries(t *testing.T) {
	dir := t.TempDir()
	server := fakeBinary(t, dir, "prometheus", "prometheus, version 3.5.3+ds1 (branch: debian/sid, revision: 3.5.3+ds1-6)", 0)
	promtool := fakeBinary(t, dir, "promtool", "promtool, version 3.5.3+ds1 (branch: debian/sid, revision: 3.5.3+ds1-6)", 0)
	got := prometheusRelease(t, 3, server, promtool)
	if want := (Prometheus{Version: "3.5.3", Major: 3, Server: server, Promtool: promtool}); got != want {
		t.Errorf("prometheusRelease: %+v, want %+v", got, want)
	}
}

func TestPrometheusReleaseFailsWithAHint(t *testing.T) {
	dir := t.TempDir()
	v2 := fakeBinary(t, dir, "prometheus2", "prometheus, version 2.42.0+ds (branch: debian/sid, revision: 2.42.0+ds-5+deb12u1)", 0)
	v3 := fakeBinary(t, dir, "prometheus3", "prometheus, version 3.5.3 (branch: HEAD)", 0)
	tool3 := fakeBinary(t, dir, "promtool3", "promtool, version 3.5.3 (branch: HEAD)", 0)
	tool36 := fakeBinary(t, dir, "promtool36", "promtool, version 3.6.0 (branch: HEAD)", 0)
	broken := fakeBinary(t, dir, "broken", "error while loading shared libraries", 127)
	missing := filepath.Join(dir, "missing")
	for _, c := range []struct {
		name             string
		server, promtool string
		want             string
	}{
		{"wrong major", v2, fakeBinary(t, dir, "promtool2", "promtool, version 2.42.0+ds (branch: x)", 0),
			v2 + " is Prometheus 2.42.0, want a 3.x release. " + prometheus3Hint},
		{"promtool of another release", v3, tool36,
			v3 + " is Prometheus 3.5.3, but " + tool36 + " is promtool 3.6.0: want the promtool of the same release"},
		{"missing", missing, tool3,
			missing + " --version: fork/exec " + missing + ": no such file or directory. " + prometheus3Hint},
		{"failing", broken, tool3,
			broken + " --version: exit status 127: error while loading shared libraries. " + prometheus3Hint},
		{"no release", fakeBinary(t, dir, "other", "other, version 3.5.3", 0), tool3,
			filepath.Join(dir, "other") + " --version: no release in \"other, version 3.5.3\". " + prometheus3Hint},
	} {
		if got := fails(func(tb testing.TB) { prometheusRelease(tb, 3, c.server, c.promtool) }); got != c.want {
			t.Errorf("%s: Fatalf %q, want %q", c.name, got, c.want)
		}
	}
}

func TestPrometheus3FromTheEnvironment(t *testing.T) {
	t.Setenv(Prometheus3Env, "/opt/prometheus-3/prometheus")
	if got := prometheus3(t); got != "/opt/prometheus-3/prometheus" {
		t.Errorf("prometheus3 = %q, want %s's value", got, Prometheus3Env)
	}
}

func TestPrometheus3FailsWithoutTheSidRoot(t *testing.T) {
	t.Setenv(Prometheus3Env, "")
	t.Setenv("RABBITFLEET_ROOTS", t.TempDir()) // no root built there
	script := filepath.Join(RepoRoot(t), "scripts", "rabbitmq-root")
	want := Prometheus3Env + " is unset and scripts/rabbitmq-root prometheus failed (exit status 1: rabbitmq-root: ERROR: " +
		"sid root not built: run " + script + " build sid). " + prometheus3Hint
	if got := fails(func(tb testing.TB) { prometheus3(tb) }); got != want {
		t.Errorf("Fatalf %q, want %q", got, want)
	}
}
