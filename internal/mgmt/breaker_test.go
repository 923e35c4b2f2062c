package mgmt

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func timeoutErr() error { return &Error{Kind: KindTimeout, Err: context.DeadlineExceeded} }

func statusErr(code int) error {
	return &Error{Kind: classifyStatus(code), Status: code}
}

func TestBreakerBacksOffAndDoublesUpToMax(t *testing.T) {
	now := time.Unix(1000, 0)
	b := newBreaker(5*time.Second, 15*time.Second)
	b.now = func() time.Time { return now }

	if trial, err := b.allow(); trial || err != nil {
		t.Fatalf("closed breaker: allow() = %v, %v; want an ordinary request", trial, err)
	}
	b.done(false, timeoutErr())
	wantOpen := func(backoff time.Duration) {
		t.Helper()
		if open, got := b.state(); !open || got != backoff {
			t.Fatalf("state = open %v, backoff %v; want open, %v", open, got, backoff)
		}
	}
	wantOpen(5 * time.Second)
	now = now.Add(4999 * time.Millisecond)
	if _, err := b.allow(); err == nil {
		t.Fatal("request allowed 4.999 s into a 5 s backoff")
	}
	now = now.Add(time.Millisecond)
	trial, err := b.allow()
	if !trial || err != nil {
		t.Fatalf("after the backoff: allow() = %v, %v; want the trial", trial, err)
	}
	if _, err := b.allow(); err == nil {
		t.Fatal("a second request was allowed while the trial is in flight")
	}
	b.done(true, &Error{Kind: KindConnect})
	wantOpen(10 * time.Second)
	for _, want := range []time.Duration{15 * time.Second, 15 * time.Second} {
		now = now.Add(time.Hour)
		trial, _ := b.allow()
		b.done(trial, statusErr(http.StatusServiceUnavailable))
		wantOpen(want)
	}
	now = now.Add(time.Hour)
	trial, _ = b.allow()
	b.done(trial, nil)
	if open, backoff := b.state(); open || backoff != 0 {
		t.Fatalf("after a successful trial: open %v, backoff %v; want closed", open, backoff)
	}
}

func TestBreakerTripsOnlyOnSignsOfAStrugglingCluster(t *testing.T) {
	for _, tc := range []struct {
		err   error
		trips bool
	}{
		{timeoutErr(), true},
		{&Error{Kind: KindConnect}, true},
		{&Error{Kind: KindTLS}, true},
		{statusErr(502), true},
		{statusErr(503), true},
		{statusErr(504), true},
		{statusErr(500), false},
		{&Error{Kind: KindTooLarge}, false},
		{statusErr(400), false},
		{statusErr(401), false},
		{statusErr(404), false},
		{&Error{Kind: KindDecode}, false},
		{&Error{Kind: KindCanceled, Err: context.Canceled}, false},
		{&Error{Kind: KindConfig}, false},
	} {
		b := newBreaker(time.Second, time.Second)
		b.done(false, tc.err)
		if open, _ := b.state(); open != tc.trips {
			t.Errorf("%v: breaker open = %v, want %v", tc.err, open, tc.trips)
		}
	}
}

func TestBreakerIgnoresCancelledRequests(t *testing.T) {
	b := newBreaker(time.Second, time.Second)
	b.done(false, timeoutErr())
	b.done(false, &Error{Kind: KindCanceled, Err: context.Canceled})
	if open, _ := b.state(); !open {
		t.Fatal("a request Prometheus gave up on closed the breaker")
	}
	b.done(false, statusErr(404))
	if open, _ := b.state(); open {
		t.Fatal("a 404 answer left the breaker open: the cluster is serving")
	}
}

// A cluster that answers 503 is asked once, then left alone until the backoff
// runs out: the scrapes in between fail at once with circuit_open.
func TestClientStopsAskingAFailingCluster(t *testing.T) {
	var hits atomic.Int32
	var healthy atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if !healthy.Load() {
			http.Error(w, `{"error":"unavailable","reason":"node booting"}`, http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte(`{"cluster_name":"gw"}`))
	}))
	t.Cleanup(srv.Close)
	t.Setenv("TEST_MGMT_PASSWORD", "s3cret")
	c, err := New(Options{Cluster: "gw", URLs: []string{srv.URL}, Password: fromEnv("TEST_MGMT_PASSWORD"),
		Timeout: 2 * time.Second, MaxResponseBytes: 1 << 20,
		Breaker: BreakerOptions{InitialBackoff: time.Hour, MaxBackoff: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	c.breaker.now = func() time.Time { return now }
	ctx := context.Background()
	if _, err := c.Overview(ctx); KindOf(err) != KindHTTP {
		t.Fatalf("first request: %v, want the 503", err)
	}
	for range 5 {
		_, err := c.Overview(ctx)
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindCircuitOpen || e.Endpoint != "/api/overview" || e.Cluster != "gw" {
			t.Fatalf("request during the backoff: %v, want a circuit_open error naming cluster and endpoint", err)
		}
	}
	if n := hits.Load(); n != 1 {
		t.Fatalf("the cluster got %d requests, want 1", n)
	}
	healthy.Store(true)
	now = now.Add(time.Hour)
	if _, err := c.Overview(ctx); err != nil {
		t.Fatalf("trial after the backoff: %v", err)
	}
	if _, err := c.Overview(ctx); err != nil {
		t.Fatalf("after recovery: %v", err)
	}
	if n := hits.Load(); n != 3 {
		t.Fatalf("the cluster got %d requests, want 3", n)
	}
}

// However many callers want the same list at once, the node builds one at a time.
func TestOneRequestPerPathInFlight(t *testing.T) {
	var mu sync.Mutex
	inFlight, maxInFlight := map[string]int{}, map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight[r.URL.Path]++
		maxInFlight[r.URL.Path] = max(maxInFlight[r.URL.Path], inFlight[r.URL.Path])
		mu.Unlock()
		time.Sleep(20 * time.Millisecond) // hold the request so that others overlap it
		mu.Lock()
		inFlight[r.URL.Path]--
		mu.Unlock()
		w.Write([]byte(`[]`))
	}))
	t.Cleanup(srv.Close)
	c := testClient(t, srv.URL)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(2)
		go func() { defer wg.Done(); _, _ = c.Nodes(context.Background()) }()
		go func() { defer wg.Done(); _, _ = c.Vhosts(context.Background()) }()
	}
	wg.Wait()
	for _, path := range []string{"/api/nodes", "/api/vhosts"} {
		if maxInFlight[path] != 1 {
			t.Errorf("%s: %d requests in flight at once, want 1", path, maxInFlight[path])
		}
	}
}

// A caller queued behind a slow request gives up with its own deadline.
func TestWaitingForTheSamePathHonoursTheDeadline(t *testing.T) {
	release, arrived := make(chan struct{}), make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		w.Write([]byte(`[]`))
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	c := testClient(t, srv.URL)
	go func() { _, _ = c.Nodes(context.Background()) }()
	<-arrived // the first request holds the slot
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Nodes(ctx)
	if KindOf(err) != KindTimeout {
		t.Fatalf("queued request: %v, want a timeout", err)
	}
}
