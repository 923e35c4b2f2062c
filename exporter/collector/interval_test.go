package collector

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/model"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/fakemgmt"
)

func TestRefreshIntervalInForce(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	// Configured 1 s, at most 10 s, busy at most a quarter of the time: the
	// interval is 4 x the lower median of the last three durations, within [1 s, 10 s].
	for _, c := range []struct {
		name string
		took []time.Duration
		want time.Duration
	}{
		{"never read", nil, ms(1000)},
		{"quick", []time.Duration{ms(100)}, ms(1000)},
		{"one slow read is all there is", []time.Duration{ms(400)}, ms(1600)},
		{"of two, the quicker", []time.Duration{ms(100), ms(400)}, ms(1000)},
		{"one slow read among quick ones", []time.Duration{ms(100), ms(120), ms(900)}, ms(1000)},
		{"two slow reads", []time.Duration{ms(100), ms(900), ms(500)}, ms(2000)},
		{"one quick read among slow ones", []time.Duration{ms(600), ms(10), ms(500)}, ms(2000)},
		{"only the last three count", []time.Duration{ms(900), ms(900), ms(100), ms(100), ms(900)}, ms(1000)},
		{"capped", []time.Duration{ms(3000), ms(3000)}, ms(10000)},
	} {
		r := newRefreshInterval(config.RefreshOptions{RefreshInterval: model.Duration(ms(1000)), MaxRefreshInterval: model.Duration(ms(10000)), MaxBusyShare: 0.25})
		for _, d := range c.took {
			r.observe(d)
		}
		if got := r.inForce(); got != c.want {
			t.Errorf("%s: %v in force after %v, want %v", c.name, got, c.took, c.want)
		}
	}
	// A tiny share gives the cap, not an overflowed duration.
	r := newRefreshInterval(config.RefreshOptions{RefreshInterval: model.Duration(ms(1000)), MaxRefreshInterval: model.Duration(ms(10000)), MaxBusyShare: 1e-300})
	r.observe(ms(3000))
	if got := r.inForce(); got != ms(10000) {
		t.Errorf("share 1e-300: %v in force, want the cap 10s", got)
	}
}

const listPassword = "s3cret-for-lists"

// queueListDelay is how long the planted slow /api/queues takes to answer;
// an unplanted answer from the fake takes well under a quarter of a second.
const queueListDelay = 400 * time.Millisecond

// listScrapes scrapes the recorded gateway on a clock the test moves. The
// connection and federation link lists are read once, on the first two
// scrapes, and stay fresh for an hour; only the queue list comes due again.
type listScrapes struct {
	t      *testing.T
	gw     *fakemgmt.Recorded
	s      *Scraper
	logs   *bytes.Buffer
	now    time.Time
	readAt time.Time // when the queue list was last read successfully
}

func newListScrapes(t *testing.T, queues string) *listScrapes {
	t.Helper()
	gw := fakemgmt.NewRecorded(t, listPassword, fakemgmt.GatewayRecording)
	gw.Delay("/api/queues", queueListDelay)
	t.Setenv("RF_LIST_PASSWORD", listPassword)
	cfg, err := config.Parse(fmt.Appendf(nil, `clusters:
  - name: gw
    role: gateway
    region: test
    management_urls: [%s]
    password_env: RF_LIST_PASSWORD
    min_interval: 0s
    circuit_breaker: {initial_backoff: 1ms, max_backoff: 1ms}
    connections: {refresh_interval: 1h}
    federation: {refresh_interval: 1h}
    queues: %s
`, gw.URL, queues))
	if err != nil {
		t.Fatal(err)
	}
	l := &listScrapes{t: t, gw: gw, logs: &bytes.Buffer{}, now: time.Now()}
	l.s = newTestScraper(t, cfg.Cluster("gw"), slog.New(slog.NewTextHandler(l.logs, nil)))
	l.s.now = func() time.Time { return l.now }
	return l
}

// listSeries are one scrape's series of the queues collector.
type listSeries struct {
	success, took, interval float64
	hasSuccess, hasInterval bool
	// connections sums rabbitfleet_connections by protocol family.
	connections map[string]float64
}

// scrape scrapes the cluster within timeout and returns the series of collector.
func (l *listScrapes) scrape(timeout time.Duration, collector string) listSeries {
	l.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	ch := make(chan prometheus.Metric, 1024)
	l.s.Scrape(ctx, nil, ch)
	close(ch)
	got := listSeries{connections: map[string]float64{}}
	seen := map[string]bool{}
	for m := range ch {
		var pb dto.Metric
		if err := m.Write(&pb); err != nil {
			l.t.Fatal(err)
		}
		// A registry refuses a scrape with a series twice.
		key := m.Desc().String()
		for _, lp := range pb.GetLabel() {
			key += "," + lp.GetName() + "=" + lp.GetValue()
		}
		if seen[key] {
			l.t.Errorf("series sent twice in one scrape: %s", key)
		} else {
			seen[key] = true
		}
		if m.Desc() == connectionsDesc {
			got.connections[labelValue(&pb, "protocol")] += pb.GetGauge().GetValue()
		}
		if labelValue(&pb, "collector") != collector {
			continue
		}
		switch v := pb.GetGauge().GetValue(); m.Desc() {
		case collectorSuccessDesc:
			got.success, got.hasSuccess = v, true
		case collectorDurationDesc:
			got.took = v
		case collectorIntervalDesc:
			got.interval, got.hasInterval = v, true
		}
	}
	return got
}

func labelValue(m *dto.Metric, name string) string {
	for _, lp := range m.GetLabel() {
		if lp.GetName() == name {
			return lp.GetValue()
		}
	}
	return ""
}

func (l *listScrapes) queueReads() int { return l.gw.Hits("/api/queues") }

// waitSettled waits until no list read is going on after its scrape. It
// waits for an event, not a duration: the limit only ends a hung test.
func (l *listScrapes) waitSettled() {
	l.t.Helper()
	for range 6000 {
		l.s.cacheMu.Lock()
		going := false
		for _, cc := range l.s.collectors {
			going = going || cc.detached
		}
		l.s.cacheMu.Unlock()
		if !going {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	l.t.Fatal("a list read was still going on after 60 s")
}

func (l *listScrapes) errorCount(collector string, kind string) float64 {
	l.s.errMu.Lock()
	defer l.s.errMu.Unlock()
	return l.s.errors[[2]string{collector, kind}]
}

// readWhenDue checks that the queue list is not asked for 1 ms before
// interval has passed since it was last read, and is asked for once it has;
// it returns the series of the scrape that asked.
func (l *listScrapes) readWhenDue(interval time.Duration) listSeries {
	l.t.Helper()
	reads := l.queueReads()
	l.now = l.readAt.Add(interval - time.Millisecond)
	l.scrape(3*time.Second, "queues")
	if n := l.queueReads(); n != reads {
		l.t.Fatalf("queue list asked for %v after it was read, before the interval in force (%v)", interval-time.Millisecond, interval)
	}
	l.now = l.readAt.Add(interval)
	got := l.scrape(3*time.Second, "queues")
	if n := l.queueReads(); n != reads+1 {
		l.t.Fatalf("queue list asked for %d times once the interval in force (%v) passed, want %d", n, interval, reads+1)
	}
	if got.success == 1 {
		l.readAt = l.now
	}
	return got
}

// wantInterval fails unless the exported interval is want, to the nanosecond.
func (l *listScrapes) wantInterval(when string, got listSeries, want time.Duration) {
	l.t.Helper()
	if !got.hasInterval || got.interval != want.Seconds() {
		l.t.Fatalf("%s: interval in force %v s (exported: %v), want %v", when, got.interval, got.hasInterval, want)
	}
}

// seconds turns an exported duration back into the nanoseconds it was.
func seconds(s float64) time.Duration { return time.Duration(math.Round(s * 1e9)) }

// A queue list slow to build is read less often, by the formula: at
// max_busy_share 0.25 the interval is 4 times the lower median of the last
// three reads' durations, never under refresh_interval (1 s). Quick failures
// leave it alone; a read that runs past its timeout counts as one that took
// at least that long; two quick reads bring it back.
func TestSlowListIsReadLessOften(t *testing.T) {
	l := newListScrapes(t, "{refresh_interval: 1s, max_busy_share: 0.25, max_refresh_interval: 1h, timeout: 2s}")
	first := l.scrape(3*time.Second, "connections")
	l.wantInterval("connections, read quickly", first, time.Hour)
	if nodes := l.scrape(3*time.Second, "nodes"); nodes.hasInterval || nodes.success != 1 {
		t.Fatalf("nodes, read every scrape: %+v, want success and no interval", nodes)
	}
	if l.queueReads() != 0 {
		t.Fatal("queue list read before its turn")
	}

	// Its first read, on the third scrape, takes over 400 ms: 4 x that.
	slow1 := l.scrape(3*time.Second, "queues")
	l.readAt = l.now
	d1 := seconds(slow1.took)
	if l.queueReads() != 1 || slow1.success != 1 || d1 < queueListDelay {
		t.Fatalf("first queue read: %d reads, %+v", l.queueReads(), slow1)
	}
	l.wantInterval("after one slow read", slow1, 4*d1)
	if n := strings.Count(l.logs.String(), "refresh interval stretched"); n != 1 {
		t.Errorf("%d log lines on stretching, want 1:\n%s", n, l.logs)
	}

	// Of two slow reads, the quicker one counts.
	slow2 := l.readWhenDue(4 * d1)
	stretched := 4 * min(d1, seconds(slow2.took))
	l.wantInterval("after two slow reads", slow2, stretched)

	// Failures, quick or timed out, are retried at once and leave the interval alone.
	l.gw.Delay("/api/queues", 0)
	answer := l.gw.Body("/api/queues")
	l.gw.Set("/api/queues", http.StatusInternalServerError, `{"error":"internal_error","reason":"boom"}`)
	failed := l.readWhenDue(stretched)
	l.wantInterval("after a failed read", failed, stretched)
	for range 2 {
		reads := l.queueReads()
		failed = l.scrape(3*time.Second, "queues")
		if l.queueReads() != reads+1 || failed.success != 0 {
			t.Fatalf("a failed list is asked for again on the next scrape: %d reads, want %d; %+v", l.queueReads(), reads+1, failed)
		}
		l.wantInterval("after another failed read", failed, stretched)
	}
	// A read that outlives its scrape goes on until the list's own timeout
	// (2 s); the scrape says the last read failed and keeps the interval.
	l.gw.Set("/api/queues", 0, answer)
	release := l.gw.Hold("/api/queues")
	t.Cleanup(release)
	reads, attempted := l.queueReads(), l.now
	held := l.scrape(500*time.Millisecond, "queues")
	if l.queueReads() != reads+1 || !held.hasSuccess || held.success != 0 {
		t.Fatalf("queue read held past the scrape: %d reads, want %d; %+v, want success 0", l.queueReads(), reads+1, held)
	}
	l.wantInterval("while the read goes on", held, stretched)
	l.waitSettled()
	release()
	if n := l.errorCount("queues", "timeout"); n != 1 {
		t.Fatalf("%v queue timeouts counted, want 1", n)
	}
	if open, _ := l.s.Client.Breaker(); open {
		t.Fatal("a list running past its own timeout opened the circuit breaker")
	}
	// It took at least 2 s, longer than either slow read: the lower median
	// of the three is now the slower of those two. The list is not asked for
	// again before that interval has passed since the attempt.
	d2 := seconds(slow2.took)
	l.readAt = attempted
	quick1 := l.readWhenDue(4 * max(d1, d2))
	if quick1.success != 1 || seconds(quick1.took) >= queueListDelay {
		t.Fatalf("first quick read: %+v", quick1)
	}
	// One quick read is not enough to shrink it to refresh_interval: of d2,
	// the timeout and the quick read, d2 is the lower median...
	l.wantInterval("after one quick read", quick1, 4*d2)
	if strings.Contains(l.logs.String(), "refresh interval restored") {
		t.Error("restored logged while still stretched")
	}
	// ...two are: back to refresh_interval, and read every second again.
	quick2 := l.readWhenDue(4 * d2)
	l.wantInterval("after two quick reads", quick2, time.Second)
	l.wantInterval("read again after 1 s", l.readWhenDue(time.Second), time.Second)
	logs := l.logs.String()
	if strings.Count(logs, "refresh interval stretched") != 1 || strings.Count(logs, "refresh interval restored") != 1 {
		t.Errorf("want one log line on stretching and one on restoring:\n%s", logs)
	}
}

// However slow the list, it is read at least every max_refresh_interval.
func TestSlowListIntervalIsCapped(t *testing.T) {
	l := newListScrapes(t, "{refresh_interval: 1s, max_busy_share: 0.25, max_refresh_interval: 1500ms}")
	l.scrape(3*time.Second, "queues")
	l.scrape(3*time.Second, "queues")
	slow := l.scrape(3*time.Second, "queues") // over 400 ms: 4 x that is over 1.6 s
	l.readAt = l.now
	if seconds(slow.took) < queueListDelay {
		t.Fatalf("queue read: %+v", slow)
	}
	l.wantInterval("slow read", slow, 1500*time.Millisecond)
	l.wantInterval("read again at the cap", l.readWhenDue(1500*time.Millisecond), 1500*time.Millisecond)
	if !strings.Contains(l.logs.String(), "max_refresh_interval=1.5s") {
		t.Errorf("the stretching log line does not give the cap:\n%s", l.logs)
	}
}

// A list slower than the scrape's budget is still read: the read goes on
// after the scrape, no other heavy list starts meanwhile, and the next scrape
// exports what it read, from cache.
func TestListReadOutlivesItsScrape(t *testing.T) {
	l := newListScrapes(t, "{refresh_interval: 1h}")
	release := l.gw.Hold("/api/connections")
	t.Cleanup(release)
	first := l.scrape(300*time.Millisecond, "connections")
	returned := time.Now() // the read began before this
	if first.hasSuccess || len(first.connections) != 0 {
		t.Fatalf("scrape while the first connection read goes on: %+v, want no series of it (never read, not failed)", first)
	}
	if open, _ := l.s.Client.Breaker(); open {
		t.Fatal("a list outliving the scrape opened the circuit breaker")
	}
	l.scrape(3*time.Second, "connections")
	if hits := l.gw.AllHits(); hits["/api/connections"] != 1 || hits["/api/federation-links"] != 0 || hits["/api/queues"] != 0 {
		t.Fatalf("requests while the connection list is being read: %v, want that one read and no other list", hits)
	}
	held := time.Since(returned) // and ended after this
	release()
	l.waitSettled()
	got := l.scrape(3*time.Second, "connections")
	want := map[string]float64{"amqp091": 1, "direct": 1, "mqtt": 3, "stomp": 2}
	if got.success != 1 || seconds(got.took) < held || !maps.Equal(got.connections, want) {
		t.Fatalf("scrape after the read finished: %+v, want success 1, a duration of at least the %v it was held after the first scrape, and connections %v", got, held, want)
	}
	if hits := l.gw.AllHits(); hits["/api/connections"] != 1 || hits["/api/federation-links"] != 1 {
		t.Fatalf("requests after the read: %v, want the connection list once (served from cache) and the link list in its turn", hits)
	}
}

// A scrape that runs out of time while cached lists still wait in its
// results sends them like any other: sending one reads its interval in
// force, under the same lock abandon holds while it drains.
func TestAbandonSendsCachedListsItDrains(t *testing.T) {
	l := newListScrapes(t, "{refresh_interval: 1h}")
	l.scrape(3*time.Second, "connections") // the connection list is cached now
	var cc *cachedCollector
	for _, c := range l.s.collectors {
		if c.name == "connections" {
			cc = c
		}
	}
	results := make(chan collectorResult, 1)
	results <- cc.cachedResult()
	tg := &Target{Scraper: l.s, now: l.now, running: map[string]chan struct{}{}}
	ch := make(chan prometheus.Metric, 1024)
	done := make(chan struct{})
	go func() {
		l.s.abandon(tg, ch, results, map[*cachedCollector]bool{}, context.DeadlineExceeded)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second): // a deadlock, not a slow machine
		t.Fatal("abandon did not return: it sent a cached list while holding cacheMu")
	}
	close(ch)
	intervals := 0
	for m := range ch {
		if m.Desc() == collectorIntervalDesc {
			intervals++
		}
	}
	if intervals != 1 {
		t.Errorf("%d interval series sent for the drained connection list, want 1", intervals)
	}
}
