// Package headless drives a real headless Chromium over the Chrome
// DevTools Protocol, just enough for tests that open a page and look at it:
// start the browser, open a page, send commands, and keep every event the
// page reports (console messages, exceptions, log entries, requests).
package headless

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// stopGrace is how long Close lets the browser exit on SIGTERM before it
// kills the process group.
const stopGrace = 5 * time.Second

// flags run Chromium headless, as root (no sandbox), on a debugging port
// the kernel picks, without the first-run and background traffic a
// desktop browser does.
var flags = []string{
	"--headless=new",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-dev-shm-usage", // containers' /dev/shm is often too small
	"--remote-debugging-port=0",
	"--no-first-run",
	"--no-default-browser-check",
	"--disable-background-networking",
	"--disable-extensions",
}

// Browser is a running headless Chromium, in a process group of its own
// so that Close ends its helper processes too.
type Browser struct {
	cmd    *exec.Cmd
	dir    string // the profile (--user-data-dir), removed by Close
	base   string // the DevTools HTTP endpoint, http://127.0.0.1:PORT
	exited chan struct{}
	stderr *tail

	mu    sync.Mutex
	pages []*Page
}

// Start runs the Chromium at path with a fresh profile, extra flags after
// the package's own, and waits until it says where DevTools listens.
func Start(ctx context.Context, path string, extra ...string) (*Browser, error) {
	dir, err := os.MkdirTemp("", "headless-profile-")
	if err != nil {
		return nil, err
	}
	args := append(append(append([]string{}, flags...), "--user-data-dir="+dir), extra...)
	cmd := exec.Command(path, append(args, "about:blank")...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// An os.Pipe rather than StderrPipe: the browser's children inherit it,
	// and Wait must not wait for them to close it.
	r, w, err := os.Pipe()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	cmd.Stderr = w
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("starting %s: %w", path, err)
	}
	w.Close()
	b := &Browser{cmd: cmd, dir: dir, exited: make(chan struct{}), stderr: &tail{}}
	go func() {
		cmd.Wait()
		close(b.exited)
	}()
	found := make(chan string, 1)
	go b.readStderr(r, found)

	select {
	case ws := <-found:
		u, err := url.Parse(ws)
		if err != nil || u.Host == "" {
			b.Close()
			return nil, fmt.Errorf("chromium printed a bad DevTools URL %q", ws)
		}
		b.base = "http://" + u.Host
		return b, nil
	case <-b.exited:
		b.Close()
		return nil, fmt.Errorf("chromium exited before DevTools listened (%s); its stderr:\n%s", cmd.ProcessState, b.stderr)
	case <-ctx.Done():
		b.Close()
		return nil, fmt.Errorf("chromium did not say where DevTools listens: %w; its stderr:\n%s", ctx.Err(), b.stderr)
	}
}

// readStderr keeps the end of the browser's stderr for error messages and
// sends the DevTools URL when the browser prints it.
func (b *Browser) readStderr(r io.ReadCloser, found chan<- string) {
	defer r.Close()
	const prefix = "DevTools listening on "
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 64<<10), 1<<20)
	sent := false
	for s.Scan() {
		line := s.Text()
		b.stderr.add(line)
		if ws, ok := strings.CutPrefix(line, prefix); ok && !sent {
			found <- strings.TrimSpace(ws)
			sent = true
		}
	}
}

// find returns the path of Debian's chromium, or an error that says how to
// install it.
func find() (string, error) {
	p, err := exec.LookPath("chromium")
	if err != nil {
		return "", errors.New("chromium not found on PATH: run scripts/install-chromium (as root), " +
			"which installs Debian's chromium package")
	}
	return p, nil
}

// Open opens a new page with the Runtime, Log, Network and Page events on,
// loads addr and waits for its load event.
func (b *Browser) Open(ctx context.Context, addr string) (*Page, error) {
	p, err := b.NewPage(ctx)
	if err != nil {
		return nil, err
	}
	if err := p.Enable(ctx, "Runtime", "Log", "Network", "Page"); err != nil {
		return nil, err
	}
	if err := p.Navigate(ctx, addr); err != nil {
		return nil, err
	}
	return p, nil
}

// NewPage opens a blank page (PUT /json/new) and connects to it.
func (b *Browser) NewPage(ctx context.Context) (*Page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, b.base+"/json/new?about:blank", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("opening a page: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("opening a page: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("opening a page: %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	var target struct {
		Type string `json:"type"`
		WS   string `json:"webSocketDebuggerUrl"`
	}
	if err := json.Unmarshal(body, &target); err != nil {
		return nil, fmt.Errorf("opening a page: %w in %q", err, body)
	}
	if target.Type != "page" || target.WS == "" {
		return nil, fmt.Errorf("opening a page: got target %q with websocket %q", target.Type, target.WS)
	}
	p, err := connect(ctx, target.WS)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.pages = append(b.pages, p)
	b.mu.Unlock()
	return p, nil
}

// Close disconnects the pages, ends the browser (SIGTERM to its process
// group, SIGKILL after stopGrace) and removes its profile.
func (b *Browser) Close() error {
	b.mu.Lock()
	pages := b.pages
	b.pages = nil
	b.mu.Unlock()
	for _, p := range pages {
		p.Close()
	}
	pgid := b.cmd.Process.Pid
	var err error
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-b.exited:
	case <-time.After(stopGrace):
		err = fmt.Errorf("chromium (pid %d) did not exit within %s of SIGTERM; killed", pgid, stopGrace)
	}
	// Helpers that outlived the browser, and the browser itself on timeout.
	syscall.Kill(-pgid, syscall.SIGKILL)
	<-b.exited
	return errors.Join(err, os.RemoveAll(b.dir))
}

// tail is the last lines of a stream, for error messages.
type tail struct {
	mu    sync.Mutex
	lines []string
}

const tailLines = 20

func (t *tail) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, line)
	if len(t.lines) > tailLines {
		t.lines = t.lines[len(t.lines)-tailLines:]
	}
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}
