package calibrate

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
)

// handmade is a report as a run on a local 2-core node would give it.
func handmade() Report {
	return Report{
		RabbitMQVersion: "3.10.8", Cluster: "gateway-us", Node: "gateway-us@localhost", Processors: 2,
		CPUSource: "/proc/777/stat (the node's os_pid; the broker runs on this machine)",
		Baseline:  1, After: 1, PayloadBytes: 121,
		Connections: []ConnectionStep{
			{Connections: 0, MemUsed: 141.5e6, FDUsed: 47, CPU: 0.0125},
			{Connections: 100, MemUsed: 183.25e6, FDUsed: 148, Opened: 100, OpenSeconds: 0.31, CPU: 0.0165},
			{Connections: 200, MemUsed: 225.75e6, FDUsed: 249, Opened: 100, OpenSeconds: 0.29, CPU: 0.0195},
		},
		Memory:           Fit{Intercept: 141.4e6, Slope: 421250, InterceptSE: 0.2e6, SlopeSE: 1250, RSquared: 0.99998, N: 3},
		FDs:              Fit{Intercept: 47, Slope: 1.01, InterceptSE: 0, SlopeSE: 0, RSquared: 1, N: 3},
		IdleCPU:          &Fit{Intercept: 0.0126, Slope: 3.5e-5, InterceptSE: 3e-4, SlopeSE: 2.5e-6, RSquared: 0.995, N: 3},
		AcceptsPerSecond: 333.3333,
		Churn: []RateStep{
			{Target: 10, Achieved: 9.75, CPU: 0.08}, {Target: 20, Achieved: 19.5, CPU: 0.14}, {Target: 40, Achieved: 39, CPU: 0.26},
		},
		OpenCPU: &Fit{Intercept: 0.02, Slope: 0.0062, InterceptSE: 0.001, SlopeSE: 1e-4, RSquared: 0.9997, N: 3},
		Messages: []RateStep{
			{Target: 300, Achieved: 300, CPU: 0.05}, {Target: 600, Achieved: 600, CPU: 0.08}, {Target: 1200, Achieved: 1150, CPU: 0.135},
		},
		MessageCPU: &Fit{Intercept: 0.02, Slope: 9.5e-5, InterceptSE: 0.002, SlopeSE: 3e-6, RSquared: 0.999, N: 3},
		Routing:    &Routing{Published: 8200, Delivered: 8200, Unroutable: 0},
		Took:       81400 * time.Millisecond,
	}
}

func TestReportText(t *testing.T) {
	want := `Calibration of RabbitMQ 3.10.8, node gateway-us@localhost (cluster gateway-us), 2 processors, in 1m21s
CPU time from /proc/777/stat (the node's os_pid; the broker runs on this machine)
Connections counted before calibrating: 1; at the end: 1

Connection ramp: MQTT 3.1.1 clients, one QoS 1 subscription (one queue) each
  connections  mem_used MB  fd_used  opened  open s  CPU s/s
            0        141.5       47       0    0.00   0.0125
          100        183.2      148     100    0.31   0.0165
          200        225.8      249     100    0.29   0.0195
  memory per connection (bytes): 421250 ± 1250 (standard error), R² 1.0000 over 3 points; base 141.4 MB
  file descriptors per connection: 1.01 ± 0 (standard error), R² 1.0000 over 3 points; base 47
  idle CPU-seconds per second per connection: 3.5e-05 ± 2.5e-06 (standard error), R² 0.9950 over 3 points
  accept rate: 333.3 connections/s while dialling, 166.7 per core

Churn at 200 connections: close and re-open (with subscription)
  target /s  achieved /s  CPU s/s
         10         9.75     0.08
         20         19.5     0.14
         40           39     0.26
  CPU-seconds per reconnection: 0.0062 ± 0.0001 (standard error), R² 0.9997 over 3 points

Messages from 200 connections: QoS 1, payload about 121 bytes
  target /s  achieved /s  CPU s/s
        300          300     0.05
        600          600     0.08
       1200         1150    0.135
  CPU-seconds per message: 9.5e-05 ± 3e-06 (standard error), R² 0.9990 over 3 points
  broker counters over the phase: 8200 published, 8200 delivered, 0 unroutable
`
	if got := handmade().Text(); got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
}

func TestReportTextWithoutCPU(t *testing.T) {
	r := handmade()
	r.CPUSource, r.NoCPUReason = "", "the node reports no os_pid and no broker PID was given"
	r.IdleCPU, r.Churn, r.OpenCPU, r.Messages, r.MessageCPU, r.Routing = nil, nil, nil, nil, nil, nil
	r.Processors = 0
	r.CleanupProblems = []string{"after 1m0s the broker counts 3 connections, want 1 (1 before calibrating and 0 of ours): is another client connecting or disconnecting?"}
	for i := range r.Connections {
		r.Connections[i].CPU = 0
	}
	want := `Calibration of RabbitMQ 3.10.8, node gateway-us@localhost (cluster gateway-us), processors unknown, in 1m21s
CPU not measured: the node reports no os_pid and no broker PID was given
Connections counted before calibrating: 1; at the end: 1

Connection ramp: MQTT 3.1.1 clients, one QoS 1 subscription (one queue) each
  connections  mem_used MB  fd_used  opened  open s  CPU s/s
            0        141.5       47       0    0.00        -
          100        183.2      148     100    0.31        -
          200        225.8      249     100    0.29        -
  memory per connection (bytes): 421250 ± 1250 (standard error), R² 1.0000 over 3 points; base 141.4 MB
  file descriptors per connection: 1.01 ± 0 (standard error), R² 1.0000 over 3 points; base 47
  accept rate: 333.3 connections/s while dialling, unknown (processors unknown) per core

Cleanup: after 1m0s the broker counts 3 connections, want 1 (1 before calibrating and 0 of ours): is another client connecting or disconnecting?
`
	if got := r.Text(); got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
}

func TestProfileNotes(t *testing.T) {
	f := newFake(t)
	cfg, err := f.config().withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Connections, cfg.Steps, cfg.IdleWindow, cfg.Host = 200, 2, 2*time.Second, "c6i.large, Debian 12"
	base, _ := url.Parse("http://127.0.0.1:15674")
	c := &calibration{deps: f.deps(), cfg: cfg, b: &broker{base: base}, rep: handmade()}
	p, err := c.profile()
	if err != nil {
		t.Fatal(err)
	}
	want := capacity.Profile{
		RabbitMQVersion: "3.10.8",
		MeasuredOn:      "RabbitMQ 3.10.8, node gateway-us@localhost of cluster gateway-us, 2 processors, c6i.large, Debian 12, on 2025-03-14 by `planner calibrate` with up to 200 MQTT 3.1.1 clients each with one QoS 1 subscription",
		MemoryBaseBytes: 141.4e6, MemoryPerConnectionBytes: 421250, FDsPerConnection: 1.01,
		CPUSecondsPerOpen: 0.0062, CPUSecondsPerMessage: 9.5e-5, CPUSecondsPerConnectionIdle: 3.5e-5,
		AcceptsPerSecondPerCore: 333.3333 / 2, BytesPerMessage: 512,
	}
	notes := p.Notes
	p.Notes = nil
	if !reflect.DeepEqual(p, want) {
		t.Errorf("profile\n%+v\nwant\n%+v", p, want)
	}
	wantNotes := []string{
		"memory_base_bytes: intercept of the memory fit, 141.4 MB ± 0.2 MB: the node without calibration clients, with whatever else it holds.",
		"memory_per_connection_bytes: slope of node mem_used over 3 points from 0 to 200 MQTT 3.1.1 clients, each with one QoS 1 subscription (so one queue): 421250 ± 1250 (standard error), R² 1.0000 over 3 points.",
		"fds_per_connection: slope of node fd_used over the same points: 1.01 ± 0 (standard error), R² 1.0000 over 3 points.",
		"accepts_per_second_per_core: 200 connects (each with its subscription) at 333.3/s, dialled 100 at a time by one client, on 2 processors; the client ran on the same machine and took some of its CPU, so this errs low.",
		"cpu_seconds_per_connection_idle: slope of the broker's CPU-seconds per second over 2s idle at each of the same points, from /proc/777/stat (the node's os_pid; the broker runs on this machine): 3.5e-05 ± 2.5e-06 (standard error), R² 0.9950 over 3 points.",
		"cpu_seconds_per_open: slope of CPU-seconds per second against reconnections per second (each closes a client and opens it again with its subscription) at 200 connections, churned at 10, 20, 40 per second for 5s each, from /proc/777/stat (the node's os_pid; the broker runs on this machine): 0.0062 ± 0.0001 (standard error), R² 0.9997 over 3 points.",
		"cpu_seconds_per_message: slope of CPU-seconds per second against QoS 1 messages per second from 200 connections (payload about 121 bytes; the broker delivered 100% of them to consumers and dropped 0% as unroutable), at 50, 100, 200 per second for 5s each, from /proc/777/stat (the node's os_pid; the broker runs on this machine): 9.5e-05 ± 3e-06 (standard error), R² 0.9990 over 3 points.",
		"bytes_per_message: kept from the embedded profile rabbitmq-3.10.8.json (message size is the devices' property, not the broker's; the simulator's payloads are about 121 bytes): not measured; an assumed mean of 512 bytes on the wire for device telemetry.",
	}
	if strings.Join(notes, "\n") != strings.Join(wantNotes, "\n") {
		t.Errorf("notes:\n%s\nwant:\n%s", strings.Join(notes, "\n"), strings.Join(wantNotes, "\n"))
	}
}
