// Package testsupport holds the helpers every package's tests share: waiting
// for a condition, a free loopback address, the repository's binaries built
// once per test process, the tools and Prometheus releases the tests run
// (prometheus.go), and a buffer a child process may write while the test
// reads it. The testbed's gate, constants and admin client are in
// internal/testsupport/testbed; fakes of the services the exporter talks to
// in fakemgmt and fakeec2. Only tests, fakes and bench tools import these.
package testsupport

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Module is the repository's Go module path.
const Module = "github.com/rabbitfleet/rabbitfleet"

// Eventually calls check until it reports true and fails the test when it
// has not by timeout, with what and the state check last described. check
// runs once more after the deadline, so a slow machine that reaches the
// state just then passes. The wait is condition-based: callers pick a
// generous timeout, which a passing test never waits out. Polls start at
// 10 ms and back off to a twentieth of the timeout (at most 500 ms), so a
// deadline that is itself the assertion is kept to within 5%.
func Eventually(t testing.TB, timeout time.Duration, what string, check func() (ok bool, state string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	pause := 10 * time.Millisecond
	for {
		ok, state := check()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached within %v; last: %s", what, timeout, state)
		}
		time.Sleep(pause)
		pause = min(2*pause, 500*time.Millisecond, max(timeout/20, 10*time.Millisecond))
	}
}

// WaitFor is Eventually for a condition with no state to report.
func WaitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	Eventually(t, timeout, what, func() (bool, string) { return cond(), "false" })
}

// FreeAddr returns a loopback address (127.0.0.1:port) nothing listened on
// a moment ago.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// RepoRoot is the repository's root: the nearest directory above the
// working directory (a test's package directory) whose go.mod declares
// Module.
func RepoRoot(t testing.TB) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil &&
			strings.HasPrefix(strings.TrimSpace(string(b)), "module "+Module+"\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of %s above the working directory", Module)
		}
		dir = parent
	}
}

type built struct {
	once sync.Once
	path string
	err  error
}

var (
	buildsMu sync.Mutex
	builds   = map[string]*built{}
)

// Binary builds the main package pkg (an import path, in this module or one
// go.mod requires) once per test process and returns the executable's path;
// later calls, from any test, return the same file (or fail with the same
// error). Each test process builds into its own directory
// (rabbitfleet-testbin-<uid>/<pid> under the system's temporary directory),
// so processes testing other checkouts side by side never run each other's
// builds; a process removes the directories of processes that have ended.
func Binary(t testing.TB, pkg string) string {
	t.Helper()
	buildsMu.Lock()
	b := builds[pkg]
	if b == nil {
		b = &built{}
		builds[pkg] = b
	}
	buildsMu.Unlock()
	b.once.Do(func() { b.path, b.err = build(pkg) })
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

func build(pkg string) (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	dir, err := binDir()
	if err != nil {
		return "", err
	}
	name := strings.NewReplacer("/", "_", ".", "_").Replace(strings.TrimPrefix(pkg, Module+"/"))
	if pkg == Module {
		name = path.Base(Module)
	}
	bin := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin, nil
}

var (
	binDirOnce sync.Once
	binDirPath string
	binDirErr  error
)

// binDir is this process's directory for Binary, made on first use after
// removing those of ended processes.
func binDir() (string, error) {
	binDirOnce.Do(func() {
		parent := filepath.Join(os.TempDir(), fmt.Sprintf("rabbitfleet-testbin-%d", os.Getuid()))
		if entries, err := os.ReadDir(parent); err == nil {
			for _, e := range entries {
				pid, err := strconv.Atoi(e.Name())
				if err == nil && pid != os.Getpid() && syscall.Kill(pid, 0) == syscall.ESRCH {
					os.RemoveAll(filepath.Join(parent, e.Name()))
				}
			}
		}
		binDirPath = filepath.Join(parent, strconv.Itoa(os.Getpid()))
		binDirErr = os.MkdirAll(binDirPath, 0o700)
	})
	return binDirPath, binDirErr
}

// Buffer collects a child process's output, written and read concurrently.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Tail returns the last n bytes written (all of them when fewer).
func (b *Buffer) Tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.b.Bytes()
	if len(s) > n {
		s = s[len(s)-n:]
	}
	return string(s)
}

// ReadDir returns every file of dir by name, failing the test when one
// cannot be read.
func ReadDir(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

// Tool returns the path of the first of names found on PATH, and fails the
// test (never skips it: what they check is only proven by the real tools)
// when none is.
func Tool(t testing.TB, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	t.Fatalf("%s not found on PATH: run scripts/install-prometheus (as root), which installs Debian's "+
		"prometheus and prometheus-alertmanager packages (prometheus, promtool, amtool, prometheus-alertmanager)",
		strings.Join(names, " or "))
	return ""
}

// WaitHTTP waits until a GET of url answers 200. When exited is not nil,
// it is closed when the server's process ends, and the test fails at once
// if that happens first.
func WaitHTTP(t testing.TB, timeout time.Duration, url string, exited <-chan struct{}) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	Eventually(t, timeout, url+" answering 200", func() (bool, string) {
		select {
		case <-exited:
			t.Fatalf("the process serving %s exited before it answered", url)
		default:
		}
		resp, err := client.Get(url)
		if err != nil {
			return false, err.Error()
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, resp.Status
	})
}
