package devicesim

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	amqp10 "github.com/Azure/go-amqp"
)

// amqp10Device is one AMQP 1.0 connection (a core protocol since RabbitMQ 4.0, a plugin before)
// on the AMQP listener, through go-amqp, the client RabbitMQ's own AMQP 1.0 Go library is built
// on. It publishes telemetry; commands are not subscribed to, since a 1.0 client can consume only
// from a queue that exists and declaring one takes the 4.x-only management-over-AMQP API.
type amqp10Device struct {
	conn     *amqp10.Conn
	session  *amqp10.Session
	local    string
	addr     string
	exchange string
	key      string

	mu      sync.Mutex // guards sender
	sender  *amqp10.Sender
	closing atomic.Bool // set by close, so the end it causes is not reported as lost
}

func dialAMQP10(ctx context.Context, cfg Config, id string, hooks deviceHooks) (device, error) {
	addr := redactURL(cfg.AMQPURL)
	u, err := url.Parse(cfg.AMQPURL)
	if err != nil {
		return nil, fmt.Errorf("AMQP 1.0 URL %s: %w", addr, err)
	}
	user, pass := cfg.Username, cfg.Password
	if u.User != nil {
		user = u.User.Username()
		pass, _ = u.User.Password()
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "5672")
	}
	vhost := strings.TrimPrefix(u.Path, "/")
	if vhost == "" {
		vhost = "/"
	}
	dialCtx, cancel := context.WithTimeout(ctx, cfg.DialTimeout)
	defer cancel()
	var dialer net.Dialer
	nc, err := dialer.DialContext(dialCtx, "tcp", host)
	if err != nil {
		return nil, fmt.Errorf("AMQP 1.0 connect %s as %s: %w", addr, id, err)
	}
	local := nc.LocalAddr().String()
	conn, err := amqp10.NewConn(dialCtx, nc, &amqp10.ConnOptions{
		ContainerID: id,
		HostName:    "vhost:" + vhost, // RabbitMQ's way of naming the virtual host
		SASLType:    amqp10.SASLTypePlain(user, pass),
		IdleTimeout: cfg.KeepAlive,
	})
	if err != nil {
		return nil, fmt.Errorf("AMQP 1.0 connect %s as %s: %w", addr, id, err) // NewConn closed nc
	}
	session, err := conn.NewSession(dialCtx, nil)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("AMQP 1.0 session for %s on %s: %w", id, addr, err)
	}
	d := &amqp10Device{conn: conn, session: session, local: local, addr: addr,
		exchange: cfg.Exchange, key: telemetryKey(id)}
	go func() {
		<-conn.Done()
		if !d.closing.Load() {
			hooks.lost(conn.Err())
		}
	}()
	return d, nil
}

func (d *amqp10Device) localAddr() string { return d.local }

// publish sends to the exchange through a sender link attached on first use.
func (d *amqp10Device) publish(ctx context.Context, payload []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.sender == nil {
		sender, err := d.session.NewSender(ctx, exchangeAddress(d.conn.Properties(), d.exchange, d.key), nil)
		if err != nil {
			return fmt.Errorf("AMQP 1.0 sender to exchange %q key %q on %s: %w", d.exchange, d.key, d.addr, err)
		}
		d.sender = sender
	}
	if err := d.sender.Send(ctx, amqp10.NewMessage(payload), nil); err != nil {
		return fmt.Errorf("AMQP 1.0 publish to exchange %q key %q on %s: %w", d.exchange, d.key, d.addr, err)
	}
	return nil
}

// exchangeAddress is the target address of an exchange and routing key in the broker's syntax:
// /exchanges/X/key since RabbitMQ 4.0 (the older form is a deprecated feature there), /exchange/X/key
// before. The broker names its version in the properties of its AMQP open frame. A rejected
// attach would end the whole connection, so the address is chosen up front, not by trial.
func exchangeAddress(brokerProps map[string]any, exchange, key string) string {
	if v, _ := brokerProps["version"].(string); v != "" && v < "4" {
		return "/exchange/" + exchange + "/" + key
	}
	return "/exchanges/" + url.PathEscape(exchange) + "/" + url.PathEscape(key)
}

func (d *amqp10Device) close(context.Context) error {
	d.closing.Store(true)
	if err := d.conn.Close(); err != nil { // nil after a clean close handshake
		return fmt.Errorf("AMQP 1.0 close %s: %w", d.addr, err)
	}
	return nil
}
