package devicesim

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"time"
)

// device is one open connection of any protocol.
type device interface {
	localAddr() string
	// publish sends one telemetry message; at QoS 1 it waits for the broker's acknowledgement.
	publish(ctx context.Context, payload []byte) error
	// close ends the connection cleanly (protocol-level goodbye) and always releases the
	// socket, even when it returns an error.
	close(ctx context.Context) error
}

// deviceHooks report what happens on a connection after it is established. Both may be
// called from library goroutines and must not block.
type deviceHooks struct {
	lost     func(err error) // the connection ended without close being called
	received func()          // a command message arrived
}

// dialFunc opens one connection for client id.
type dialFunc func(ctx context.Context, cfg Config, id string, hooks deviceHooks) (device, error)

// conn is an open device as the Simulator tracks it.
type conn struct {
	device
	proto  Protocol
	id     string
	opened time.Time
	seq    atomic.Uint64
	gone   bool // lost; guarded by Simulator.mu
}

// Telemetry is the JSON body of every message a device publishes.
type Telemetry struct {
	DeviceID string    `json:"device_id"`
	Protocol string    `json:"protocol"`
	Seq      uint64    `json:"seq"`
	SentAt   time.Time `json:"sent_at"`
}

func (c *conn) nextTelemetry(now time.Time) []byte {
	b, _ := json.Marshal(Telemetry{DeviceID: c.id, Protocol: string(c.proto), Seq: c.seq.Add(1), SentAt: now.UTC()})
	return b // marshalling this struct cannot fail
}

// telemetryKey and commandKey are the routing keys on the devices exchange; MQTT topics map
// onto them by replacing '/' with '.'.
func telemetryKey(id string) string { return "telemetry." + id }
func commandKey(id string) string   { return "commands." + id }
