package devicesim

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Publish sends one telemetry message from every open connection of the given protocols
// (all protocols when none are given), at most PublishConcurrency at a time. It returns how
// many were sent and, if any failed, an error describing the first failure and the count.
func (s *Simulator) Publish(ctx context.Context, protos ...Protocol) (int, error) {
	if len(protos) == 0 {
		protos = Protocols()
	}
	var conns []*conn
	for _, p := range protos {
		if !p.valid() {
			return 0, fmt.Errorf("publish: unknown protocol %q", p)
		}
		conns = append(conns, s.snapshot(p)...)
	}

	slots := make(chan struct{}, s.cfg.PublishConcurrency)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		sent     int
		failed   int
		firstErr error
	)
	for _, c := range conns {
		if ctx.Err() != nil {
			break
		}
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			pubCtx, cancel := context.WithTimeout(ctx, s.cfg.PublishTimeout)
			defer cancel()
			err := c.publish(pubCtx, c.nextTelemetry(time.Now()))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				sent++
				s.stats[c.proto].published.Add(1)
			case ctx.Err() != nil: // the caller gave up; not the broker's fault
			case !s.tracked(c): // closed by Churn/Close (or lost) during the round
			default:
				failed++
				s.stats[c.proto].publishErrors.Add(1)
				if firstErr == nil {
					firstErr = fmt.Errorf("%s: %w", c.id, err)
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return sent, fmt.Errorf("publish: %d of %d failed; first: %w", failed, len(conns), firstErr)
	}
	if err := ctx.Err(); err != nil && sent < len(conns) {
		return sent, fmt.Errorf("publish: stopped after %d of %d: %w", sent, len(conns), err)
	}
	return sent, nil
}

// Run publishes from every open connection right away and then every PublishInterval, until
// ctx is done. Failures are counted in Stats and logged once per round; Run returns nil when
// ctx ends.
func (s *Simulator) Run(ctx context.Context) error {
	if s.cfg.PublishInterval <= 0 {
		return errors.New("run: publish interval is not set")
	}
	t := time.NewTicker(s.cfg.PublishInterval)
	defer t.Stop()
	for {
		if _, err := s.Publish(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("telemetry round had failures", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C: // a round slower than the interval makes the ticker drop ticks, not pile up
		}
	}
}

func (s *Simulator) snapshot(proto Protocol) []*conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.open[proto]
	out := make([]*conn, 0, l.Len())
	for e := l.Front(); e != nil; e = e.Next() {
		out = append(out, e.Value.(*conn))
	}
	return out
}

func (s *Simulator) tracked(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.index[c.id]
	return ok && e.Value.(*conn) == c
}
