package devicesim

import (
	"context"
	"errors"
	"fmt"

	"github.com/rabbitfleet/rabbitfleet/internal/stomp"
)

type stompDevice struct {
	conn        *stomp.Conn
	destination string
	qos         byte
}

var jsonContentType = stomp.Header{Name: "content-type", Value: "application/json"}

// dialSTOMP connects one STOMP 1.2 client; with Subscribe it waits for the SUBSCRIBE receipt
// so that the command queue exists when Open returns.
func dialSTOMP(ctx context.Context, cfg Config, id string, hooks deviceHooks) (device, error) {
	c, err := stomp.Dial(ctx, cfg.STOMPAddr, stomp.Options{
		Login:     cfg.Username,
		Passcode:  cfg.Password,
		HeartBeat: cfg.KeepAlive,
		// RabbitMQ ignores unknown CONNECT headers; this one documents who we are in
		// packet captures.
		Headers:   []stomp.Header{{Name: "client-id", Value: id}},
		OnMessage: func(*stomp.Frame) { hooks.received() },
	})
	if err != nil {
		return nil, fmt.Errorf("STOMP connect %s as %s: %w", cfg.STOMPAddr, id, err)
	}
	if cfg.Subscribe {
		dest := "/exchange/" + cfg.Exchange + "/" + commandKey(id)
		if err := c.Subscribe(ctx, "commands", dest); err != nil {
			c.Close()
			return nil, fmt.Errorf("STOMP subscribe %s to %s on %s: %w", id, dest, cfg.STOMPAddr, err)
		}
	}
	go func() {
		<-c.Done()
		if err := c.Err(); !errors.Is(err, stomp.ErrClosed) {
			hooks.lost(err)
		}
	}()
	return &stompDevice{conn: c, destination: "/exchange/" + cfg.Exchange + "/" + telemetryKey(id), qos: cfg.QoS}, nil
}

func (d *stompDevice) localAddr() string { return d.conn.LocalAddr().String() }

func (d *stompDevice) publish(ctx context.Context, payload []byte) error {
	var err error
	if d.qos > 0 {
		err = d.conn.SendWithReceipt(ctx, d.destination, payload, jsonContentType)
	} else {
		err = d.conn.Send(d.destination, payload, jsonContentType)
	}
	if err != nil {
		return fmt.Errorf("STOMP send to %s: %w", d.destination, err)
	}
	return nil
}

func (d *stompDevice) close(ctx context.Context) error {
	return d.conn.Disconnect(ctx)
}
