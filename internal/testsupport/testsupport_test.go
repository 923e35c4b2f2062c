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
