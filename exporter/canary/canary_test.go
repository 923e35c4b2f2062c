package canary

import (
	"bytes"
	"io"
	"log/slog"
	"math"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/common/model"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport"
)

func TestPayloadRoundTrip(t *testing.T) {
	sent := time.Unix(1700000000, 123456789)
	in := canaryMsg{nonce: 0xfeedface_cafebeef, seq: 42, sent: sent}
	b := in.encode()
	if len(b) != 28 || !bytes.HasPrefix(b, []byte("rfc1")) {
		t.Fatalf("encoded %d bytes %q, want 28 starting with rfc1", len(b), b)
	}
	out, err := decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if out.nonce != in.nonce || out.seq != 42 || !out.sent.Equal(sent) {
		t.Errorf("decoded %+v, want %+v", out, in)
	}
}

func TestPayloadRejectsWhatIsNotACanary(t *testing.T) {
	good := canaryMsg{nonce: 1, seq: 2, sent: time.Unix(3, 0)}.encode()
	cases := []struct {
		name string
		body []byte
		want string
	}{
		{"empty", nil, "canary body is 0 bytes, want 28"},
		{"truncated", good[:27], "canary body is 27 bytes, want 28"},
		{"too long", append(append([]byte{}, good...), 0), "canary body is 29 bytes, want 28"},
		{"other magic", append([]byte("rfc2"), good[4:]...), `canary body starts with "rfc2", want "rfc1"`},
		{"a command", []byte(`{"command":"reboot","device":"dev-1","x":1}`), "canary body is 43 bytes"},
	}
	for _, tc := range cases {
		_, err := decode(tc.body)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestRoutingKeyIsReservedAndPerLink(t *testing.T) {
	if got := RoutingKey("gateway-eu", "backend"); got != "rabbitfleet.canary.gateway-eu.backend" {
		t.Errorf("RoutingKey = %q", got)
	}
}

func TestTrackerInOrderDelivery(t *testing.T) {
	t0 := time.Unix(1000, 0)
	tr := newTracker(10 * time.Second)
	for i := range 3 {
		tr.sentAt(tr.next(), t0.Add(time.Duration(i)*time.Second))
	}
	lat, ok := tr.receivedAt(1, t0.Add(10*time.Millisecond))
	if !ok || lat != 10*time.Millisecond {
		t.Fatalf("latency %v, %v; want 10ms, true", lat, ok)
	}
	if oldest, _ := tr.oldest(); !oldest.Equal(t0.Add(time.Second)) {
		t.Errorf("oldest in flight sent at %v, want canary 2's %v", oldest, t0.Add(time.Second))
	}
	if _, ok := tr.receivedAt(1, t0.Add(time.Second)); ok {
		t.Error("a duplicate delivery was counted")
	}
	tr.receivedAt(2, t0.Add(1500*time.Millisecond)) // after 0.5 s
	tr.receivedAt(3, t0.Add(4*time.Second))         // after 2 s
	if _, ok := tr.oldest(); ok {
		t.Error("nothing should be in flight")
	}
	if tr.sent != 3 || tr.received != 3 || tr.lost != 0 || tr.unroutable != 0 || !tr.lastReceived.Equal(t0.Add(4*time.Second)) {
		t.Errorf("sent/received/lost/unroutable = %d/%d/%d/%d, last %v", tr.sent, tr.received, tr.lost, tr.unroutable, tr.lastReceived)
	}
	// Observations 0.01, 0.5 and 2 s.
	if tr.latency.count != 3 || math.Abs(tr.latency.sum-2.51) > 1e-12 {
		t.Errorf("histogram count %d sum %v, want 3 and 2.51", tr.latency.count, tr.latency.sum)
	}
	cum := tr.latency.cumulative()
	want := map[float64]uint64{0.001: 0, 0.005: 0, 0.01: 1, 0.25: 1, 0.5: 2, 1: 2, 2.5: 3, 60: 3}
	for le, n := range want {
		if cum[le] != n {
			t.Errorf("bucket le=%v: %d, want %d", le, cum[le], n)
		}
	}
}

func TestHistogramBoundsAreInclusiveAndOverflowOnlyCounts(t *testing.T) {
	var h histogram
	h.counts = make([]uint64, len(LatencyBuckets))
	for _, v := range []float64{0.001, 0.0011, 60, 61} {
		h.observe(v)
	}
	cum := h.cumulative()
	if cum[0.001] != 1 || cum[0.0025] != 2 || cum[30] != 2 || cum[60] != 3 || h.count != 4 {
		t.Errorf("cumulative %v, count %d; want le=0.001:1 le=0.0025:2 le=30:2 le=60:3 count 4", cum, h.count)
	}
}

func TestTrackerOvertakenCanaryIsLostAfterGrace(t *testing.T) {
	t0 := time.Unix(1000, 0)
	tr := newTracker(5 * time.Second)
	tr.sentAt(tr.next(), t0)
	tr.sentAt(tr.next(), t0.Add(time.Second))
	tr.receivedAt(2, t0.Add(2*time.Second)) // 1 is overtaken at t0+2s
	tr.expire(t0.Add(7*time.Second - time.Nanosecond))
	if tr.lost != 0 {
		t.Fatal("counted lost before the grace period ended")
	}
	tr.expire(t0.Add(7 * time.Second))
	if tr.lost != 1 {
		t.Fatalf("lost = %d after the grace period, want 1", tr.lost)
	}
	if _, ok := tr.receivedAt(1, t0.Add(8*time.Second)); ok || tr.received != 1 {
		t.Errorf("a canary already counted lost was counted received too (received=%d)", tr.received)
	}
}

func TestTrackerStuckCanariesAreNotLost(t *testing.T) {
	// A blocked link delivers nothing: no canary is overtaken, none is
	// lost however long it waits, and the oldest's age is the lag.
	t0 := time.Unix(1000, 0)
	tr := newTracker(time.Second)
	for i := range 10 {
		tr.sentAt(tr.next(), t0.Add(time.Duration(i)*time.Second))
	}
	tr.expire(t0.Add(time.Hour))
	if oldest, _ := tr.oldest(); tr.lost != 0 || !oldest.Equal(t0) {
		t.Errorf("lost %d, oldest %v; want 0 and %v", tr.lost, oldest, t0)
	}
	// The link recovers and delivers them in order: all counted, none lost.
	for seq := uint64(1); seq <= 10; seq++ {
		tr.receivedAt(seq, t0.Add(time.Hour))
	}
	tr.expire(t0.Add(2 * time.Hour))
	if tr.received != 10 || tr.lost != 0 {
		t.Errorf("received %d lost %d, want 10 and 0", tr.received, tr.lost)
	}
}

func TestTrackerReturnedAndFull(t *testing.T) {
	tr := newTracker(time.Second)
	for range maxInFlight {
		tr.sentAt(tr.next(), time.Unix(0, 0))
	}
	if !tr.full() {
		t.Fatalf("%d in flight, want the window full", len(tr.inFlight))
	}
	tr.returned(7)
	tr.returned(7)
	tr.returned(99999) // never sent
	if tr.unroutable != 1 || tr.full() || len(tr.inFlight) != maxInFlight-1 {
		t.Errorf("unroutable %d, in flight %d; want 1 and %d", tr.unroutable, len(tr.inFlight), maxInFlight-1)
	}
}

// A probe whose upstream is unreachable must not even connect; once the
// upstream is back, it does. The "broker" is a bare TCP listener that
// records when it is dialled.
func TestProbeConnectsOnlyWhileBothEndsAreReachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var firstDial atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			firstDial.CompareAndSwap(0, time.Now().UnixNano())
			c.Close()
		}
	}()
	amqpURL := "amqp://" + ln.Addr().String()
	cfg := &config.Config{Clusters: []config.Cluster{
		{Name: "up", AMQPURLs: []string{amqpURL}},
		{Name: "down", AMQPURLs: []string{amqpURL}, Settings: config.Settings{Federation: config.FederationOptions{
			LatencyProbes: []config.LatencyProbe{{Upstream: "up", Vhost: "/", Exchange: "x",
				Interval: model.Duration(100 * time.Millisecond), Timeout: model.Duration(time.Second)}},
		}}},
	}}
	var upReachable atomic.Bool
	reachable := func(name string) bool { return name != "up" || upReachable.Load() }
	set := Start(cfg, reachable, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer set.Stop()

	testsupport.WaitFor(t, 10*time.Second, "the probe pauses", func() bool { return set.Snapshots("down")[0].State == StatePaused })
	resumed := time.Now()
	upReachable.Store(true)
	testsupport.WaitFor(t, 10*time.Second, "the probe dials once the upstream is reachable", func() bool { return firstDial.Load() != 0 })
	if at := time.Unix(0, firstDial.Load()); at.Before(resumed) {
		t.Errorf("dialled at %v, before the upstream became reachable at %v", at, resumed)
	}
	// The listener speaks no AMQP: the probe backs off and retries.
	testsupport.WaitFor(t, 10*time.Second, "the probe backs off", func() bool { return set.Snapshots("down")[0].State == StateBackoff })
	s := set.Snapshots("down")[0]
	if s.Downstream != "down" || s.UpstreamCluster != "up" || s.Sent != 0 {
		t.Errorf("snapshot %+v", s)
	}
}

// A canary in flight when the probe's session ends (its exclusive queue goes
// with the connection) and overtaken by the next session's canary is
// abandoned, not lost: the link did not drop it. One overtaken within its
// own session is still lost.
func TestTrackerCanaryOvertakenByALaterSessionIsAbandonedNotLost(t *testing.T) {
	t0 := time.Unix(1000, 0)
	tr := newTracker(5 * time.Second)
	tr.beginSession()
	tr.sentAt(tr.next(), t0)                  // 1: dropped with the first session's queue
	tr.sentAt(tr.next(), t0.Add(time.Second)) // 2: same fate
	tr.beginSession()
	tr.sentAt(tr.next(), t0.Add(3*time.Second)) // 3
	tr.sentAt(tr.next(), t0.Add(4*time.Second)) // 4: the link really loses it
	tr.sentAt(tr.next(), t0.Add(5*time.Second)) // 5
	tr.receivedAt(3, t0.Add(3500*time.Millisecond))
	tr.receivedAt(5, t0.Add(5500*time.Millisecond))
	tr.expire(t0.Add(10*time.Second + 500*time.Millisecond))
	if tr.abandoned != 2 || tr.lost != 1 || tr.received != 2 || len(tr.inFlight) != 0 {
		t.Errorf("abandoned/lost/received/in flight = %d/%d/%d/%d, want 2/1/2/0",
			tr.abandoned, tr.lost, tr.received, len(tr.inFlight))
	}
	if tr.sent != tr.received+tr.lost+tr.unroutable+tr.abandoned {
		t.Errorf("sent %d != received %d + lost %d + unroutable %d + abandoned %d",
			tr.sent, tr.received, tr.lost, tr.unroutable, tr.abandoned)
	}
}

// A canary of an earlier session still held upstream by a stuck link flows
// into the next session's queue (same routing key) and is received: neither
// lost nor abandoned.
func TestTrackerEarlierSessionCanaryArrivingLaterIsReceived(t *testing.T) {
	t0 := time.Unix(1000, 0)
	tr := newTracker(5 * time.Second)
	tr.beginSession()
	tr.sentAt(tr.next(), t0)
	tr.beginSession()
	tr.sentAt(tr.next(), t0.Add(2*time.Second))
	if lat, ok := tr.receivedAt(1, t0.Add(3*time.Second)); !ok || lat != 3*time.Second {
		t.Fatalf("receivedAt(1) = %v, %v; want 3s, true", lat, ok)
	}
	tr.receivedAt(2, t0.Add(3*time.Second))
	tr.expire(t0.Add(time.Minute))
	if tr.received != 2 || tr.lost != 0 || tr.abandoned != 0 {
		t.Errorf("received/lost/abandoned = %d/%d/%d, want 2/0/0", tr.received, tr.lost, tr.abandoned)
	}
}
