// Package devicesim opens many MQTT, STOMP and AMQP 0-9-1 device connections against
// RabbitMQ, publishes telemetry from them and churns them, keeping exact counts so tests can
// compare what the broker reports with what was opened.
package devicesim

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// Simulator owns a set of device connections. All methods are safe for concurrent use.
type Simulator struct {
	cfg       Config
	log       *slog.Logger
	dialers   map[Protocol]dialFunc
	dialSlots chan struct{} // bounds dials across concurrent Open and Churn calls

	mu    sync.Mutex
	open  map[Protocol]*list.List // of *conn, oldest first
	index map[string]*list.Element
	next  map[Protocol]uint64 // last client number handed out
	stats map[Protocol]*counters
}

// Connection identifies one open connection.
type Connection struct {
	ClientID  string // also the MQTT client id and the AMQP connection_name
	LocalAddr string // host:port of our end; the management API shows the port as peer_port
	Opened    time.Time
}

// New validates cfg and returns an idle Simulator. A nil logger discards logs.
func New(cfg Config, logger *slog.Logger) (*Simulator, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("simulator config: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Simulator{
		cfg:       cfg,
		log:       logger,
		dialers:   map[Protocol]dialFunc{MQTT: dialMQTT, MQTT5: dialMQTT5, STOMP: dialSTOMP, AMQP: dialAMQP, AMQP10: dialAMQP10},
		dialSlots: make(chan struct{}, cfg.DialConcurrency),
		open:      make(map[Protocol]*list.List),
		index:     make(map[string]*list.Element),
		next:      make(map[Protocol]uint64),
		stats:     make(map[Protocol]*counters),
	}
	for _, p := range Protocols() {
		s.open[p] = list.New()
		s.stats[p] = &counters{}
	}
	return s, nil
}

// Config returns the effective configuration (defaults filled in).
func (s *Simulator) Config() Config { return s.cfg }

// ClientPrefix returns the prefix of every client id this Simulator hands out.
func (s *Simulator) ClientPrefix() string { return s.cfg.ClientPrefix }

// Count returns how many connections of proto are open.
func (s *Simulator) Count(proto Protocol) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l := s.open[proto]; l != nil {
		return l.Len()
	}
	return 0
}

// Connections lists the open connections of proto, oldest first.
func (s *Simulator) Connections(proto Protocol) []Connection {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.open[proto]
	if l == nil {
		return nil
	}
	out := make([]Connection, 0, l.Len())
	for e := l.Front(); e != nil; e = e.Next() {
		c := e.Value.(*conn)
		out = append(out, Connection{ClientID: c.id, LocalAddr: c.localAddr(), Opened: c.opened})
	}
	return out
}

// Stats returns the counters of every protocol.
func (s *Simulator) Stats() map[Protocol]ProtocolStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[Protocol]ProtocolStats, len(s.stats))
	for p, c := range s.stats {
		out[p] = c.snapshot(s.open[p].Len())
	}
	return out
}

// Open opens n connections of proto, at most DialConcurrency at a time, and returns once all
// are established. On the first failure it stops dialling and returns an error naming the
// protocol, the address and how many succeeded; those stay open (see Count, CloseAll).
func (s *Simulator) Open(ctx context.Context, proto Protocol, n int) error {
	_, err := s.openN(ctx, proto, n)
	return err
}

func (s *Simulator) openN(ctx context.Context, proto Protocol, n int) (int, error) {
	if err := s.checkProtocol(proto); err != nil {
		return 0, err
	}
	if n < 0 {
		return 0, fmt.Errorf("open %d %s connections: negative count", n, proto)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		opened   int
		firstErr error
	)
dialling:
	for range n {
		select {
		case s.dialSlots <- struct{}{}:
		case <-ctx.Done():
			break dialling
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.openOne(ctx, proto)
			<-s.dialSlots
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				opened++
			} else if firstErr == nil {
				firstErr = err
				cancel() // stop the other dials: the caller learns about the first failure now
			}
		}()
	}
	wg.Wait()
	if firstErr == nil && opened < n {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		return opened, fmt.Errorf("open %d %s connections to %s: %d succeeded: %w",
			n, proto, s.cfg.address(proto), opened, firstErr)
	}
	return opened, nil
}

func (s *Simulator) openOne(ctx context.Context, proto Protocol) error {
	c := &conn{proto: proto, id: s.newClientID(proto)}
	dialCtx, cancel := context.WithTimeout(ctx, s.cfg.DialTimeout)
	defer cancel()
	d, err := s.dialers[proto](dialCtx, s.cfg, c.id, deviceHooks{
		lost:     func(err error) { s.onLost(c, err) },
		received: func() { s.stats[proto].received.Add(1) },
	})
	if err != nil {
		if ctx.Err() == nil { // aborts we caused are not the broker's errors
			s.stats[proto].dialErrors.Add(1)
		}
		return err
	}
	c.device, c.opened = d, time.Now()
	s.stats[proto].opened.Add(1)
	if !s.track(c) {
		s.stats[proto].lost.Add(1)
		go c.close(context.Background())
		return fmt.Errorf("%s connection %s ended right after it was established", proto, c.id)
	}
	s.log.Debug("connection opened", "protocol", proto, "client_id", c.id, "local_addr", d.localAddr())
	return nil
}

func (s *Simulator) newClientID(proto Protocol) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next[proto]++
	return s.cfg.ClientPrefix + "-" + string(proto) + "-" + strconv.FormatUint(s.next[proto], 10)
}

// track starts counting c as open, unless it was already lost while being set up.
func (s *Simulator) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.gone {
		return false
	}
	s.index[c.id] = s.open[c.proto].PushBack(c)
	return true
}

// onLost drops a connection that ended by itself. Connections being closed by the
// Simulator are already untracked, so their end is not counted as lost.
func (s *Simulator) onLost(c *conn, err error) {
	s.mu.Lock()
	c.gone = true
	e, tracked := s.index[c.id]
	if tracked {
		s.open[c.proto].Remove(e)
		delete(s.index, c.id)
	}
	s.mu.Unlock()
	if !tracked {
		return
	}
	s.stats[c.proto].lost.Add(1)
	s.log.Warn("connection lost", "protocol", c.proto, "client_id", c.id, "err", err)
	// Release whatever the library still holds (goroutines, socket).
	go c.close(context.Background())
}

// take untracks up to n of proto's oldest connections; with exact it takes n or none.
func (s *Simulator) take(proto Protocol, n int, exact bool) ([]*conn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.open[proto]
	if exact && l.Len() < n {
		return nil, fmt.Errorf("close %d %s connections: only %d open", n, proto, l.Len())
	}
	out := make([]*conn, 0, min(n, l.Len()))
	for len(out) < n && l.Len() > 0 {
		c := l.Remove(l.Front()).(*conn)
		delete(s.index, c.id)
		out = append(out, c)
	}
	return out, nil
}

// Close cleanly closes exactly n open connections of proto (the oldest) and returns once
// their sockets are closed. It closes none if fewer than n are open.
func (s *Simulator) Close(proto Protocol, n int) error {
	if err := s.checkProtocol(proto); err != nil {
		return err
	}
	if n < 0 {
		return fmt.Errorf("close %d %s connections: negative count", n, proto)
	}
	conns, err := s.take(proto, n, true)
	if err != nil {
		return err
	}
	return s.closeConns(proto, conns)
}

// CloseAll cleanly closes every open connection.
func (s *Simulator) CloseAll() error {
	var errs []error
	for _, p := range Protocols() {
		conns, _ := s.take(p, int(^uint(0)>>1), false)
		if err := s.closeConns(p, conns); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (s *Simulator) closeConns(proto Protocol, conns []*conn) error {
	if len(conns) == 0 {
		return nil
	}
	slots := make(chan struct{}, s.cfg.DialConcurrency)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		failed   int
		firstErr error
	)
	for _, c := range conns {
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			ctx, cancel := context.WithTimeout(context.Background(), s.cfg.CloseTimeout)
			defer cancel()
			err := c.close(ctx)
			s.stats[proto].closed.Add(1)
			if err == nil {
				s.log.Debug("connection closed", "protocol", proto, "client_id", c.id)
				return
			}
			s.stats[proto].closeErrors.Add(1)
			mu.Lock()
			defer mu.Unlock()
			failed++
			if firstErr == nil {
				firstErr = fmt.Errorf("%s: %w", c.id, err)
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return fmt.Errorf("close %d %s connections to %s: %d did not close cleanly (sockets closed anyway); first: %w",
			len(conns), proto, s.cfg.address(proto), failed, firstErr)
	}
	return nil
}

func (s *Simulator) checkProtocol(proto Protocol) error {
	if !proto.valid() {
		return fmt.Errorf("unknown protocol %q", proto)
	}
	if s.cfg.address(proto) == "" {
		return fmt.Errorf("no address configured for %s", proto)
	}
	return nil
}
