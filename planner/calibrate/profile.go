package calibrate

import (
	"fmt"
	"strings"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
)

// profile turns the report into a capacity profile: measured figures
// where there are any, the base profile's elsewhere, and a note for each
// saying which and how.
func (c *calibration) profile() (capacity.Profile, error) {
	r, base := c.rep, *c.cfg.Base
	p := base
	p.RabbitMQVersion = r.RabbitMQVersion
	p.MeasuredOn = c.measuredOn()
	p.Notes = nil
	note := func(field, format string, args ...any) {
		p.Notes = append(p.Notes, field+": "+fmt.Sprintf(format, args...))
	}
	keep := func(field, why string) {
		n := fmt.Sprintf("kept from %s (%s)", c.cfg.baseName, why)
		if old := baseNote(base, field); old != "" {
			n += ": " + old
		}
		note(field, "%s", n)
	}
	ramp := fmt.Sprintf("%d points from 0 to %d MQTT 3.1.1 clients, each with one QoS 1 subscription (so one queue)", len(r.Connections), last(r.Connections))

	if r.Memory.Intercept > 0 {
		p.MemoryBaseBytes = r.Memory.Intercept
		note("memory_base_bytes", "intercept of the memory fit, %s MB ± %s MB: the node without calibration clients, with whatever else it holds.",
			num(r.Memory.Intercept/1e6), num(r.Memory.InterceptSE/1e6))
	} else {
		p.MemoryBaseBytes = r.Connections[0].MemUsed
		note("memory_base_bytes", "node mem_used before the first client, %s MB (the memory fit's intercept, %s MB, is not positive).",
			num(p.MemoryBaseBytes/1e6), num(r.Memory.Intercept/1e6))
	}
	p.MemoryPerConnectionBytes = r.Memory.Slope
	note("memory_per_connection_bytes", "slope of node mem_used over %s: %s.", ramp, fitText(r.Memory))
	p.FDsPerConnection = r.FDs.Slope
	note("fds_per_connection", "slope of node fd_used over the same points: %s.", fitText(r.FDs))

	switch opened := r.opened(); {
	case opened == 0 || r.AcceptsPerSecond <= 0:
		keep("accepts_per_second_per_core", "no connection opened in measurable time")
	case r.Processors <= 0:
		keep("accepts_per_second_per_core", "the node's processors are unknown: give the core count")
	default:
		p.AcceptsPerSecondPerCore = r.AcceptsPerSecond / float64(r.Processors)
		shared := ""
		if c.b.loopback() {
			shared = "; the client ran on the same machine and took some of its CPU, so this errs low"
		}
		note("accepts_per_second_per_core", "%d connects (each with its subscription) at %s/s, dialled %d at a time by one client, on %d processors%s.",
			opened, num(r.AcceptsPerSecond), c.cfg.DialConcurrency, r.Processors, shared)
	}

	noCPU := "CPU not measured: " + r.NoCPUReason
	cpuFigure := func(field string, f *Fit, v *float64, how string) {
		switch {
		case f == nil:
			keep(field, noCPU)
		case !(f.Slope > 0):
			keep(field, fmt.Sprintf("the fitted slope, %s ± %s, is not positive: too little load to rise above the noise", num(f.Slope), num(f.SlopeSE)))
		default:
			*v = f.Slope
			note(field, "%s, from %s: %s.", how, r.CPUSource, fitText(*f))
		}
	}
	cpuFigure("cpu_seconds_per_connection_idle", r.IdleCPU, &p.CPUSecondsPerConnectionIdle,
		fmt.Sprintf("slope of the broker's CPU-seconds per second over %v idle at each of the same points", c.cfg.IdleWindow))
	cpuFigure("cpu_seconds_per_open", r.OpenCPU, &p.CPUSecondsPerOpen,
		fmt.Sprintf("slope of CPU-seconds per second against reconnections per second (each closes a client and opens it again with its subscription) at %d connections, churned at %s per second for %v each",
			last(r.Connections), formatRates(c.cfg.ChurnRates, ", "), c.cfg.ChurnDuration))
	cpuFigure("cpu_seconds_per_message", r.MessageCPU, &p.CPUSecondsPerMessage,
		fmt.Sprintf("slope of CPU-seconds per second against QoS 1 messages per second from %d connections (payload about %d bytes%s), at %s per second for %v each",
			last(r.Connections), r.PayloadBytes, r.Routing.delivered(), formatRates(c.cfg.MessageRates, ", "), c.cfg.MessageDuration))

	if c.cfg.BytesPerMessage > 0 {
		p.BytesPerMessage = c.cfg.BytesPerMessage
		note("bytes_per_message", "given for the fleet's devices, %s bytes.", num(c.cfg.BytesPerMessage))
	} else {
		keep("bytes_per_message", fmt.Sprintf("message size is the devices' property, not the broker's; the simulator's payloads are about %d bytes", r.PayloadBytes))
	}
	if err := p.Validate(); err != nil {
		return capacity.Profile{}, fmt.Errorf("the measured profile is invalid: %w", err)
	}
	return p, nil
}

// measuredOn says where and when, for the profile's measured_on.
func (c *calibration) measuredOn() string {
	r := c.rep
	host := ""
	if c.cfg.Host != "" {
		host = ", " + c.cfg.Host
	}
	return fmt.Sprintf("RabbitMQ %s, node %s of cluster %s, %s%s, on %s by `planner calibrate` with up to %d MQTT 3.1.1 clients each with one QoS 1 subscription",
		r.RabbitMQVersion, r.Node, r.Cluster, processors(r.Processors), host, c.clock.Now().UTC().Format("2006-01-02"), last(r.Connections))
}

// baseNote is the base profile's note on field, without the field name.
func baseNote(p capacity.Profile, field string) string {
	for _, n := range p.Notes {
		if rest, ok := strings.CutPrefix(n, field+":"); ok {
			return strings.TrimSpace(rest)
		}
	}
	return ""
}

func (r Report) opened() int {
	n := 0
	for _, s := range r.Connections {
		n += s.Opened
	}
	return n
}

// delivered says what became of the messages, from the broker's counters.
func (r *Routing) delivered() string {
	if r == nil || r.Published <= 0 {
		return ""
	}
	return fmt.Sprintf("; the broker delivered %.0f%% of them to consumers and dropped %.0f%% as unroutable",
		100*r.Delivered/r.Published, 100*r.Unroutable/r.Published)
}

func formatRates(rs []float64, sep string) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = num(r)
	}
	return strings.Join(s, sep)
}
