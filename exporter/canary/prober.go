// Package canary measures federation links end to end. For each configured
// latency probe it publishes a small timestamped canary into the federated
// exchange on the upstream cluster, with a reserved routing key, and receives
// it from an exclusive queue bound to the same exchange on the downstream
// cluster: exchange federation carries the binding upstream, so the canary
// travels through the link's queue exactly like any other message. The time
// it takes is the link's latency; the age of the oldest canary not yet
// received is its lag while it is stuck.
//
// A probe owns two AMQP 0-9-1 connections and nothing durable: its queue is
// exclusive and auto-delete (the broker deletes it, and so its binding, when
// the connection goes, even if the exporter is killed), and Stop unbinds and
// deletes it explicitly as well. While either cluster is unreachable the
// probe holds no connection and makes no attempt.
package canary

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
)

// State is what a probe is doing.
type State string

const (
	StateConnecting State = "connecting" // opening connections, declaring and binding
	StateRunning    State = "running"    // publishing and receiving canaries
	StateBackoff    State = "backoff"    // waiting to retry after an AMQP error
	StatePaused     State = "paused"     // a cluster at either end is unreachable: no connection
)

// States lists every state, for a series per state.
var States = []string{string(StateConnecting), string(StateRunning), string(StateBackoff), string(StatePaused)}

// RoutingKeyPrefix starts every canary's routing key. A consumer bound with
// "#" to a probed exchange sees the canaries; "rabbitfleet.canary.#" matches
// them all.
const RoutingKeyPrefix = "rabbitfleet.canary."

// RoutingKey is the key of the canaries of the probe of upstream on the
// downstream cluster: unique per link, so that probes of several
// downstreams of one exchange never receive each other's canaries.
func RoutingKey(downstream, upstream string) string {
	return RoutingKeyPrefix + downstream + "." + upstream
}

// Backoff between failed attempts: from minBackoff doubling to maxBackoff,
// so that a broken link costs the broker one connection attempt a minute.
// A session that ran for healthyAfter starts the next failure afresh.
const (
	minBackoff   = time.Second
	maxBackoff   = time.Minute
	healthyAfter = time.Minute
)

const consumerTag = "rabbitfleet-canary"

// errUnreachable ends a session when a cluster at either end stops answering
// the exporter's scrapes: the probe pauses instead of retrying.
var errUnreachable = errors.New("a cluster at either end is unreachable")

// Snapshot is a probe's state and counters at one moment.
type Snapshot struct {
	Downstream, Upstream, UpstreamCluster, Vhost, Exchange string

	State State
	// Sent counts canaries published; each is then received, lost,
	// unroutable, abandoned (in flight when the probe's own canary queue
	// went away with its connection, and never seen again), or still in
	// flight.
	Sent, Received, Lost, Unroutable, Abandoned uint64
	// LastReceivedAge is the time since the last canary arrived, or since the
	// probe started when none has.
	LastReceivedAge time.Duration
	// OldestInFlightAge is the age of the oldest canary sent and not yet
	// received: the link's lag while it is stuck. 0 when none is in flight.
	OldestInFlightAge time.Duration
	// Latency of the canaries received: count, sum in seconds, and
	// cumulative counts per bound of LatencyBuckets.
	LatencyCount   uint64
	LatencySum     float64
	LatencyBuckets map[float64]uint64
}

// Prober runs one latency probe.
type Prober struct {
	down, up  *config.Cluster
	probe     config.LatencyProbe
	key       string
	nonce     uint64
	interval  time.Duration
	timeout   time.Duration
	reachable func(cluster string) bool
	logger    *slog.Logger
	now       func() time.Time

	mu      sync.Mutex
	state   State
	started time.Time
	tracker *tracker
	queue   string // the downstream queue of the current session
}

func newProber(down, up *config.Cluster, probe config.LatencyProbe, reachable func(string) bool, logger *slog.Logger) *Prober {
	p := &Prober{
		down: down, up: up, probe: probe,
		key:       RoutingKey(down.Name, probe.Upstream),
		nonce:     rand.Uint64(),
		interval:  time.Duration(probe.Interval),
		timeout:   time.Duration(probe.Timeout),
		reachable: reachable,
		now:       time.Now,
		state:     StateConnecting,
	}
	p.logger = logger.With("cluster", down.Name, "upstream", probe.Upstream, "vhost", probe.Vhost, "exchange", probe.Exchange)
	p.tracker = newTracker(p.timeout)
	p.started = p.now()
	return p
}

// Snapshot returns the probe's current figures.
func (p *Prober) Snapshot() Snapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	t := p.tracker
	last := t.lastReceived
	if last.IsZero() {
		last = p.started
	}
	s := Snapshot{
		Downstream: p.down.Name, Upstream: p.probe.Upstream, UpstreamCluster: p.up.Name,
		Vhost: p.probe.Vhost, Exchange: p.probe.Exchange,
		State: p.state,
		Sent:  t.sent, Received: t.received, Lost: t.lost, Unroutable: t.unroutable, Abandoned: t.abandoned,
		LastReceivedAge: now.Sub(last),
		LatencyCount:    t.latency.count, LatencySum: t.latency.sum, LatencyBuckets: t.latency.cumulative(),
	}
	if oldest, ok := t.oldest(); ok {
		s.OldestInFlightAge = now.Sub(oldest)
	}
	return s
}

func (p *Prober) setState(s State) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state != s {
		p.logger.Debug("federation latency probe", "state", s)
	}
	p.state = s
}

func (p *Prober) endsReachable() bool {
	return p.reachable(p.down.Name) && p.reachable(p.up.Name)
}

// run probes until ctx is cancelled: pauses while a cluster is unreachable,
// reconnects with backoff after AMQP errors.
func (p *Prober) run(ctx context.Context) {
	backoff := minBackoff
	for ctx.Err() == nil {
		if !p.endsReachable() {
			p.setState(StatePaused)
			p.logger.Info("federation latency probe paused: a cluster at either end is unreachable")
			if !p.waitUntil(ctx, p.endsReachable) {
				return
			}
			p.logger.Info("federation latency probe resumed")
		}
		p.setState(StateConnecting)
		began := time.Now()
		err := p.session(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case errors.Is(err, errUnreachable):
			continue
		}
		if time.Since(began) >= healthyAfter {
			backoff = minBackoff
		}
		p.setState(StateBackoff)
		p.logger.Warn("federation latency probe failed", "err", err, "retry_in", backoff)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// waitUntil polls cond every interval; false when ctx ends first.
func (p *Prober) waitUntil(ctx context.Context, cond func() bool) bool {
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for !cond() {
		select {
		case <-t.C:
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// session holds the AMQP objects of one connected stretch of a probe.
type session struct {
	mu      sync.Mutex
	conns   []*conn
	aborted bool

	downCh, upCh *amqp.Channel
	queue        string
	deliveries   <-chan amqp.Delivery
	returns      chan amqp.Return
	downClosed   chan *amqp.Error
	upClosed     chan *amqp.Error
}

// track registers a connection for abort; one opened after an abort is cut at once.
func (s *session) track(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns = append(s.conns, c)
	if s.aborted {
		c.abort()
	}
}

func (s *session) abort() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.aborted = true
	for _, c := range s.conns {
		c.abort()
	}
}

// session connects both ends and probes until an error, ctx's end or a
// cluster becoming unreachable; it always tears down what it created.
func (p *Prober) session(ctx context.Context) error {
	s := &session{}
	defer p.teardown(s)
	// amqp091's RPCs take no deadline: a watchdog cuts the sockets if the
	// setup overruns, which fails the pending call.
	watchdog := time.AfterFunc(p.timeout, s.abort)
	err := p.open(s)
	if !watchdog.Stop() {
		return fmt.Errorf("setting up took longer than the timeout %v (%v)", p.timeout, err)
	}
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.tracker.beginSession()
	p.mu.Unlock()
	p.setState(StateRunning)
	tick := time.NewTicker(p.interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case d, ok := <-s.deliveries:
			if !ok {
				return fmt.Errorf("downstream %s: consumer closed", p.down.Name)
			}
			p.receive(d.Body)
		case r, ok := <-s.returns:
			if !ok {
				return fmt.Errorf("upstream %s: channel closed", p.up.Name)
			}
			p.returned(r.Body)
		case e := <-s.downClosed:
			return fmt.Errorf("downstream %s: connection closed: %v", p.down.Name, e)
		case e := <-s.upClosed:
			return fmt.Errorf("upstream %s: connection closed: %v", p.up.Name, e)
		case <-tick.C:
			if !p.endsReachable() {
				return errUnreachable
			}
			p.mu.Lock()
			p.tracker.expire(p.now())
			p.mu.Unlock()
			if err := p.publish(s); err != nil {
				return fmt.Errorf("upstream %s: publishing: %w", p.up.Name, err)
			}
		}
	}
}

// open connects the downstream end first, so that the binding is in place
// (and carried upstream by the link) before the first canary is published.
func (p *Prober) open(s *session) error {
	name := fmt.Sprintf("rabbitfleet canary %s <- %s (%s)", p.down.Name, p.probe.Upstream, p.probe.Exchange)
	down, err := dial(p.down, p.probe.Vhost, name, p.timeout)
	if err != nil {
		return fmt.Errorf("downstream %w", err)
	}
	s.track(down)
	s.downClosed = down.NotifyClose(make(chan *amqp.Error, 1))
	if s.downCh, err = down.Channel(); err != nil {
		return fmt.Errorf("downstream %s: opening a channel: %w", p.down.Name, err)
	}
	q, err := s.downCh.QueueDeclare("", false, true, true, false, nil)
	if err != nil {
		return fmt.Errorf("downstream %s: declaring the canary queue: %w", p.down.Name, err)
	}
	s.queue = q.Name
	p.mu.Lock()
	p.queue = q.Name
	p.mu.Unlock()
	if err := s.downCh.QueueBind(q.Name, p.key, p.probe.Exchange, false, nil); err != nil {
		return fmt.Errorf("downstream %s: binding the canary queue to exchange %q: %w", p.down.Name, p.probe.Exchange, err)
	}
	if s.deliveries, err = s.downCh.Consume(q.Name, consumerTag, true, true, false, false, nil); err != nil {
		return fmt.Errorf("downstream %s: consuming: %w", p.down.Name, err)
	}

	up, err := dial(p.up, p.probe.Vhost, name, p.timeout)
	if err != nil {
		return fmt.Errorf("upstream %w", err)
	}
	s.track(up)
	s.upClosed = up.NotifyClose(make(chan *amqp.Error, 1))
	if s.upCh, err = up.Channel(); err != nil {
		return fmt.Errorf("upstream %s: opening a channel: %w", p.up.Name, err)
	}
	if err := s.upCh.ExchangeDeclarePassive(p.probe.Exchange, amqp.ExchangeTopic, false, false, false, false, nil); err != nil {
		return fmt.Errorf("upstream %s: exchange %q: %w", p.up.Name, p.probe.Exchange, err)
	}
	s.returns = s.upCh.NotifyReturn(make(chan amqp.Return, 16))
	return nil
}

// teardown deletes the queue (and with it the binding, which the link then
// removes upstream) and closes both connections, within the timeout.
func (p *Prober) teardown(s *session) {
	watchdog := time.AfterFunc(p.timeout, s.abort)
	defer watchdog.Stop()
	deadline := time.Now().Add(p.timeout)
	if s.downCh != nil && s.queue != "" && !s.downCh.IsClosed() {
		_ = s.downCh.Cancel(consumerTag, false)
		_ = s.downCh.QueueUnbind(s.queue, p.key, p.probe.Exchange, nil)
		_, _ = s.downCh.QueueDelete(s.queue, false, false, false)
	}
	for _, c := range s.conns {
		c.close(deadline)
	}
	p.mu.Lock()
	p.queue = ""
	p.mu.Unlock()
}

func (p *Prober) publish(s *session) error {
	p.mu.Lock()
	if p.tracker.full() {
		p.mu.Unlock()
		return nil
	}
	seq := p.tracker.next()
	p.mu.Unlock()
	at := p.now()
	// Mandatory: a canary the upstream cannot route (the link's binding is
	// not there) comes back as basic.return and is counted unroutable.
	err := s.upCh.Publish(p.probe.Exchange, p.key, true, false, amqp.Publishing{
		ContentType:  "application/octet-stream",
		Type:         "rabbitfleet.canary",
		DeliveryMode: amqp.Transient,
		Timestamp:    at,
		Body:         canaryMsg{nonce: p.nonce, seq: seq, sent: at}.encode(),
	})
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.tracker.sentAt(seq, at)
	p.mu.Unlock()
	return nil
}

func (p *Prober) receive(body []byte) {
	at := p.now()
	m, err := decode(body)
	if err != nil {
		p.logger.Debug("ignoring a message with the canary routing key that is not a canary", "err", err)
		return
	}
	if m.nonce != p.nonce {
		return // another exporter's, or an earlier prober's, canary
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tracker.receivedAt(m.seq, at)
}

func (p *Prober) returned(body []byte) {
	m, err := decode(body)
	if err != nil || m.nonce != p.nonce {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tracker.returned(m.seq)
}

// Set runs the latency probes of one configuration.
type Set struct {
	cancel       context.CancelFunc
	wg           sync.WaitGroup
	byDownstream map[string][]*Prober
}

// Start starts every latency probe of cfg. reachable reports whether a
// cluster (by configured name) answered its last scrape; a probe pauses
// while either of its ends is not reachable.
func Start(cfg *config.Config, reachable func(cluster string) bool, logger *slog.Logger) *Set {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Set{cancel: cancel, byDownstream: map[string][]*Prober{}}
	for i := range cfg.Clusters {
		down := &cfg.Clusters[i]
		for _, probe := range down.Federation.LatencyProbes {
			up := cfg.Cluster(down.Federation.UpstreamCluster(probe.Upstream))
			if up == nil {
				continue // config validation rules this out
			}
			p := newProber(down, up, probe, reachable, logger)
			s.byDownstream[down.Name] = append(s.byDownstream[down.Name], p)
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				p.run(ctx)
			}()
		}
	}
	return s
}

// Stop stops every probe and waits until each has deleted its queue and
// closed its connections (at most a probe timeout).
func (s *Set) Stop() {
	if s == nil {
		return
	}
	s.cancel()
	s.wg.Wait()
}

// Snapshots returns the figures of the probes whose downstream is the named cluster.
func (s *Set) Snapshots(downstream string) []Snapshot {
	if s == nil {
		return nil
	}
	probes := s.byDownstream[downstream]
	out := make([]Snapshot, len(probes))
	for i, p := range probes {
		out[i] = p.Snapshot()
	}
	return out
}
