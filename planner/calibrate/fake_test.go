package calibrate

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
)

// Programmed figures of the fake node: every reading is exactly linear in
// what the fake fleet does, so the fits must find these slopes.
const (
	fakeBaseline     = 2           // connections before calibrating (e.g. a federation link)
	fakeMemBase      = 140_000_000 // bytes
	fakeMemPerConn   = 400_000
	fakeFDBase       = 50
	fakeFDPerConn    = 1.02
	fakeIdleBase     = 0.01 // CPU-seconds per second with no clients
	fakeIdlePerConn  = 4e-5
	fakeAcceptRate   = 250 // connections opened per second
	fakeCPUPerOpen   = 0.006
	fakeCPUPerMsg    = 1e-4
	fakePID          = 4242
	fakeProcessors   = 2
	fakePassword     = "s3cret"
	fakeUser         = "calib"
	fakePasswordEnv  = "CALIBRATE_TEST_PASSWORD"
	fakePayloadBytes = 118
)

// fake is the node, its management API, the device fleet, the clock and
// the process table at once, so that all of them agree.
type fake struct {
	mu       sync.Mutex
	now      time.Time
	open     int     // connections the fleet holds
	visible  int     // connections the management API counts (lags behind open)
	pending  int     // overview reads since visible fell behind
	lag      int     // overview reads before visible catches up
	phantom  int     // connections someone else holds
	cpu      float64 // broker CPU-seconds
	messages float64 // published (and delivered) messages
	password string  // what the fleet was given

	version    string   // rabbitmq_version; default 3.10.8
	osPid      string   // "" leaves os_pid out
	processors int      // 0 leaves processors out
	nodes      []string // node names; default one
	fdTotal    float64  // default 20000
	memAlarm   bool     // the node has a memory alarm
	openFails  int      // the Open call (1-based) that fails halfway
	opens      int      // Open calls so far
	onChurn    func()   // called as a churn step starts
	closeAlls  int      // CloseAll calls
	status     int      // non-zero: every API request fails with it
	requests   []string // API paths asked, with their columns
	logs       *strings.Builder
	srv        *httptest.Server
	t          *testing.T
	extraNodes map[string]any // more fields for /api/nodes
	// climb is the node's memory above its settled figure at the 1st,
	// 2nd, ... /api/nodes read after each Open (the last one after that,
	// none before the first Open): memory still growing after the
	// connections are counted.
	climb     []float64
	nodeReads int // /api/nodes reads since the last Open
}

func newFake(t *testing.T) *fake {
	f := &fake{now: time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC), visible: fakeBaseline, osPid: fmt.Sprint(fakePID),
		processors: fakeProcessors, nodes: []string{"rabbit@fake"}, fdTotal: 20000, t: t, logs: &strings.Builder{}, version: "3.10.8"}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	t.Setenv(fakePasswordEnv, fakePassword)
	return f
}

// config is a small, fast calibration against the fake.
func (f *fake) config() Config {
	return Config{
		ManagementURL: f.srv.URL, MQTTAddr: "127.0.0.1:1883", Username: fakeUser, PasswordEnv: fakePasswordEnv,
		Connections: 100, Steps: 4,
		ChurnRates: []float64{10, 20, 40}, ChurnDuration: 5 * time.Second,
		MessageRates: []float64{50, 100, 200}, MessageDuration: 5 * time.Second,
		Timeout: 5 * time.Second,
	}
}

func (f *fake) run(ctx context.Context, cfg Config) (capacity.Profile, Report, error) {
	return run(ctx, cfg, f.logger(), f.deps())
}

func (f *fake) deps() deps {
	return deps{
		clock: f,
		newFleet: func(_ Config, password string, _ *slog.Logger) (fleet, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.password = password
			return f, nil
		},
		procCPU:  f.procCPU,
		procName: f.procName,
	}
}

func (f *fake) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// clock

func (f *fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fake) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pass(d)
	return nil
}

// pass advances time, and the broker's idle CPU with it. Called with mu held.
func (f *fake) pass(d time.Duration) {
	f.now = f.now.Add(d)
	f.cpu += d.Seconds() * (fakeIdleBase + fakeIdlePerConn*float64(f.open))
}

// fleet

func (f *fake) Open(ctx context.Context, n int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opens++
	f.nodeReads = 0
	if f.opens == f.openFails {
		f.open += n / 2
		return fmt.Errorf("open %d mqtt connections to 127.0.0.1:1883: %d succeeded: connection refused", n, n/2)
	}
	f.open += n
	f.now = f.now.Add(time.Duration(float64(n) / fakeAcceptRate * float64(time.Second)))
	return ctx.Err()
}

func (f *fake) Count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.open
}

func (f *fake) Churn(ctx context.Context, perSecond float64, d time.Duration) (int, error) {
	if f.onChurn != nil {
		f.onChurn()
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	opened := int(perSecond * d.Seconds())
	f.pass(d)
	f.cpu += float64(opened) * fakeCPUPerOpen
	return opened, nil
}

func (f *fake) Publish(ctx context.Context, perSecond float64, d time.Duration) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	sent := int(perSecond * d.Seconds())
	f.pass(d)
	f.cpu += float64(sent) * fakeCPUPerMsg
	f.messages += float64(sent)
	return sent, nil
}

func (f *fake) PayloadBytes() int { return fakePayloadBytes }

func (f *fake) CloseAll() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closeAlls++
	f.open = 0
	return nil
}

// process table

func (f *fake) procCPU(pid int) (float64, error) {
	if pid != fakePID {
		return 0, fmt.Errorf("broker process %d: open /proc/%d/stat: no such file or directory", pid, pid)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cpu, nil
}

func (f *fake) procName(pid int) (string, error) {
	switch pid {
	case fakePID:
		return "beam.smp", nil
	case 1:
		return "systemd", nil
	}
	return "", fmt.Errorf("broker process %d: open /proc/%d/comm: no such file or directory", pid, pid)
}

// management API

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.URL.Path+"?"+r.URL.Query().Get("columns"))
	if u, p, ok := r.BasicAuth(); !ok || u != fakeUser || p != fakePassword {
		http.Error(w, `{"error":"not_authorised","reason":"Login failed"}`, http.StatusUnauthorized)
		return
	}
	if f.status != 0 {
		http.Error(w, `{"error":"internal","reason":"boom"}`, f.status)
		return
	}
	var body any
	switch {
	case r.URL.Path == "/api/overview":
		if f.visible != f.open+fakeBaseline {
			if f.pending++; f.pending > f.lag {
				f.visible, f.pending = f.open+fakeBaseline, 0
			}
		}
		body = map[string]any{
			"rabbitmq_version": f.version, "cluster_name": "fake", "node": f.nodes[0],
			"object_totals": map[string]any{"connections": f.visible + f.phantom, "queues": f.open},
			"message_stats": map[string]any{"publish": f.messages, "deliver_get": f.messages, "drop_unroutable": 0},
		}
	case r.URL.Path == "/api/nodes":
		climb := 0.0
		if len(f.climb) > 0 && f.opens > 0 {
			climb = f.climb[min(f.nodeReads, len(f.climb)-1)]
		}
		f.nodeReads++
		var nodes []map[string]any
		for _, name := range f.nodes {
			n := map[string]any{
				"name": name, "running": true, "mem_alarm": f.memAlarm, "disk_free_alarm": false,
				"mem_used": fakeMemBase + fakeMemPerConn*float64(f.open) + climb, "mem_limit": 10e9,
				"fd_used": fakeFDBase + fakeFDPerConn*float64(f.open), "fd_total": f.fdTotal,
				"sockets_used": f.open + fakeBaseline, "sockets_total": 0.9 * f.fdTotal,
			}
			// Only when asked for, as the management API does with columns=.
			cols := r.URL.Query().Get("columns")
			if strings.Contains(cols, "processors") && f.processors != 0 {
				n["processors"] = f.processors
			}
			if strings.Contains(cols, "os_pid") && f.osPid != "" {
				n["os_pid"] = f.osPid
			}
			for k, v := range f.extraNodes {
				n[k] = v
			}
			nodes = append(nodes, n)
		}
		body = nodes
	default:
		http.Error(w, `{"error":"Object Not Found","reason":"Not Found"}`, http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(body); err != nil {
		f.t.Error(err)
	}
}
