package canary

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	promconfig "github.com/prometheus/common/config"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
)

// conn is one AMQP connection of a probe with the TCP socket under it, so
// that a teardown the broker does not answer (a node under a resource alarm
// stops reading its sockets) can still be cut within the timeout.
type conn struct {
	*amqp.Connection
	mu  sync.Mutex
	raw net.Conn
}

// dial connects to the first of the cluster's amqp_urls that answers, with
// the cluster's credentials and TLS settings. The URLs carry no credentials
// (config validation), so no error can quote a password.
func dial(cl *config.Cluster, vhost, name string, timeout time.Duration) (*conn, error) {
	password, err := cl.Password()
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, u := range cl.AMQPURLs {
		c := &conn{}
		// A TLS config per dial: amqp091 writes the host into ServerName.
		tlsCfg, err := promconfig.NewTLSConfig(&cl.TLS)
		if err != nil {
			return nil, fmt.Errorf("cluster %s: tls_config: %w", cl.Name, err)
		}
		cfg := amqp.Config{
			SASL:            []amqp.Authentication{&amqp.PlainAuth{Username: cl.Username, Password: password}},
			Vhost:           vhost,
			TLSClientConfig: tlsCfg,
			Heartbeat:       10 * time.Second,
			Properties:      amqp.Table{"connection_name": name},
			Dial: func(network, addr string) (net.Conn, error) {
				raw, err := amqp.DefaultDial(timeout)(network, addr)
				if err == nil {
					c.mu.Lock()
					c.raw = raw
					c.mu.Unlock()
				}
				return raw, err
			},
		}
		c.Connection, err = amqp.DialConfig(u, cfg)
		if err == nil {
			return c, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", u, err))
	}
	return nil, fmt.Errorf("cluster %s: %w", cl.Name, errors.Join(errs...))
}

// abort cuts the socket: pending calls on the connection fail at once.
func (c *conn) abort() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.raw != nil {
		_ = c.raw.Close()
	}
}

// close closes the connection politely if the broker answers by deadline,
// and cuts it otherwise. Either way the broker deletes the exclusive queue.
func (c *conn) close(deadline time.Time) {
	if c == nil || c.Connection == nil {
		return
	}
	if c.CloseDeadline(deadline) != nil {
		c.abort()
	}
}
