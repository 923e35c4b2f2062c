package calibrate

import (
	"context"
	"fmt"
	"math"

	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

// connections ramps idle connections from none to cfg.Connections in
// cfg.Steps steps. At each count, once the broker counts them and its
// statistics are fresh, it reads idle CPU, memory and file descriptors,
// then fits each against the count.
func (c *calibration) connections(ctx context.Context) error {
	for k := 0; k <= c.cfg.Steps; k++ {
		target := c.cfg.Connections * k / c.cfg.Steps
		step := ConnectionStep{Connections: target}
		if add := target - c.f.Count(); add > 0 {
			t0 := c.clock.Now()
			if err := c.f.Open(ctx, add); err != nil {
				return fmt.Errorf("opening %d connections (to %d): %w", add, target, err)
			}
			step.Opened, step.OpenSeconds = add, c.clock.Now().Sub(t0).Seconds()
		}
		if err := c.await(ctx, target); err != nil {
			return err
		}
		if err := c.clock.Sleep(ctx, c.cfg.Settle); err != nil {
			return err
		}
		if c.pid != 0 {
			cpu, _, err := c.measure(func() error { return c.clock.Sleep(ctx, c.cfg.IdleWindow) })
			if err != nil {
				return err
			}
			step.CPU = cpu
		}
		n, err := c.settledNode(ctx)
		if err != nil {
			return err
		}
		if n.MemAlarm.Value {
			return fmt.Errorf("node %s raised its memory alarm at %d connections", n.Name, target)
		}
		if err := c.checkCount(target); err != nil {
			return err
		}
		step.MemUsed, step.FDUsed = n.MemUsed.Value, n.FDUsed.Value
		c.rep.Connections = append(c.rep.Connections, step)
		c.log.Info("connection step", "connections", target, "mem_used", step.MemUsed, "fd_used", step.FDUsed,
			"cpu_per_second", step.CPU, "open_seconds", step.OpenSeconds)
	}
	return c.fitConnections()
}

// memorySettled is how close two readings a settle time apart must be for
// the node's memory to count as settled at a connection step.
const memorySettled = 0.02

// settledNode reads the node until its memory settles: two readings a
// settle time apart within memorySettled of each other. Memory goes on
// growing for several seconds after the connections are counted (their
// queues, channels and statistics, measured on 3.10.8: 507, 519, 530 MB
// four seconds apart at 800 connections); a reading taken in that climb
// understated memory per connection by a third against a history of the
// same node. Past Timeout it takes the last reading and says so.
func (c *calibration) settledNode(ctx context.Context) (mgmt.Node, error) {
	n, err := c.b.node(ctx, c.node)
	deadline := c.clock.Now().Add(c.cfg.Timeout)
	for err == nil {
		before := n.MemUsed.Value
		if err = c.clock.Sleep(ctx, c.cfg.Settle); err != nil {
			break
		}
		if n, err = c.b.node(ctx, c.node); err != nil {
			break
		}
		if now := n.MemUsed.Value; math.Abs(now-before) <= memorySettled*now {
			return n, nil
		}
		if !c.clock.Now().Before(deadline) {
			note := fmt.Sprintf("memory was still moving after %v at %d connections (%.0f then %.0f bytes); the last reading is used",
				c.cfg.Timeout, c.f.Count(), before, n.MemUsed.Value)
			c.rep.Unsettled = append(c.rep.Unsettled, note)
			c.log.Warn(note)
			return n, nil
		}
	}
	return n, err
}

func (c *calibration) fitConnections() error {
	var x, mem, fd, cpu []float64
	var secs float64
	for _, s := range c.rep.Connections {
		x = append(x, float64(s.Connections))
		mem = append(mem, s.MemUsed)
		fd = append(fd, s.FDUsed)
		cpu = append(cpu, s.CPU)
		secs += s.OpenSeconds
	}
	var err error
	if c.rep.Memory, err = fitLine("memory per connection", x, mem); err != nil {
		return err
	}
	if c.rep.FDs, err = fitLine("file descriptors per connection", x, fd); err != nil {
		return err
	}
	// Without these two the profile means nothing: a flat line says the
	// readings did not follow the connections.
	if !(c.rep.Memory.Slope > 0) {
		return fmt.Errorf("node memory did not grow with connections (slope %.4g bytes per connection): is the settle time shorter than the broker's statistics interval?", c.rep.Memory.Slope)
	}
	if !(c.rep.FDs.Slope > 0) {
		return fmt.Errorf("file descriptors did not grow with connections (slope %.4g per connection): is the settle time shorter than the broker's statistics interval?", c.rep.FDs.Slope)
	}
	if secs > 0 {
		c.rep.AcceptsPerSecond = float64(c.rep.opened()) / secs
	}
	if c.pid != 0 {
		f, err := fitLine("idle CPU per connection", x, cpu)
		if err != nil {
			return err
		}
		c.rep.IdleCPU = &f
	}
	return nil
}

// churn closes and re-opens connections at each rate, keeping the count,
// and fits CPU against the reconnections achieved per second.
func (c *calibration) churn(ctx context.Context) error {
	n := c.f.Count()
	var err error
	c.rep.Churn, c.rep.OpenCPU, err = c.rates("churning connections", "CPU per reconnection", c.cfg.ChurnRates,
		func(rate float64) (int, error) { return c.f.Churn(ctx, rate, c.cfg.ChurnDuration) })
	if err != nil {
		return err
	}
	return c.await(ctx, n)
}

// messages publishes at each rate and fits CPU against the messages
// acknowledged per second. The broker's message counters, read before and
// after (once its statistics are fresh), say how many were routed on.
func (c *calibration) messages(ctx context.Context) error {
	before, err := c.b.overview(ctx)
	if err != nil {
		return err
	}
	c.rep.Messages, c.rep.MessageCPU, err = c.rates("publishing messages", "CPU per message", c.cfg.MessageRates,
		func(rate float64) (int, error) { return c.f.Publish(ctx, rate, c.cfg.MessageDuration) })
	if err != nil {
		return err
	}
	if err := c.clock.Sleep(ctx, c.cfg.Settle); err != nil {
		return err
	}
	after, err := c.b.overview(ctx)
	if err != nil {
		return err
	}
	c.rep.Routing = routing(before, after)
	return nil
}

// rates runs work at each rate, which returns how many events it caused,
// measures the broker's CPU over it, and fits CPU against the events
// achieved per second. The connection count must hold throughout.
func (c *calibration) rates(what, fitted string, rates []float64, work func(rate float64) (int, error)) ([]RateStep, *Fit, error) {
	n := c.f.Count()
	var steps []RateStep
	var x, y []float64
	for _, rate := range rates {
		var events int
		cpu, secs, err := c.measure(func() error {
			var err error
			events, err = work(rate)
			return err
		})
		if err != nil {
			return steps, nil, fmt.Errorf("%s at %v a second: %w", what, rate, err)
		}
		if err := c.checkCount(n); err != nil {
			return steps, nil, err
		}
		s := RateStep{Target: rate, Achieved: float64(events) / secs, CPU: cpu}
		steps = append(steps, s)
		x, y = append(x, s.Achieved), append(y, s.CPU)
		c.log.Info(what, "target_per_second", rate, "achieved_per_second", s.Achieved, "cpu_per_second", cpu)
	}
	f, err := fitLine(fitted, x, y)
	if err != nil {
		return steps, nil, err
	}
	return steps, &f, nil
}

// routing is what the broker's message counters did between two readings;
// nil when it keeps none (no message statistics).
func routing(before, after *mgmt.Overview) *Routing {
	b, a := before.MessageStats, after.MessageStats
	if !a.Publish.Set {
		return nil
	}
	return &Routing{
		Published:  a.Publish.Value - b.Publish.Value,
		Delivered:  a.DeliverGet.Value - b.DeliverGet.Value,
		Unroutable: a.DropUnroutable.Value - b.DropUnroutable.Value + a.ReturnUnroutable.Value - b.ReturnUnroutable.Value,
	}
}
