package devicesim

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

type amqpDevice struct {
	conn     *amqp.Connection
	exchange string
	key      string
	confirm  bool
	addr     string

	mu sync.Mutex // serialises publishes so confirms match their messages
	ch *amqp.Channel
}

// dialAMQP opens one AMQP 0-9-1 connection named after the client id (the management API shows
// it as user_provided_name) with one channel for publishing.
func dialAMQP(ctx context.Context, cfg Config, id string, hooks deviceHooks) (device, error) {
	addr := redactURL(cfg.AMQPURL)
	conn, err := openAMQP(ctx, cfg, id)
	if err != nil {
		return nil, fmt.Errorf("AMQP connect %s as %s: %w", addr, id, err)
	}
	d := &amqpDevice{conn: conn, exchange: cfg.Exchange, key: telemetryKey(id), confirm: cfg.QoS > 0, addr: addr}
	if err := d.setUp(cfg, id, hooks); err != nil {
		conn.Close()
		return nil, fmt.Errorf("AMQP set up %s on %s: %w", id, addr, err)
	}
	closed := conn.NotifyClose(make(chan *amqp.Error, 1))
	go func() {
		if err, ok := <-closed; ok && err != nil {
			hooks.lost(err) // a clean Close closes the channel without an error
		}
	}()
	return d, nil
}

func openAMQP(ctx context.Context, cfg Config, id string) (*amqp.Connection, error) {
	props := amqp.NewConnectionProperties()
	props.SetClientConnectionName(id)
	props["product"] = "rabbitfleet-devicesim"
	stop := func() bool { return true }
	config := amqp.Config{
		Heartbeat:  cfg.KeepAlive,
		Properties: props,
		Dial: func(network, addr string) (net.Conn, error) {
			var dialer net.Dialer
			nc, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			// Bounds the AMQP handshake; amqp091 clears the deadline once the connection is
			// open. Cancelling ctx expires it at once.
			deadline, ok := ctx.Deadline()
			if !ok {
				deadline = time.Now().Add(cfg.DialTimeout)
			}
			stop = context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
			return nc, nc.SetDeadline(deadline)
		},
	}
	if u, err := url.Parse(cfg.AMQPURL); err == nil && u.User == nil {
		config.SASL = []amqp.Authentication{&amqp.PlainAuth{Username: cfg.Username, Password: cfg.Password}}
	}
	conn, err := amqp.DialConfig(cfg.AMQPURL, config)
	if !stop() && err == nil {
		conn.Close() // ctx ended after the handshake: its socket deadline is already expired
		return nil, ctx.Err()
	}
	return conn, err
}

func (d *amqpDevice) setUp(cfg Config, id string, hooks deviceHooks) error {
	if err := d.openChannel(); err != nil {
		return err
	}
	if !cfg.Subscribe {
		return nil
	}
	// A separate channel, so a failed publish (which closes its channel) does not cancel the
	// consumer.
	sub, err := d.conn.Channel()
	if err != nil {
		return fmt.Errorf("open subscribe channel: %w", err)
	}
	q, err := sub.QueueDeclare("", false, true, true, false, nil)
	if err != nil {
		return fmt.Errorf("declare command queue: %w", err)
	}
	if err := sub.QueueBind(q.Name, commandKey(id), cfg.Exchange, false, nil); err != nil {
		return fmt.Errorf("bind command queue to exchange %q: %w", cfg.Exchange, err)
	}
	deliveries, err := sub.Consume(q.Name, "", true, true, false, false, nil)
	if err != nil {
		return fmt.Errorf("consume command queue: %w", err)
	}
	go func() {
		for range deliveries {
			hooks.received()
		}
	}()
	return nil
}

func (d *amqpDevice) openChannel() error {
	ch, err := d.conn.Channel()
	if err != nil {
		return fmt.Errorf("open channel: %w", err)
	}
	if d.confirm {
		if err := ch.Confirm(false); err != nil {
			return fmt.Errorf("enable publisher confirms: %w", err)
		}
	}
	d.ch = ch
	return nil
}

func (d *amqpDevice) localAddr() string { return d.conn.LocalAddr().String() }

func (d *amqpDevice) publish(ctx context.Context, payload []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ch.IsClosed() { // the broker closed it after an earlier failure; try a fresh one
		if err := d.openChannel(); err != nil {
			return fmt.Errorf("AMQP publish to %s: %w", d.addr, err)
		}
	}
	msg := amqp.Publishing{ContentType: "application/json", Timestamp: time.Now(), Body: payload}
	confirmation, err := d.ch.PublishWithDeferredConfirmWithContext(ctx, d.exchange, d.key, false, false, msg)
	if err != nil {
		return fmt.Errorf("AMQP publish to exchange %q key %q on %s: %w", d.exchange, d.key, d.addr, err)
	}
	if confirmation == nil { // not in confirm mode
		return nil
	}
	acked, err := confirmation.WaitContext(ctx)
	if err != nil {
		return fmt.Errorf("AMQP confirm for exchange %q key %q on %s: %w", d.exchange, d.key, d.addr, err)
	}
	if !acked {
		return fmt.Errorf("AMQP publish to exchange %q key %q on %s: broker nacked it", d.exchange, d.key, d.addr)
	}
	return nil
}

func (d *amqpDevice) close(ctx context.Context) error {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(10 * time.Second)
	}
	if err := d.conn.CloseDeadline(deadline); err != nil && err != amqp.ErrClosed {
		return fmt.Errorf("AMQP close %s: %w", d.addr, err)
	}
	return nil
}
