package devicesim

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeBroker stands in for the network: it records dials and lets tests fail or drop them.
type fakeBroker struct {
	mu        sync.Mutex
	inFlight  int
	maxFlight int
	dials     int
	failAfter int // dials beyond this many fail; 0 = never
	open      map[string]*fakeDevice
	published atomic.Int64
}

type fakeDevice struct {
	b      *fakeBroker
	id     string
	hooks  deviceHooks
	closed atomic.Bool
	last   atomic.Pointer[[]byte]
}

func newFakeSimulator(t *testing.T, cfg Config) (*Simulator, *fakeBroker) {
	t.Helper()
	cfg.MQTTAddr, cfg.STOMPAddr, cfg.AMQPURL = "mqtt.invalid:1", "stomp.invalid:2", "amqp://amqp.invalid:3/"
	s, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &fakeBroker{open: map[string]*fakeDevice{}}
	for _, p := range Protocols() {
		s.dialers[p] = b.dial
	}
	return s, b
}

func (b *fakeBroker) dial(ctx context.Context, _ Config, id string, hooks deviceHooks) (device, error) {
	b.mu.Lock()
	b.dials++
	n := b.dials
	b.inFlight++
	b.maxFlight = max(b.maxFlight, b.inFlight)
	b.mu.Unlock()
	defer func() { b.mu.Lock(); b.inFlight--; b.mu.Unlock() }()

	select { // long enough for dials to overlap
	case <-time.After(2 * time.Millisecond):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if b.failAfter > 0 && n > b.failAfter {
		return nil, errors.New("connection refused")
	}
	d := &fakeDevice{b: b, id: id, hooks: hooks}
	b.mu.Lock()
	b.open[id] = d
	b.mu.Unlock()
	return d, nil
}

func (b *fakeBroker) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.open)
}

func (d *fakeDevice) localAddr() string { return "127.0.0.1:1" }

func (d *fakeDevice) publish(_ context.Context, payload []byte) error {
	if d.closed.Load() {
		return errors.New("closed")
	}
	d.last.Store(&payload)
	d.b.published.Add(1)
	return nil
}

func (d *fakeDevice) close(context.Context) error {
	d.closed.Store(true)
	d.b.mu.Lock()
	delete(d.b.open, d.id)
	d.b.mu.Unlock()
	return nil
}

// drop simulates the broker closing the connection.
func (d *fakeDevice) drop() {
	d.b.mu.Lock()
	delete(d.b.open, d.id)
	d.b.mu.Unlock()
	d.hooks.lost(errors.New("connection reset by peer"))
}

func TestOpenCloseExactCounts(t *testing.T) {
	s, b := newFakeSimulator(t, Config{ClientPrefix: "t", DialConcurrency: 4})
	ctx := context.Background()
	if err := s.Open(ctx, MQTT, 20); err != nil {
		t.Fatal(err)
	}
	if err := s.Open(ctx, STOMP, 10); err != nil {
		t.Fatal(err)
	}
	if got := s.Count(MQTT); got != 20 {
		t.Fatalf("Count(MQTT) = %d, want 20", got)
	}
	if b.maxFlight > 4 {
		t.Fatalf("%d dials in flight at once, DialConcurrency is 4", b.maxFlight)
	}
	before := s.Connections(MQTT)
	if err := s.Close(MQTT, 7); err != nil {
		t.Fatal(err)
	}
	if got, onBroker := s.Count(MQTT), b.count(); got != 13 || onBroker != 23 {
		t.Fatalf("after closing 7: Count(MQTT) = %d (want 13), broker has %d (want 23)", got, onBroker)
	}
	// The oldest are closed first.
	if first := s.Connections(MQTT)[0].ClientID; first != before[7].ClientID {
		t.Fatalf("oldest remaining MQTT client = %s, want %s", first, before[7].ClientID)
	}
	if err := s.Close(STOMP, 11); err == nil || !strings.Contains(err.Error(), "only 10 open") {
		t.Fatalf("Close(STOMP, 11) = %v, want 'only 10 open'", err)
	}
	if got := s.Count(STOMP); got != 10 {
		t.Fatalf("a refused Close must close nothing; Count(STOMP) = %d", got)
	}
	if err := s.CloseAll(); err != nil {
		t.Fatal(err)
	}
	if b.count() != 0 || s.Count(MQTT)+s.Count(STOMP) != 0 {
		t.Fatalf("after CloseAll: broker %d, simulator %d", b.count(), s.Count(MQTT)+s.Count(STOMP))
	}
	st := s.Stats()[MQTT]
	if st.Opened != 20 || st.Closed != 20 || st.Errors() != 0 {
		t.Fatalf("MQTT stats %+v", st)
	}
}

func TestClientIDsAreUniqueAndPrefixed(t *testing.T) {
	s, _ := newFakeSimulator(t, Config{ClientPrefix: "abc"})
	if err := s.Open(context.Background(), AMQP, 5); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(AMQP, 5); err != nil {
		t.Fatal(err)
	}
	if err := s.Open(context.Background(), AMQP, 2); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range s.Connections(AMQP) {
		ids = append(ids, c.ClientID)
	}
	slices.Sort(ids)
	if strings.Join(ids, ",") != "abc-amqp-6,abc-amqp-7" {
		t.Fatalf("ids after re-open: %v", ids)
	}
}

func TestOpenReportsFirstFailure(t *testing.T) {
	s, b := newFakeSimulator(t, Config{DialConcurrency: 1})
	b.failAfter = 3
	err := s.Open(context.Background(), STOMP, 10)
	if err == nil {
		t.Fatal("want error")
	}
	for _, want := range []string{"stomp", "stomp.invalid:2", "3 succeeded", "connection refused"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if s.Count(STOMP) != 3 {
		t.Fatalf("Count = %d, want the 3 that succeeded", s.Count(STOMP))
	}
	if st := s.Stats()[STOMP]; st.DialErrors != 1 {
		t.Fatalf("DialErrors = %d, want 1 (no more dials after the first failure)", st.DialErrors)
	}
}

func TestLostConnectionsAreUntracked(t *testing.T) {
	s, b := newFakeSimulator(t, Config{})
	if err := s.Open(context.Background(), MQTT, 3); err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	victim := b.open[s.Connections(MQTT)[1].ClientID]
	b.mu.Unlock()
	victim.drop()
	if got := s.Count(MQTT); got != 2 {
		t.Fatalf("Count after a lost connection = %d, want 2", got)
	}
	if st := s.Stats()[MQTT]; st.Lost != 1 {
		t.Fatalf("Lost = %d, want 1", st.Lost)
	}
}

func TestPublishSendsTelemetryFromEveryConnection(t *testing.T) {
	s, b := newFakeSimulator(t, Config{ClientPrefix: "pub"})
	ctx := context.Background()
	for _, p := range Protocols() {
		if err := s.Open(ctx, p, 2); err != nil {
			t.Fatal(err)
		}
	}
	for round := 0; round < 2; round++ {
		n, err := s.Publish(ctx)
		if want := 2 * len(Protocols()); err != nil || n != want {
			t.Fatalf("Publish = %d, %v; want %d, nil", n, err, want)
		}
	}
	if n, _ := s.Publish(ctx, STOMP); n != 2 {
		t.Fatalf("Publish(STOMP) = %d, want 2", n)
	}
	b.mu.Lock()
	d := b.open["pub-stomp-1"]
	b.mu.Unlock()
	var msg Telemetry
	if err := json.Unmarshal(*d.last.Load(), &msg); err != nil {
		t.Fatal(err)
	}
	if msg.DeviceID != "pub-stomp-1" || msg.Seq != 3 || msg.Protocol != "stomp" || time.Since(msg.SentAt) > time.Minute {
		t.Fatalf("telemetry %+v", msg)
	}
	if st := s.Stats()[STOMP]; st.Published != 6 {
		t.Fatalf("STOMP Published = %d, want 6", st.Published)
	}
}

func TestChurnKeepsTheCountAndCountsCycles(t *testing.T) {
	s, b := newFakeSimulator(t, Config{})
	if err := s.Open(context.Background(), MQTT, 10); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 550*time.Millisecond)
	defer cancel()
	res, err := s.Churn(ctx, MQTT, 40)
	if err != nil {
		t.Fatal(err)
	}
	// 40/s for ~0.5s in 100ms steps: 20 cycles, give or take a step.
	if res.Closed < 12 || res.Closed > 24 || res.Opened != res.Closed || res.Failed != 0 {
		t.Fatalf("churn result %+v", res)
	}
	if s.Count(MQTT) != 10 || b.count() != 10 {
		t.Fatalf("after churn: simulator %d, broker %d, want 10", s.Count(MQTT), b.count())
	}
	if _, err := s.Churn(context.Background(), MQTT, 0); err == nil {
		t.Fatal("Churn at rate 0: want error")
	}
}

func TestConfigValidation(t *testing.T) {
	bad := []Config{
		{ClientPrefix: "has space"},
		{ClientPrefix: "slash/y"},
		{QoS: 2},
		{MQTTAddr: "no-port"},
		{AMQPURL: "http://x"},
	}
	for _, cfg := range bad {
		if _, err := New(cfg, nil); err == nil {
			t.Errorf("New(%+v): want error", cfg)
		}
	}
	s, err := New(Config{Password: "secret"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.ClientPrefix(), "devicesim-") {
		t.Errorf("default prefix %q", s.ClientPrefix())
	}
	if err := s.Open(context.Background(), MQTT, 1); err == nil || !strings.Contains(err.Error(), "no address") {
		t.Errorf("Open without an address: %v", err)
	}
	if got := s.Config().LogValue().String(); strings.Contains(got, "secret") {
		t.Errorf("LogValue leaks the password: %s", got)
	}
	if got := redactURL("amqp://u:hunter2@h:5672/"); strings.Contains(got, "hunter2") {
		t.Errorf("redactURL leaks the password: %s", got)
	}
}

func TestOpenRefusedNamesProtocolAndAddress(t *testing.T) {
	// Nothing listens on port 1, so every dial is refused at once.
	s, err := New(Config{MQTTAddr: "127.0.0.1:1", STOMPAddr: "127.0.0.1:1", AMQPURL: "amqp://127.0.0.1:1/"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Protocols() {
		err := s.Open(context.Background(), p, 3)
		if err == nil {
			t.Fatalf("%s: want error", p)
		}
		for _, want := range []string{string(p), "127.0.0.1:1", "0 succeeded", "refused"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s error %q does not mention %q", p, err, want)
			}
		}
		if s.Count(p) != 0 {
			t.Errorf("%s: Count %d after failed Open", p, s.Count(p))
		}
	}
}
