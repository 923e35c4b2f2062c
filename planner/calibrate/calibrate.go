// Package calibrate measures a RabbitMQ node's capacity profile
// (planner/capacity) the way `planner calibrate` does: it ramps the device
// simulator's MQTT clients against the node (connections, then churn, then
// message rate), reads memory and file descriptors from the management API
// and CPU time from /proc, and fits each per-connection and per-event
// figure by least squares.
package calibrate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
)

// pollInterval is how often the broker's connection count is read while
// waiting for it to reflect what was opened or closed.
const pollInterval = 500 * time.Millisecond

// Run measures the node cfg names and returns its capacity profile and a
// report of the measurements and fits. It opens up to cfg.Connections MQTT
// connections and closes every one before it returns, on error and
// cancellation too. The broker should be otherwise idle: every figure is a
// difference the calibration caused, and a connection count that others
// change makes the wait for the broker's count time out. On error the
// report holds what was measured so far. A nil log discards logs.
func Run(ctx context.Context, cfg Config, log *slog.Logger) (capacity.Profile, Report, error) {
	return run(ctx, cfg, log, deps{clock: realClock{}, newFleet: newSimFleet, procCPU: procCPU, procName: procName})
}

// deps are what tests replace: time, the devices and the process table.
type deps struct {
	clock    clock
	newFleet func(cfg Config, password string, log *slog.Logger) (fleet, error)
	procCPU  func(pid int) (float64, error)
	procName func(pid int) (string, error)
}

// calibration is one run's state.
type calibration struct {
	deps
	cfg  Config
	log  *slog.Logger
	b    *broker
	f    fleet
	node string
	pid  int // the broker's process, 0 when CPU is not measured
	rep  Report
}

func run(ctx context.Context, cfg Config, log *slog.Logger, d deps) (capacity.Profile, Report, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return capacity.Profile{}, Report{}, fmt.Errorf("calibrate: %w", err)
	}
	b, err := newBroker(cfg)
	if err != nil {
		return capacity.Profile{}, Report{}, fmt.Errorf("calibrate: %w", err)
	}
	defer b.close()
	c := &calibration{deps: d, cfg: cfg, log: log, b: b}
	start := d.clock.Now()
	err = c.measureAll(ctx)
	c.rep.Took = d.clock.Now().Sub(start)
	if err != nil {
		return capacity.Profile{}, c.rep, fmt.Errorf("calibrate %s: %w", b.shown, err)
	}
	p, err := c.profile()
	if err != nil {
		return capacity.Profile{}, c.rep, fmt.Errorf("calibrate %s: %w", b.shown, err)
	}
	return p, c.rep, nil
}

// measureAll runs the phases and always closes the connections it opened.
func (c *calibration) measureAll(ctx context.Context) error {
	if err := c.preflight(ctx); err != nil {
		return err
	}
	f, err := c.newFleet(c.cfg, c.b.password, c.log)
	if err != nil {
		return err
	}
	c.f = f
	defer c.cleanup(ctx)
	c.rep.PayloadBytes = c.f.PayloadBytes()
	if err := c.connections(ctx); err != nil {
		return fmt.Errorf("connection phase: %w", err)
	}
	if c.pid == 0 {
		c.log.Info("skipping the churn and message phases: they measure CPU, which cannot be read", "reason", c.rep.NoCPUReason)
		return nil
	}
	if err := c.churn(ctx); err != nil {
		return fmt.Errorf("churn phase: %w", err)
	}
	if err := c.messages(ctx); err != nil {
		return fmt.Errorf("message phase: %w", err)
	}
	return nil
}

// preflight reads what the broker is and refuses to start where the ramp
// would raise an alarm: an fd or memory alarm is the very failure the
// planner sizes against, and would spoil the measurement.
func (c *calibration) preflight(ctx context.Context) error {
	ov, err := c.b.overview(ctx)
	if err != nil {
		return err
	}
	if ov.RabbitMQVersion == "" {
		return fmt.Errorf("/api/overview has no rabbitmq_version")
	}
	c.rep.RabbitMQVersion, c.rep.Cluster = ov.RabbitMQVersion, ov.ClusterName
	if c.cfg.baseByVersion {
		// Figures not measured here are best kept from a broker of the
		// same generation: 4.x's CPU costs, not 3.10's.
		sel := capacity.Embedded().Select([]string{ov.RabbitMQVersion})
		c.cfg.Base, c.cfg.baseName = &sel.Profile, "the "+sel.Name
	}
	c.rep.Baseline = int(ov.ObjectTotals.Connections.Value)
	nodes, err := c.b.api.Nodes(ctx, mgmt.NodeProcessors, mgmt.NodeOSPID)
	if err != nil {
		return err
	}
	n, err := pick(nodes, c.cfg.Node)
	if err != nil {
		return err
	}
	c.node, c.rep.Node = n.Name, n.Name
	if err := headroom(n, c.cfg.Connections, *c.cfg.Base); err != nil {
		return err
	}
	if n.Processors.Set {
		c.rep.Processors = int(n.Processors.Value)
	}
	if c.cfg.Cores > 0 {
		c.rep.Processors = c.cfg.Cores
	}
	return c.cpuSource(n)
}

// headroom checks the node can take the ramp, with the base profile's
// per-connection figures as the estimate.
func headroom(n mgmt.Node, conns int, base capacity.Profile) error {
	switch {
	case !n.Running:
		return fmt.Errorf("node %s is not running", n.Name)
	case n.MemAlarm.Value:
		return fmt.Errorf("node %s has a memory alarm: publishers are blocked", n.Name)
	case n.DiskFreeAlarm.Value:
		return fmt.Errorf("node %s has a disk alarm: publishers are blocked", n.Name)
	}
	k := float64(conns)
	if n.FDTotal.Set && n.FDUsed.Set {
		if need := n.FDUsed.Value + k*base.FDsPerConnection; need > n.FDTotal.Value {
			return fmt.Errorf("node %s: %d connections need about %.0f file descriptors, above its limit of %.0f: raise the node's open-file limit or calibrate with fewer connections",
				n.Name, conns, need, n.FDTotal.Value)
		}
	}
	if used, limit, ok := n.Sockets(); ok && used.Set {
		if need := used.Value + k; need > limit.Value {
			return fmt.Errorf("node %s: %d connections need %.0f sockets, above its limit of %.0f: raise the node's open-file limit or calibrate with fewer connections",
				n.Name, conns, need, limit.Value)
		}
	}
	if n.MemLimit.Set && n.MemUsed.Set {
		if need := n.MemUsed.Value + k*base.MemoryPerConnectionBytes; need > n.MemLimit.Value {
			return fmt.Errorf("node %s: %d connections need about %.0f MB, above its memory alarm at %.0f MB: calibrate with fewer connections",
				n.Name, conns, need/1e6, n.MemLimit.Value/1e6)
		}
	}
	return nil
}

// cpuSource decides whose /proc entry gives the broker's CPU time: the
// given PID, or the node's own os_pid when the broker runs on this machine.
func (c *calibration) cpuSource(n mgmt.Node) error {
	if pid := c.cfg.BrokerPID; pid > 0 {
		name, err := c.procName(pid)
		if err != nil {
			return err
		}
		if !isErlangVM(name) {
			return fmt.Errorf("broker PID %d is %q, not the Erlang VM (beam.smp) RabbitMQ runs in", pid, name)
		}
		c.pid, c.rep.CPUSource = pid, fmt.Sprintf("/proc/%d/stat (the broker PID given)", pid)
		return nil
	}
	if !c.b.loopback() {
		c.rep.NoCPUReason = "the broker is not on this machine (the management URL is not a loopback address) and no broker PID was given"
		return nil
	}
	pid, err := strconv.Atoi(n.OSPID)
	if err != nil || pid <= 0 {
		c.rep.NoCPUReason = "the node reports no os_pid and no broker PID was given"
		return nil
	}
	name, err := c.procName(pid)
	if err == nil && isErlangVM(name) {
		_, err = c.procCPU(pid)
	}
	if err != nil || !isErlangVM(name) {
		// e.g. a broker in a container: its PID means something else here.
		c.rep.NoCPUReason = fmt.Sprintf("the node's os_pid %d is not a readable Erlang VM on this machine and no broker PID was given", pid)
		return nil
	}
	c.pid, c.rep.CPUSource = pid, fmt.Sprintf("/proc/%d/stat (the node's os_pid; the broker runs on this machine)", pid)
	return nil
}

// await polls the broker until it counts target calibration connections
// on top of the baseline, for at most cfg.Timeout.
func (c *calibration) await(ctx context.Context, target int) error {
	want := c.rep.Baseline + target
	deadline := c.clock.Now().Add(c.cfg.Timeout)
	for {
		ov, err := c.b.overview(ctx)
		if err != nil {
			return err
		}
		got := int(ov.ObjectTotals.Connections.Value)
		c.rep.After = got
		if got == want {
			return nil
		}
		if !c.clock.Now().Before(deadline) {
			return fmt.Errorf("after %v the broker counts %d connections, want %d (%d before calibrating and %d of ours): is another client connecting or disconnecting?",
				c.cfg.Timeout, got, want, c.rep.Baseline, target)
		}
		if err := c.clock.Sleep(ctx, pollInterval); err != nil {
			return err
		}
	}
}

// measure runs work and returns the broker's CPU-seconds per second over
// it and how many seconds it took.
func (c *calibration) measure(work func() error) (cpu, secs float64, err error) {
	t0 := c.clock.Now()
	c0, err := c.procCPU(c.pid)
	if err != nil {
		return 0, 0, err
	}
	if err := work(); err != nil {
		return 0, 0, err
	}
	c1, err := c.procCPU(c.pid)
	if err != nil {
		return 0, 0, err
	}
	secs = c.clock.Now().Sub(t0).Seconds()
	if secs <= 0 {
		return 0, 0, errors.New("no time passed while measuring CPU")
	}
	return (c1 - c0) / secs, secs, nil
}

// checkCount fails when the simulator holds fewer connections than it
// should: the broker or the network closed some.
func (c *calibration) checkCount(want int) error {
	if got := c.f.Count(); got != want {
		return fmt.Errorf("%d of %d connections are still open: the broker or the network closed the others", got, want)
	}
	return nil
}

// cleanup closes every connection and, unless interrupted, waits for the
// broker to count the baseline again. Problems go into the report and the
// log: the measurements stand, and the sockets are closed in any case.
func (c *calibration) cleanup(ctx context.Context) {
	open := c.f.Count()
	if err := c.f.CloseAll(); err != nil {
		c.rep.CleanupProblems = append(c.rep.CleanupProblems, err.Error())
		c.log.Warn("closing the calibration connections", "err", err)
	}
	if ctx.Err() != nil {
		return // interrupted: leave now rather than wait for the broker's count
	}
	if err := c.await(ctx, 0); err != nil {
		c.rep.CleanupProblems = append(c.rep.CleanupProblems, err.Error())
		c.log.Warn("waiting for the broker to drop the calibration connections", "err", err)
		return
	}
	c.log.Info("closed the calibration connections", "closed", open, "broker_connections", c.rep.After)
}
