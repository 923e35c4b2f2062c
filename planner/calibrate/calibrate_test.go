package calibrate

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
)

// near compares fitted figures: the fake's data are exactly linear, so
// only rounding separates a fit from the programmed value.
func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %.12g, want %.12g", what, got, want)
	}
}

// exactFit checks a fit of exactly linear data: the programmed line, no
// error and R² 1.
func exactFit(t *testing.T, what string, f Fit, intercept, slope float64, n int) {
	t.Helper()
	near(t, what+" intercept", f.Intercept, intercept)
	near(t, what+" slope", f.Slope, slope)
	near(t, what+" slope SE", f.SlopeSE/math.Abs(slope), 0)
	near(t, what+" R²", f.RSquared, 1)
	if f.N != n {
		t.Errorf("%s over %d points, want %d", what, f.N, n)
	}
}

func TestRunFitsTheProgrammedNode(t *testing.T) {
	f := newFake(t)
	f.lag = 2 // the broker's count trails the opens by two readings
	p, rep, err := f.run(t.Context(), f.config())
	if err != nil {
		t.Fatal(err)
	}

	if len(rep.Connections) != 5 {
		t.Fatalf("%d connection steps, want 5: %+v", len(rep.Connections), rep.Connections)
	}
	for i, s := range rep.Connections {
		n := float64(25 * i)
		if s.Connections != 25*i {
			t.Errorf("step %d: %d connections, want %d", i, s.Connections, 25*i)
		}
		wantOpened, wantSecs := 25, 0.1
		if i == 0 {
			wantOpened, wantSecs = 0, 0
		}
		if s.Opened != wantOpened || s.OpenSeconds != wantSecs {
			t.Errorf("step %d: opened %d in %vs, want %d in %vs", i, s.Opened, s.OpenSeconds, wantOpened, wantSecs)
		}
		near(t, "mem_used", s.MemUsed, fakeMemBase+fakeMemPerConn*n)
		near(t, "fd_used", s.FDUsed, fakeFDBase+fakeFDPerConn*n)
		near(t, "idle CPU", s.CPU, fakeIdleBase+fakeIdlePerConn*n)
	}
	exactFit(t, "memory", rep.Memory, fakeMemBase, fakeMemPerConn, 5)
	exactFit(t, "fds", rep.FDs, fakeFDBase, fakeFDPerConn, 5)
	exactFit(t, "idle CPU", *rep.IdleCPU, fakeIdleBase, fakeIdlePerConn, 5)
	near(t, "accepts per second", rep.AcceptsPerSecond, fakeAcceptRate)

	idleAtTop := fakeIdleBase + fakeIdlePerConn*100
	for i, rate := range []float64{10, 20, 40} {
		s := rep.Churn[i]
		near(t, "churn target", s.Target, rate)
		near(t, "churn achieved", s.Achieved, rate)
		near(t, "churn CPU", s.CPU, idleAtTop+fakeCPUPerOpen*rate)
	}
	exactFit(t, "CPU per open", *rep.OpenCPU, idleAtTop, fakeCPUPerOpen, 3)
	for i, rate := range []float64{50, 100, 200} {
		s := rep.Messages[i]
		near(t, "message achieved", s.Achieved, rate)
		near(t, "message CPU", s.CPU, idleAtTop+fakeCPUPerMsg*rate)
	}
	exactFit(t, "CPU per message", *rep.MessageCPU, idleAtTop, fakeCPUPerMsg, 3)
	if want := (Routing{Published: 1750, Delivered: 1750}); rep.Routing == nil || *rep.Routing != want {
		t.Errorf("routing %+v, want %+v", rep.Routing, want)
	}

	head := Report{RabbitMQVersion: "3.10.8", Cluster: "fake", Node: "rabbit@fake", Processors: 2,
		CPUSource: "/proc/4242/stat (the node's os_pid; the broker runs on this machine)", Baseline: 2, After: 2, PayloadBytes: fakePayloadBytes}
	got := Report{RabbitMQVersion: rep.RabbitMQVersion, Cluster: rep.Cluster, Node: rep.Node, Processors: rep.Processors,
		CPUSource: rep.CPUSource, Baseline: rep.Baseline, After: rep.After, PayloadBytes: rep.PayloadBytes}
	if !reflect.DeepEqual(got, head) {
		t.Errorf("report head %+v, want %+v", got, head)
	}
	// 5 steps × (6s settle + 10s idle + 6s to see memory settled), 0.4s of
	// opens, 5s of polls (two half seconds after each of 4 opening steps and
	// after closing), 3 × 5s of churn, 3 × 5s of messages and a 6s settle.
	if want := 110*time.Second + 400*time.Millisecond + 5*time.Second + 15*time.Second + 15*time.Second + 6*time.Second; rep.Took != want {
		t.Errorf("took %v, want %v", rep.Took, want)
	}
	if f.open != 0 || f.closeAlls != 1 || rep.CleanupProblems != nil {
		t.Errorf("after the run %d connections open, %d CloseAll calls, cleanup problems %q; want 0, 1, none", f.open, f.closeAlls, rep.CleanupProblems)
	}
	if f.password != fakePassword {
		t.Errorf("the fleet got password %q, want the one from $%s", f.password, fakePasswordEnv)
	}

	if p.RabbitMQVersion != "3.10.8" {
		t.Errorf("profile version %q", p.RabbitMQVersion)
	}
	if want := "RabbitMQ 3.10.8, node rabbit@fake of cluster fake, 2 processors, on 2025-03-14 by `planner calibrate` with up to 100 MQTT 3.1.1 clients each with one QoS 1 subscription"; p.MeasuredOn != want {
		t.Errorf("measured_on %q, want %q", p.MeasuredOn, want)
	}
	near(t, "memory_base_bytes", p.MemoryBaseBytes, fakeMemBase)
	near(t, "memory_per_connection_bytes", p.MemoryPerConnectionBytes, fakeMemPerConn)
	near(t, "fds_per_connection", p.FDsPerConnection, fakeFDPerConn)
	near(t, "accepts_per_second_per_core", p.AcceptsPerSecondPerCore, fakeAcceptRate/fakeProcessors)
	near(t, "cpu_seconds_per_connection_idle", p.CPUSecondsPerConnectionIdle, fakeIdlePerConn)
	near(t, "cpu_seconds_per_open", p.CPUSecondsPerOpen, fakeCPUPerOpen)
	near(t, "cpu_seconds_per_message", p.CPUSecondsPerMessage, fakeCPUPerMsg)
	if p.BytesPerMessage != capacity.Default().BytesPerMessage {
		t.Errorf("bytes_per_message %v, want the default's %v", p.BytesPerMessage, capacity.Default().BytesPerMessage)
	}
	if err := p.Validate(); err != nil {
		t.Error(err)
	}
	fields := []string{"memory_base_bytes", "memory_per_connection_bytes", "fds_per_connection", "accepts_per_second_per_core",
		"cpu_seconds_per_connection_idle", "cpu_seconds_per_open", "cpu_seconds_per_message", "bytes_per_message"}
	if len(p.Notes) != len(fields) {
		t.Fatalf("%d notes, want one per figure:\n%s", len(p.Notes), strings.Join(p.Notes, "\n"))
	}
	for i, field := range fields {
		if !strings.HasPrefix(p.Notes[i], field+": ") {
			t.Errorf("note %d is %q, want it about %s", i, p.Notes[i], field)
		}
	}
	if !strings.HasPrefix(p.Notes[7], "bytes_per_message: kept from the embedded profile rabbitmq-3.10.8.json (message size is the devices' property, not the broker's; the simulator's payloads are about 118 bytes): ") {
		t.Errorf("bytes_per_message note %q", p.Notes[7])
	}
	if strings.Contains(f.logs.String(), fakePassword) {
		t.Errorf("the log shows the password:\n%s", f.logs)
	}
}

// On a 4.x broker, what is not measured is kept from the embedded profile
// nearest its version, 4.3.6's: a native-MQTT broker's CPU costs.
func TestRunKeepsTheNearestEmbeddedProfile(t *testing.T) {
	f := newFake(t)
	f.osPid, f.version = "", "4.0.5"
	p, _, err := f.run(t.Context(), f.config())
	if err != nil {
		t.Fatal(err)
	}
	var base capacity.Profile
	for _, n := range capacity.Embedded().Profiles() {
		if n.Version.Text == "4.3.6" {
			base = n.Profile
		}
	}
	if p.RabbitMQVersion != "4.0.5" || p.CPUSecondsPerMessage != base.CPUSecondsPerMessage || p.CPUSecondsPerConnectionIdle != base.CPUSecondsPerConnectionIdle {
		t.Errorf("version %s, CPU per message %v and per idle connection %v; want 4.0.5 and 4.3.6's %v, %v",
			p.RabbitMQVersion, p.CPUSecondsPerMessage, p.CPUSecondsPerConnectionIdle, base.CPUSecondsPerMessage, base.CPUSecondsPerConnectionIdle)
	}
	near(t, "memory_per_connection_bytes", p.MemoryPerConnectionBytes, fakeMemPerConn)
	if want := "cpu_seconds_per_message: kept from the embedded profile rabbitmq-4.3.6.json (CPU not measured: "; !strings.HasPrefix(p.Notes[6], want) {
		t.Errorf("note %q, want it to start %q", p.Notes[6], want)
	}
}

func TestRunWithoutCPUKeepsTheBaseCPUFigures(t *testing.T) {
	f := newFake(t)
	f.osPid = ""
	p, rep, err := f.run(t.Context(), f.config())
	if err != nil {
		t.Fatal(err)
	}
	reason := "the node reports no os_pid and no broker PID was given"
	if rep.CPUSource != "" || rep.NoCPUReason != reason {
		t.Errorf("CPU source %q, reason %q; want none because %q", rep.CPUSource, rep.NoCPUReason, reason)
	}
	if rep.IdleCPU != nil || rep.Churn != nil || rep.Messages != nil || rep.OpenCPU != nil || rep.MessageCPU != nil {
		t.Errorf("CPU was fitted without a CPU source: %+v", rep)
	}
	d := capacity.Default()
	if p.CPUSecondsPerOpen != d.CPUSecondsPerOpen || p.CPUSecondsPerMessage != d.CPUSecondsPerMessage || p.CPUSecondsPerConnectionIdle != d.CPUSecondsPerConnectionIdle {
		t.Errorf("CPU figures %v %v %v, want the default's", p.CPUSecondsPerOpen, p.CPUSecondsPerMessage, p.CPUSecondsPerConnectionIdle)
	}
	near(t, "memory_per_connection_bytes", p.MemoryPerConnectionBytes, fakeMemPerConn)
	want := "cpu_seconds_per_open: kept from the embedded profile rabbitmq-3.10.8.json (CPU not measured: " + reason + "): " +
		"1/165 core-seconds, the inverse of the accept rate; it assumes the accepts were CPU-bound, so it errs high."
	if p.Notes[5] != want {
		t.Errorf("note\n%s\nwant\n%s", p.Notes[5], want)
	}
	// No idle windows, no churn, no messages, no lag: 5 × 2 × 6s settle and 0.4s of opens.
	if want := 60*time.Second + 400*time.Millisecond; rep.Took != want {
		t.Errorf("took %v, want %v", rep.Took, want)
	}
	if f.open != 0 {
		t.Errorf("%d connections left open", f.open)
	}
}

func TestRunCPUSources(t *testing.T) {
	for _, tc := range []struct {
		name   string
		pid    int
		osPid  string
		source string
		reason string
		err    string
	}{
		{name: "os_pid", osPid: "4242", source: "/proc/4242/stat (the node's os_pid; the broker runs on this machine)"},
		{name: "given", pid: 4242, osPid: "", source: "/proc/4242/stat (the broker PID given)"},
		{name: "os_pid not the VM", osPid: "1", reason: "the node's os_pid 1 is not a readable Erlang VM on this machine and no broker PID was given"},
		{name: "os_pid gone", osPid: "77", reason: "the node's os_pid 77 is not a readable Erlang VM on this machine and no broker PID was given"},
		{name: "given not the VM", pid: 1, err: `broker PID 1 is "systemd", not the Erlang VM (beam.smp) RabbitMQ runs in`},
		{name: "given gone", pid: 77, err: "broker process 77: open /proc/77/comm: no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.osPid = tc.osPid
			cfg := f.config()
			cfg.BrokerPID = tc.pid
			_, rep, err := f.run(t.Context(), cfg)
			if tc.err != "" {
				if want := "calibrate " + f.srv.URL + ": " + tc.err; err == nil || err.Error() != want {
					t.Fatalf("error %v, want %s", err, want)
				}
				if f.closeAlls != 0 {
					t.Errorf("the fleet was started before the checks")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rep.CPUSource != tc.source || rep.NoCPUReason != tc.reason {
				t.Errorf("source %q, reason %q; want %q, %q", rep.CPUSource, rep.NoCPUReason, tc.source, tc.reason)
			}
		})
	}
}

func TestRemoteBrokerHasNoCPUSource(t *testing.T) {
	f := newFake(t)
	base, _ := url.Parse("http://rabbit.example:15672")
	c := &calibration{deps: f.deps(), b: &broker{base: base}}
	if err := c.cpuSource(mgmt.Node{OSPID: "4242"}); err != nil {
		t.Fatal(err)
	}
	if want := "the broker is not on this machine (the management URL is not a loopback address) and no broker PID was given"; c.pid != 0 || c.rep.NoCPUReason != want {
		t.Errorf("pid %d, reason %q; want 0, %q", c.pid, c.rep.NoCPUReason, want)
	}
}

func TestLoopback(t *testing.T) {
	for raw, want := range map[string]bool{
		"http://localhost:15672": true, "http://127.0.0.1:15672": true, "http://127.3.2.1": true, "https://[::1]:15671": true,
		"http://10.0.0.1:15672": false, "http://rabbit.example:15672": false, "http://localhost.example": false,
	} {
		u, _ := url.Parse(raw)
		if got := (&broker{base: u}).loopback(); got != want {
			t.Errorf("%s: loopback %v, want %v", raw, got, want)
		}
	}
}

func TestRunProcessors(t *testing.T) {
	t.Run("unknown", func(t *testing.T) {
		f := newFake(t)
		f.processors = 0
		p, rep, err := f.run(t.Context(), f.config())
		if err != nil {
			t.Fatal(err)
		}
		if rep.Processors != 0 || p.AcceptsPerSecondPerCore != capacity.Default().AcceptsPerSecondPerCore {
			t.Errorf("processors %d, accepts per core %v; want 0 and the default's", rep.Processors, p.AcceptsPerSecondPerCore)
		}
		if want := "accepts_per_second_per_core: kept from the embedded profile rabbitmq-3.10.8.json (the node's processors are unknown: give the core count): "; !strings.HasPrefix(p.Notes[3], want) {
			t.Errorf("note %q, want it to start %q", p.Notes[3], want)
		}
	})
	t.Run("given", func(t *testing.T) {
		f := newFake(t)
		f.processors = 0
		cfg := f.config()
		cfg.Cores = 4
		p, _, err := f.run(t.Context(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		near(t, "accepts per core", p.AcceptsPerSecondPerCore, fakeAcceptRate/4.0)
	})
}

func TestRunBytesPerMessageGiven(t *testing.T) {
	f := newFake(t)
	cfg := f.config()
	cfg.BytesPerMessage = 300
	p, _, err := f.run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if p.BytesPerMessage != 300 || p.Notes[7] != "bytes_per_message: given for the fleet's devices, 300 bytes." {
		t.Errorf("bytes_per_message %v, note %q", p.BytesPerMessage, p.Notes[7])
	}
}

func TestRunNamedNode(t *testing.T) {
	f := newFake(t)
	f.nodes = []string{"rabbit@a", "rabbit@b"}
	cfg := f.config()
	cfg.Node = "rabbit@b"
	_, rep, err := f.run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Node != "rabbit@b" {
		t.Errorf("measured node %q, want rabbit@b", rep.Node)
	}
}

// Failures before any connection opens: nothing to clean up, a clear error.
func TestRunRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(*fake, *Config)
		err   string
	}{
		{"two nodes", func(f *fake, _ *Config) { f.nodes = []string{"rabbit@a", "rabbit@b"} },
			"the cluster has 2 nodes (rabbit@a, rabbit@b): name the one the MQTT address reaches"},
		{"unknown node", func(f *fake, c *Config) { f.nodes = []string{"rabbit@a", "rabbit@b"}; c.Node = "rabbit@c" },
			`node "rabbit@c" is not in the cluster (nodes: rabbit@a, rabbit@b)`},
		{"fd limit", func(f *fake, _ *Config) { f.fdTotal = 100 },
			"node rabbit@fake: 100 connections need about 152 file descriptors, above its limit of 100: raise the node's open-file limit or calibrate with fewer connections"},
		{"sockets", func(f *fake, _ *Config) { f.extraNodes = map[string]any{"sockets_total": 50} },
			"node rabbit@fake: 100 connections need 102 sockets, above its limit of 50: raise the node's open-file limit or calibrate with fewer connections"},
		{"memory", func(f *fake, _ *Config) { f.extraNodes = map[string]any{"mem_limit": 150e6} },
			"node rabbit@fake: 100 connections need about 182 MB, above its memory alarm at 150 MB: calibrate with fewer connections"},
		{"memory alarm", func(f *fake, _ *Config) { f.memAlarm = true },
			"node rabbit@fake has a memory alarm: publishers are blocked"},
		{"not running", func(f *fake, _ *Config) { f.extraNodes = map[string]any{"running": false} },
			"node rabbit@fake is not running"},
		{"wrong password", func(_ *fake, c *Config) { c.PasswordEnv = "CALIBRATE_TEST_WRONG" },
			"cluster HOST: GET /api/overview on URL: HTTP 401 Unauthorized: not_authorised: Login failed (auth)"},
		{"server error", func(f *fake, _ *Config) { f.status = 500 },
			"cluster HOST: GET /api/overview on URL: HTTP 500 Internal Server Error: internal: boom (http)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			t.Setenv("CALIBRATE_TEST_WRONG", "not-the-password")
			cfg := f.config()
			tc.setup(f, &cfg)
			_, _, err := f.run(t.Context(), cfg)
			u, _ := url.Parse(f.srv.URL)
			want := "calibrate " + f.srv.URL + ": " + strings.NewReplacer("HOST", u.Host, "URL", f.srv.URL).Replace(tc.err)
			if err == nil || err.Error() != want {
				t.Fatalf("error\n%v\nwant\n%s", err, want)
			}
			if strings.Contains(err.Error(), "not-the-password") || strings.Contains(err.Error(), fakePassword) {
				t.Errorf("the error shows a password")
			}
			if f.closeAlls != 0 || f.opens != 0 {
				t.Errorf("connections were opened before the checks")
			}
		})
	}
}

func TestRunPasswordSources(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "pw")
	if err := os.WriteFile(file, []byte(fakePassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("file", func(t *testing.T) {
		f := newFake(t)
		cfg := f.config()
		cfg.PasswordEnv, cfg.PasswordFile = "", file
		if _, _, err := f.run(t.Context(), cfg); err != nil {
			t.Fatal(err)
		}
		if f.password != fakePassword {
			t.Errorf("password %q, want the file's without its newline", f.password)
		}
	})
	t.Run("default variable", func(t *testing.T) {
		f := newFake(t)
		t.Setenv(DefaultPasswordEnv, fakePassword)
		cfg := f.config()
		cfg.PasswordEnv = ""
		if _, _, err := f.run(t.Context(), cfg); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("unset", func(t *testing.T) {
		f := newFake(t)
		cfg := f.config()
		cfg.PasswordEnv = "CALIBRATE_TEST_UNSET"
		u, _ := url.Parse(f.srv.URL)
		_, _, err := f.run(t.Context(), cfg)
		if want := "calibrate: cluster " + u.Host + ": environment variable CALIBRATE_TEST_UNSET (password_env) is not set"; err == nil || err.Error() != want {
			t.Fatalf("error %v, want %s", err, want)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		f := newFake(t)
		cfg := f.config()
		cfg.PasswordEnv, cfg.PasswordFile = "", filepath.Join(dir, "missing")
		_, _, err := f.run(t.Context(), cfg)
		// The path is left out of the error (a password may have been typed
		// in its place); the cause stays.
		u, _ := url.Parse(f.srv.URL)
		if want := "calibrate: cluster " + u.Host + ": reading password_file: no such file or directory"; err == nil || err.Error() != want {
			t.Fatalf("error %v, want %s", err, want)
		}
	})
}

func TestRunClosesConnectionsWhenOpeningFails(t *testing.T) {
	f := newFake(t)
	f.openFails = 3 // the step to 75 opens 12 of 25
	_, rep, err := f.run(t.Context(), f.config())
	want := "calibrate " + f.srv.URL + ": connection phase: opening 25 connections (to 75): open 25 mqtt connections to 127.0.0.1:1883: 12 succeeded: connection refused"
	if err == nil || err.Error() != want {
		t.Fatalf("error\n%v\nwant\n%s", err, want)
	}
	if f.open != 0 || f.closeAlls != 1 || rep.After != fakeBaseline || rep.CleanupProblems != nil {
		t.Errorf("%d connections open, %d CloseAll calls, broker at %d, problems %q; want 0, 1, %d, none",
			f.open, f.closeAlls, rep.After, rep.CleanupProblems, fakeBaseline)
	}
	if len(rep.Connections) != 3 {
		t.Errorf("%d steps reported, want the 3 measured", len(rep.Connections))
	}
}

func TestRunTimesOutWhenAnotherClientConnects(t *testing.T) {
	f := newFake(t)
	f.lag = 1
	cfg := f.config()
	cfg.Timeout = 5 * time.Second
	// Someone else connects while the first step opens.
	_, rep, err := run(t.Context(), cfg, f.logger(), deps{
		clock: f, procCPU: f.procCPU, procName: f.procName,
		newFleet: func(Config, string, *slog.Logger) (fleet, error) { return intruder{f}, nil },
	})
	want := "calibrate " + f.srv.URL + ": connection phase: after 5s the broker counts 28 connections, want 27 (2 before calibrating and 25 of ours): is another client connecting or disconnecting?"
	if err == nil || err.Error() != want {
		t.Fatalf("error\n%v\nwant\n%s", err, want)
	}
	wantCleanup := []string{"after 5s the broker counts 3 connections, want 2 (2 before calibrating and 0 of ours): is another client connecting or disconnecting?"}
	if f.open != 0 || !reflect.DeepEqual(rep.CleanupProblems, wantCleanup) {
		t.Errorf("%d connections open, cleanup problems %q; want 0, %q", f.open, rep.CleanupProblems, wantCleanup)
	}
}

// intruder is the fake fleet with another client connecting as it opens.
type intruder struct{ *fake }

func (i intruder) Open(ctx context.Context, n int) error {
	i.mu.Lock()
	i.phantom = 1
	i.mu.Unlock()
	return i.fake.Open(ctx, n)
}

func TestRunCanceledClosesConnections(t *testing.T) {
	f := newFake(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	f.onChurn = cancel
	_, _, err := f.run(ctx, f.config())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if want := "calibrate " + f.srv.URL + ": churn phase: churning connections at 10 a second: context canceled"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if f.open != 0 || f.closeAlls != 1 {
		t.Errorf("%d connections open, %d CloseAll calls; want 0 and 1", f.open, f.closeAlls)
	}
}

func TestRunFailsWhenMemoryDoesNotFollow(t *testing.T) {
	f := newFake(t)
	f.extraNodes = map[string]any{"mem_used": 140e6}
	_, _, err := f.run(t.Context(), f.config())
	want := "calibrate " + f.srv.URL + ": connection phase: node memory did not grow with connections (slope 0 bytes per connection): is the settle time shorter than the broker's statistics interval?"
	if err == nil || err.Error() != want {
		t.Fatalf("error\n%v\nwant\n%s", err, want)
	}
	if f.open != 0 {
		t.Errorf("%d connections left open", f.open)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		set func(*Config)
		err string
	}{
		{func(c *Config) { c.ManagementURL = "" }, "management URL is empty: want e.g. http://127.0.0.1:15672"},
		{func(c *Config) { c.ManagementURL = "ftp://x" }, `management URL "ftp://x": want http:// or https:// and a host`},
		{func(c *Config) { c.ManagementURL = "http://guest:secret@127.0.0.1:15672" },
			`management URL "http://guest:xxxxx@127.0.0.1:15672" holds credentials: give the password in a file or an environment variable instead`},
		{func(c *Config) { c.MQTTAddr = "localhost" }, `MQTT address "localhost": want host:port`},
		{func(c *Config) { c.PasswordFile = "/pw" }, "set only one of the password file and the password environment variable"},
		{func(c *Config) { c.Steps = 1 }, "steps 1: need at least 2, so that the fits have 3 points and an error estimate"},
		{func(c *Config) { c.Connections = 3 }, "connections 3: need at least one per step (4 steps)"},
		{func(c *Config) { c.Connections = -5 }, "connections -5: need at least one per step (4 steps)"},
		{func(c *Config) { c.ChurnRates = []float64{10, 20} }, "churn rates [10 20]: need at least 3, so that the fit has an error estimate"},
		{func(c *Config) { c.ChurnRates = []float64{} }, "churn rates []: need at least 3, so that the fit has an error estimate"},
		{func(c *Config) { c.ChurnRates = []float64{10, -1, 20} }, "churn rate -1: want a positive number per second"},
		{func(c *Config) { c.ChurnRates = []float64{10, math.Inf(1), 20} }, "churn rate +Inf: want a positive number per second"},
		{func(c *Config) { c.MessageRates = []float64{100, 50, 200} }, "message rates [100 50 200]: want them increasing"},
		{func(c *Config) { c.Settle = -time.Second }, "settle time -1s is negative"},
		{func(c *Config) { c.MessageDuration = time.Second },
			"message duration 1s: at 50 messages/s, 100 connections publish one round every 2s; need at least two rounds (4s)"},
		{func(c *Config) { c.DialConcurrency = -1 }, "dial concurrency -1 is negative"},
		{func(c *Config) { c.BrokerPID = -1 }, "broker PID -1 is negative"},
		{func(c *Config) { c.Cores = -2 }, "cores -2 is negative"},
		{func(c *Config) { c.BytesPerMessage = math.NaN() }, "bytes per message NaN: want a positive size, or 0 to keep the base profile's"},
		{func(c *Config) { c.Base = &capacity.Profile{} }, `base profile: field "rabbitmq_version" is empty`},
	} {
		f := newFake(t)
		cfg := f.config()
		tc.set(&cfg)
		_, _, err := f.run(t.Context(), cfg)
		if want := "calibrate: " + tc.err; err == nil || err.Error() != want {
			t.Errorf("error\n%v\nwant\n%s", err, want)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("the error shows the password")
		}
		if len(f.requests) != 0 {
			t.Errorf("%s: the broker was asked %v before the configuration was checked", tc.err, f.requests)
		}
	}
}

// Memory still climbing after the connections are counted is read again,
// a settle time apart, until two readings agree within 2%: the fit gets the
// settled figures, not the climb.
func TestRunWaitsForMemoryToSettle(t *testing.T) {
	f := newFake(t)
	f.climb = []float64{-100e6, -50e6, 0} // settled from the third reading after each open
	cfg := f.config()
	cfg.Timeout = time.Minute
	_, rep, err := f.run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	exactFit(t, "memory", rep.Memory, fakeMemBase, fakeMemPerConn, 5)
	if rep.Unsettled != nil {
		t.Errorf("unsettled steps %q, want none", rep.Unsettled)
	}
	// Two readings more at each of the four steps that open connections,
	// a settle time (6 s) apart, than on a node whose memory is settled at once.
	settled := newFake(t)
	cfg = settled.config()
	cfg.Timeout = time.Minute
	_, still, err := settled.run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if want := still.Took + 4*2*6*time.Second; rep.Took != want {
		t.Errorf("took %v, want %v", rep.Took, want)
	}
}

// Memory that never settles within the timeout: the last reading is used,
// and the report says so for each step.
func TestRunSaysWhenMemoryDidNotSettle(t *testing.T) {
	f := newFake(t)
	f.climb = []float64{-20e6, -10e6} // readings 6 s apart, a 5 s timeout: two readings a step
	_, rep, err := f.run(t.Context(), f.config())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rep.Connections[4].MemUsed, fakeMemBase+100*fakeMemPerConn-10e6; got != want {
		t.Errorf("memory at 100 connections %v, want the last reading %v", got, want)
	}
	if len(rep.Unsettled) != 4 { // the first step opens none: its memory does not climb
		t.Fatalf("%d unsettled steps, want 4: %q", len(rep.Unsettled), rep.Unsettled)
	}
	want := "memory was still moving after 5s at 100 connections (160000000 then 170000000 bytes); the last reading is used"
	got := rep.Unsettled[3]
	if got != want {
		t.Errorf("note\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(rep.Text(), "Note: "+want) {
		t.Errorf("the report text does not carry the note:\n%s", rep.Text())
	}
}
