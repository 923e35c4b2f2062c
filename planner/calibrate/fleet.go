package calibrate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/devicesim"
)

// fleet is the simulated devices as a calibration drives them; tests
// replace it.
type fleet interface {
	// Open opens n more connections and returns once all are established.
	Open(ctx context.Context, n int) error
	// Count is how many connections are open.
	Count() int
	// Churn closes and re-opens perSecond connections a second for d and
	// returns how many it re-opened.
	Churn(ctx context.Context, perSecond float64, d time.Duration) (int, error)
	// Publish sends perSecond messages a second, in rounds of one message
	// per connection, for d, and returns how many the broker acknowledged.
	Publish(ctx context.Context, perSecond float64, d time.Duration) (int, error)
	// PayloadBytes is about the size of one message's payload.
	PayloadBytes() int
	// CloseAll closes every connection, whatever happened before.
	CloseAll() error
}

// clock is the time a calibration sees; tests replace it.
type clock interface {
	Now() time.Time
	// Sleep waits d or until ctx is done, then returns ctx's error.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// simFleet is the device simulator's MQTT 3.1.1 clients, each with one QoS 1
// subscription (so one queue on the broker), like the fleet's devices.
type simFleet struct {
	sim *devicesim.Simulator
}

func newSimFleet(cfg Config, password string, log *slog.Logger) (fleet, error) {
	sim, err := devicesim.New(devicesim.Config{
		MQTTAddr:           cfg.MQTTAddr,
		Username:           cfg.Username,
		Password:           password,
		ClientPrefix:       devicesim.RandomPrefix("calibrate"),
		DialConcurrency:    cfg.DialConcurrency,
		PublishConcurrency: cfg.DialConcurrency,
		QoS:                1,
		Subscribe:          true,
	}, log)
	if err != nil {
		return nil, err
	}
	return simFleet{sim: sim}, nil
}

func (f simFleet) Open(ctx context.Context, n int) error {
	return f.sim.Open(ctx, devicesim.MQTT, n)
}

func (f simFleet) Count() int { return f.sim.Count(devicesim.MQTT) }

func (f simFleet) Churn(ctx context.Context, perSecond float64, d time.Duration) (int, error) {
	churnCtx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	res, err := f.sim.Churn(churnCtx, devicesim.MQTT, perSecond)
	switch {
	case err != nil:
		return res.Opened, err
	case ctx.Err() != nil:
		return res.Opened, ctx.Err()
	case res.Failed > 0:
		// The phase measures at a fixed count: a lost connection breaks it.
		return res.Opened, fmt.Errorf("%d of %d re-opens failed", res.Failed, res.Closed)
	}
	return res.Opened, nil
}

func (f simFleet) Publish(ctx context.Context, perSecond float64, d time.Duration) (int, error) {
	n := f.Count()
	if n == 0 {
		return 0, errors.New("no connection to publish from")
	}
	interval := time.Duration(float64(n) / perSecond * float64(time.Second))
	start := time.Now()
	end := start.Add(d)
	sent := 0
	for next := start; next.Before(end); {
		if err := (realClock{}).Sleep(ctx, time.Until(next)); err != nil {
			return sent, err
		}
		k, err := f.sim.Publish(ctx, devicesim.MQTT)
		sent += k
		if err != nil {
			return sent, err
		}
		// A round slower than the interval lowers the rate rather than
		// bursting to catch up: the achieved rate is what gets measured.
		if next = next.Add(interval); time.Now().After(next) {
			next = time.Now()
		}
	}
	// The caller's window is d, so that rounds × connections / d is the rate.
	return sent, (realClock{}).Sleep(ctx, time.Until(end))
}

// PayloadBytes is the size of the simulator's JSON telemetry, which
// carries the client id, a sequence number and a timestamp.
func (f simFleet) PayloadBytes() int {
	b, _ := json.Marshal(devicesim.Telemetry{
		DeviceID: f.sim.ClientPrefix() + "-mqtt-1000", Protocol: string(devicesim.MQTT), Seq: 1000, SentAt: time.Now().UTC(),
	})
	return len(b)
}

func (f simFleet) CloseAll() error { return f.sim.CloseAll() }
