package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/devicesim"
)

// progress prints one-line summaries with publish rates since the previous line.
type progress struct {
	w             io.Writer
	start         time.Time
	lastAt        time.Time
	lastPublished uint64
}

func newProgress(w io.Writer, start time.Time) *progress {
	return &progress{w: w, start: start, lastAt: start}
}

// every prints a line each interval until the returned (idempotent) stop function is called;
// stop returns once the printer has exited, so no line follows it.
func (p *progress) every(interval time.Duration, stats func() map[devicesim.Protocol]devicesim.ProtocolStats) (stop func()) {
	quit, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
				p.print(stats())
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() { close(quit); <-exited })
	}
}

func (p *progress) print(stats map[devicesim.Protocol]devicesim.ProtocolStats) {
	now := time.Now()
	total := sum(stats)
	rate := float64(total.Published-p.lastPublished) / now.Sub(p.lastAt).Seconds()
	p.lastAt, p.lastPublished = now, total.Published
	fmt.Fprintf(p.w, "%s open %s | opened=%d closed=%d lost=%d published=%d (%.1f/s) received=%d errors=%d\n",
		now.Sub(p.start).Truncate(100*time.Millisecond), formatOpen(stats),
		total.Opened, total.Closed, total.Lost, total.Published, rate, total.Received, total.Errors())
}

func (p *progress) final(stats map[devicesim.Protocol]devicesim.ProtocolStats) {
	var parts []string
	for _, proto := range devicesim.Protocols() {
		s := stats[proto]
		if s.Opened == 0 && s.DialErrors == 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s opened=%d closed=%d lost=%d published=%d received=%d dial_errors=%d publish_errors=%d close_errors=%d",
			proto, s.Opened, s.Closed, s.Lost, s.Published, s.Received, s.DialErrors, s.PublishErrors, s.CloseErrors))
	}
	fmt.Fprintf(p.w, "finished after %s: %s\n", time.Since(p.start).Round(time.Millisecond), strings.Join(parts, "; "))
}

func formatOpen(stats map[devicesim.Protocol]devicesim.ProtocolStats) string {
	parts := make([]string, 0, 3)
	for _, p := range devicesim.Protocols() {
		parts = append(parts, fmt.Sprintf("%s=%d", p, stats[p].Open))
	}
	return strings.Join(parts, " ")
}

func sum(stats map[devicesim.Protocol]devicesim.ProtocolStats) devicesim.ProtocolStats {
	var total devicesim.ProtocolStats
	for _, s := range stats {
		total = total.Add(s)
	}
	return total
}
