package calibrate

import (
	"fmt"
	"math"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is what a calibration measured, step by step, and the fits.
type Report struct {
	RabbitMQVersion, Cluster, Node string
	// Processors is the node's core count (from the management API or
	// Config.Cores); 0 when unknown.
	Processors int
	// CPUSource says where CPU time came from; empty when it was not
	// measured, and NoCPUReason says why.
	CPUSource, NoCPUReason string
	// Baseline is the connections the broker counted before calibrating;
	// After is its count at the last reading (the baseline again once the
	// calibration connections are closed).
	Baseline, After int
	// PayloadBytes is about the size of one simulated message's payload.
	PayloadBytes int

	Connections      []ConnectionStep
	Memory, FDs      Fit
	IdleCPU          *Fit    // nil when CPU was not measured
	AcceptsPerSecond float64 // connections (with their subscription) opened per second of dialling

	Churn   []RateStep
	OpenCPU *Fit // CPU-seconds per second against reconnections per second

	Messages   []RateStep
	MessageCPU *Fit
	Routing    *Routing // nil when the broker keeps no message statistics

	// Unsettled lists the connection steps whose memory had not settled
	// within the timeout (their last reading was used).
	Unsettled []string
	// CleanupProblems lists what went wrong closing the connections.
	CleanupProblems []string
	Took            time.Duration
}

// ConnectionStep is one point of the connection ramp.
type ConnectionStep struct {
	Connections     int
	MemUsed, FDUsed float64 // node mem_used (bytes) and fd_used
	// Opened connections took OpenSeconds to open (dial, connect,
	// subscribe).
	Opened      int
	OpenSeconds float64
	// CPU is the broker's CPU-seconds per second over the idle window.
	CPU float64
}

// RateStep is one rate of the churn or message phase.
type RateStep struct {
	Target, Achieved float64 // per second
	CPU              float64 // broker CPU-seconds per second
}

// Routing is what the broker's message counters did over the message
// phase.
type Routing struct {
	Published, Delivered, Unroutable float64
}

// Text is the report for people: each step's readings and each fit with
// its standard error and R².
func (r Report) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Calibration of RabbitMQ %s, node %s (cluster %s), %s, in %v\n",
		r.RabbitMQVersion, r.Node, r.Cluster, processors(r.Processors), r.Took.Round(time.Second))
	if r.CPUSource != "" {
		fmt.Fprintf(&b, "CPU time from %s\n", r.CPUSource)
	} else {
		fmt.Fprintf(&b, "CPU not measured: %s\n", r.NoCPUReason)
	}
	fmt.Fprintf(&b, "Connections counted before calibrating: %d; at the end: %d\n", r.Baseline, r.After)

	fmt.Fprintf(&b, "\nConnection ramp: MQTT 3.1.1 clients, one QoS 1 subscription (one queue) each\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "connections\tmem_used MB\tfd_used\topened\topen s\tCPU s/s\t\n")
	for _, s := range r.Connections {
		fmt.Fprintf(tw, "%d\t%.1f\t%.0f\t%d\t%.2f\t%s\t\n", s.Connections, s.MemUsed/1e6, s.FDUsed, s.Opened, s.OpenSeconds, cpu(r.IdleCPU != nil, s.CPU))
	}
	tw.Flush()
	fmt.Fprintf(&b, "  memory per connection (bytes): %s; base %s MB\n", fitText(r.Memory), num(r.Memory.Intercept/1e6))
	fmt.Fprintf(&b, "  file descriptors per connection: %s; base %s\n", fitText(r.FDs), num(r.FDs.Intercept))
	if r.IdleCPU != nil {
		fmt.Fprintf(&b, "  idle CPU-seconds per second per connection: %s\n", fitText(*r.IdleCPU))
	}
	fmt.Fprintf(&b, "  accept rate: %s connections/s while dialling, %s per core\n", num(r.AcceptsPerSecond), perCore(r.AcceptsPerSecond, r.Processors))

	if len(r.Churn) > 0 {
		fmt.Fprintf(&b, "\nChurn at %d connections: close and re-open (with subscription)\n", last(r.Connections))
		rateTable(&b, r.Churn)
		fmt.Fprintf(&b, "  CPU-seconds per reconnection: %s\n", fitText(*r.OpenCPU))
	}
	if len(r.Messages) > 0 {
		fmt.Fprintf(&b, "\nMessages from %d connections: QoS 1, payload about %d bytes\n", last(r.Connections), r.PayloadBytes)
		rateTable(&b, r.Messages)
		fmt.Fprintf(&b, "  CPU-seconds per message: %s\n", fitText(*r.MessageCPU))
		if r.Routing != nil {
			fmt.Fprintf(&b, "  broker counters over the phase: %.0f published, %.0f delivered, %.0f unroutable\n",
				r.Routing.Published, r.Routing.Delivered, r.Routing.Unroutable)
		}
	}
	for _, u := range r.Unsettled {
		fmt.Fprintf(&b, "\nNote: %s\n", u)
	}
	for _, p := range r.CleanupProblems {
		fmt.Fprintf(&b, "\nCleanup: %s\n", p)
	}
	return b.String()
}

func rateTable(b *strings.Builder, steps []RateStep) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "target /s\tachieved /s\tCPU s/s\t\n")
	for _, s := range steps {
		fmt.Fprintf(tw, "%s\t%s\t%s\t\n", num(s.Target), num(s.Achieved), num(s.CPU))
	}
	tw.Flush()
}

// fitText shows a slope with its standard error, the R² and the points.
func fitText(f Fit) string {
	return fmt.Sprintf("%s ± %s (standard error), R² %.4f over %d points", num(f.Slope), num(f.SlopeSE), f.RSquared, f.N)
}

// num shows four significant digits, which is all a calibration on a busy
// machine can claim, and large numbers without an exponent.
func num(v float64) string {
	if a := math.Abs(v); a >= 1e4 && a < 1e15 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.4g", v)
}

func cpu(measured bool, v float64) string {
	if !measured {
		return "-"
	}
	return fmt.Sprintf("%.4f", v)
}

func processors(n int) string {
	if n <= 0 {
		return "processors unknown"
	}
	return fmt.Sprintf("%d processors", n)
}

func perCore(rate float64, cores int) string {
	if cores <= 0 {
		return "unknown (processors unknown)"
	}
	return num(rate / float64(cores))
}

func last(steps []ConnectionStep) int {
	if len(steps) == 0 {
		return 0
	}
	return steps[len(steps)-1].Connections
}
