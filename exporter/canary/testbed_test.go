package canary

// Integration test against the real testbed (scripts/testbed): it probes
// gateway-eu's link from the backend on `devices`. It runs when
// RABBITFLEET_TESTBED=1 and fails, never skips, when that is set and the
// testbed is not up. Run it under the testbed lock:
//
//	flock -o /tmp/rabbitfleet-testbed.lock env RABBITFLEET_TESTBED=1 go test -race -count=1 -run Testbed -v ./exporter/canary

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	rabbithole "github.com/michaelklishin/rabbit-hole/v2"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/testbed"
)

const (
	// childEnv makes the test binary a probe process for the hard-kill check.
	childEnv = "RABBITFLEET_CANARY_CHILD"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		runChild()
		return
	}
	os.Exit(m.Run())
}

// testbedProbeConfig: gateway-eu probes its link from the backend, fast
// enough for the test to see several canaries a second.
const testbedProbeConfig = `
defaults: {username: guest, password_env: RABBITFLEET_TESTBED_PASSWORD}
clusters:
  - name: backend
    role: backend
    region: eu-west-1
    management_urls: [http://127.0.0.1:15672]
    amqp_urls: [amqp://127.0.0.1:5672]
  - name: gateway-eu
    role: gateway
    region: eu-west-1
    management_urls: [http://127.0.0.1:15673]
    amqp_urls: [amqp://127.0.0.1:5673]
    federation:
      latency_probes:
        - {upstream: backend, exchange: devices, interval: 200ms, timeout: 2s}
`

const (
	probeInterval = 200 * time.Millisecond
	canaryKey     = "rabbitfleet.canary.gateway-eu.backend"
	// The link's queue on the backend (docs/testbed.md).
	upstreamQueue = "federation: devices -> gateway-eu"
)

func loadTestbedConfig() (*config.Config, error) {
	os.Setenv("RABBITFLEET_TESTBED_PASSWORD", "guest")
	return config.Parse([]byte(testbedProbeConfig))
}

// reachability is the fleet's view of which clusters answer, set by the test.
type reachability struct {
	mu   sync.Mutex
	down map[string]bool
}

func (r *reachability) set(cluster string, up bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.down[cluster] = !up
}

func (r *reachability) reachable(cluster string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.down[cluster]
}

func TestTestbedFederationLatencyProbe(t *testing.T) {
	testbed.Require(t)
	cfg, err := loadTestbedConfig()
	if err != nil {
		t.Fatal(err)
	}
	reach := &reachability{down: map[string]bool{}}
	set := Start(cfg, reach.reachable, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			set.Stop()
		}
	})
	probe := set.byDownstream["gateway-eu"][0]
	snap := func() Snapshot { return probe.Snapshot() }

	// (a) Healthy: canaries arrive within milliseconds.
	var s Snapshot
	testsupport.Eventually(t, 20*time.Second, "20 canaries received", func() (bool, string) {
		s = snap()
		return s.State == StateRunning && s.Received >= 20, fmt.Sprintf("%+v", s)
	})
	t.Logf("healthy: %d received, mean latency %.2f ms, buckets %v", s.LatencyCount, 1000*s.LatencySum/float64(s.LatencyCount), s.LatencyBuckets)
	if s.LatencyBuckets[1] != s.LatencyCount {
		t.Errorf("%d of %d canaries took over 1 s on a healthy link", s.LatencyCount-s.LatencyBuckets[1], s.LatencyCount)
	}
	if s.LastReceivedAge > time.Second || s.OldestInFlightAge > time.Second || s.Lost != 0 || s.Unroutable != 0 {
		t.Errorf("healthy link: last received %v ago, oldest in flight %v, lost %d, unroutable %d; want < 1 s, < 1 s, 0, 0",
			s.LastReceivedAge, s.OldestInFlightAge, s.Lost, s.Unroutable)
	}
	// The management API lists a connection once it has emitted stats.
	testsupport.Eventually(t, 10*time.Second, "one probe connection on each cluster", func() (bool, string) {
		up, down := probeConnections(t, "backend"), probeConnections(t, "gateway-eu")
		return up == 1 && down == 1, fmt.Sprintf("%d on the backend, %d on gateway-eu", up, down)
	})
	queue := probe.currentQueue()
	if !bindingExists(t, "gateway-eu", canaryKey) || !bindingExists(t, "backend", canaryKey) {
		t.Fatalf("the canary binding is missing on gateway-eu or, carried by the link, on the backend")
	}

	// (b) The link's consumer of its upstream queue stops: the age grows
	// past several intervals while the upstream queue fills.
	depth0 := queueDepth(t, "backend", upstreamQueue)
	testbed.FederationLinks(t, "gateway-eu", "suspend")
	resumed := false
	t.Cleanup(func() {
		if !resumed {
			testbed.FederationLinks(t, "gateway-eu", "resume")
		}
	})
	blocked := snap()
	var depth int
	testsupport.Eventually(t, 20*time.Second, "ages past 25 intervals and a growing upstream queue", func() (bool, string) {
		s = snap()
		depth = queueDepth(t, "backend", upstreamQueue)
		return s.LastReceivedAge > 25*probeInterval && s.OldestInFlightAge > 25*probeInterval && depth >= depth0+20,
			fmt.Sprintf("last received %v ago, oldest in flight %v, upstream depth %v (was %v)", s.LastReceivedAge, s.OldestInFlightAge, depth, depth0)
	})
	stuck := s.Sent - blocked.Sent
	t.Logf("blocked: last received %v ago, oldest in flight %v, upstream queue %v messages (was %v), %d canaries sent since",
		s.LastReceivedAge, s.OldestInFlightAge, depth, depth0, stuck)
	if s.Lost != 0 {
		t.Errorf("%d canaries counted lost while the link was only stuck", s.Lost)
	}

	// (c) Recovery: the stuck canaries arrive, counted and timed, not lost.
	testbed.FederationLinks(t, "gateway-eu", "resume")
	resumed = true
	testsupport.Eventually(t, 20*time.Second, "the stuck canaries arrive and the ages return small", func() (bool, string) {
		s = snap()
		return s.Received >= blocked.Received+stuck && s.LastReceivedAge < time.Second && s.OldestInFlightAge < time.Second,
			fmt.Sprintf("received %d (want >= %d), last received %v ago, oldest in flight %v", s.Received, blocked.Received+stuck, s.LastReceivedAge, s.OldestInFlightAge)
	})
	slow := s.LatencyCount - s.LatencyBuckets[2.5]
	t.Logf("recovered: received %d, lost %d, %d canaries took over 2.5 s, buckets %v", s.Received, s.Lost, slow, s.LatencyBuckets)
	if s.Lost != 0 || s.Unroutable != 0 {
		t.Errorf("lost %d, unroutable %d after recovery; want 0, 0", s.Lost, s.Unroutable)
	}
	if slow < 10 {
		t.Errorf("only %d latencies over 2.5 s: the stuck canaries were not timed", slow)
	}

	// (e) An unreachable upstream: the probe drops both connections, its
	// queue is gone, and it resumes when the cluster is back.
	reach.set("backend", false)
	testsupport.Eventually(t, 10*time.Second, "the probe pauses and holds no connection", func() (bool, string) {
		s = snap()
		conns := probeConnections(t, "backend") + probeConnections(t, "gateway-eu")
		return s.State == StatePaused && conns == 0 && !queueExists(t, "gateway-eu", queue),
			fmt.Sprintf("state %s, %d probe connections, queue %s exists=%v", s.State, conns, queue, queueExists(t, "gateway-eu", queue))
	})
	paused := s
	reach.set("backend", true)
	testsupport.Eventually(t, 10*time.Second, "the probe resumes", func() (bool, string) {
		s = snap()
		return s.State == StateRunning && s.Received >= paused.Received+5 && s.LastReceivedAge < time.Second,
			fmt.Sprintf("state %s, received %d (was %d), last received %v ago", s.State, s.Received, paused.Received, s.LastReceivedAge)
	})
	testsupport.Eventually(t, 10*time.Second, "one probe connection on the backend again", func() (bool, string) {
		n := probeConnections(t, "backend")
		return n == 1, fmt.Sprintf("%d connections", n)
	})

	// (d) Stop deletes everything: the queue, its binding, and (through
	// the link) the binding of the upstream queue.
	queue = probe.currentQueue()
	set.Stop()
	stopped = true
	assertNothingLeft(t, queue)

	// (d) So does a kill -9 of a process holding a probe.
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childEnv+"=1")
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = child.Process.Kill(); _ = child.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("the probe process said nothing: %v", err)
	}
	childQueue := strings.TrimSpace(strings.TrimPrefix(line, "queue "))
	if !queueExists(t, "gateway-eu", childQueue) || !bindingExists(t, "backend", canaryKey) {
		t.Fatalf("the probe process reported queue %q, which is not there with its binding", childQueue)
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	assertNothingLeft(t, childQueue)
}

// runChild runs the probe until killed, printing its queue once canaries flow.
func runChild() {
	cfg, err := loadTestbedConfig()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	set := Start(cfg, func(string) bool { return true }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	p := set.byDownstream["gateway-eu"][0]
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if p.Snapshot().Received > 0 {
			fmt.Printf("queue %s\n", p.currentQueue())
			select {} // until killed
		}
	}
	fmt.Fprintln(os.Stderr, "no canary received within 20 s")
	os.Exit(1)
}

func assertNothingLeft(t *testing.T, queue string) {
	t.Helper()
	testsupport.Eventually(t, 10*time.Second, "no canary queue or binding left on either cluster", func() (bool, string) {
		left := []string{}
		if queueExists(t, "gateway-eu", queue) {
			left = append(left, "queue "+queue)
		}
		for _, c := range []string{"gateway-eu", "backend"} {
			if bindingExists(t, c, canaryKey) {
				left = append(left, "a binding on "+c)
			}
		}
		return len(left) == 0, strings.Join(left, ", ")
	})
}

// currentQueue is the probe's downstream queue, "" between sessions.
func (p *Prober) currentQueue() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.queue
}

func bindingExists(t *testing.T, cluster, key string) bool {
	t.Helper()
	bindings, err := testbed.Admin(t, cluster).ListBindingsIn("/")
	if err != nil {
		t.Fatalf("listing bindings on %s: %v", cluster, err)
	}
	for _, b := range bindings {
		if b.RoutingKey == key {
			return true
		}
	}
	return false
}

func queueExists(t *testing.T, cluster, name string) bool {
	t.Helper()
	_, ok := queue(t, cluster, name)
	return ok
}

func queueDepth(t *testing.T, cluster, name string) int {
	t.Helper()
	q, ok := queue(t, cluster, name)
	if !ok {
		t.Fatalf("no queue %q on %s", name, cluster)
	}
	return q.Messages
}

// queue asks for a few columns only: while an exclusive queue's owner
// closes, the API renders owner_pid_details as [], which rabbit-hole's
// DetailedQueueInfo cannot decode.
func queue(t *testing.T, cluster, name string) (*rabbithole.DetailedQueueInfo, bool) {
	t.Helper()
	q, err := testbed.Admin(t, cluster).GetQueueWithParameters("/", name, url.Values{"columns": {"name,messages"}})
	var answer rabbithole.ErrorResponse
	switch {
	case err == nil:
		return q, true
	case errors.As(err, &answer) && answer.StatusCode == http.StatusNotFound:
		return nil, false
	default:
		t.Fatalf("getting queue %q on %s: %v", name, cluster, err)
		return nil, false
	}
}

// probeConnections counts the connections the probe named as its own: the
// name a client gives is its connection_name property.
func probeConnections(t *testing.T, cluster string) int {
	t.Helper()
	conns, err := testbed.Admin(t, cluster).ListConnections()
	if err != nil {
		t.Fatalf("listing connections on %s: %v", cluster, err)
	}
	n := 0
	for _, c := range conns {
		if name, _ := c.ClientProperties["connection_name"].(string); strings.HasPrefix(name, "rabbitfleet canary gateway-eu <- backend") {
			n++
		}
	}
	return n
}
