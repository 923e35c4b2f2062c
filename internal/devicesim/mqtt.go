package devicesim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// subackFailure is the MQTT 3.1.1 SUBACK return code for a refused subscription.
const subackFailure = 0x80

type mqttDevice struct {
	client mqtt.Client
	id     string
	qos    byte
	local  string
}

// dialMQTT connects one MQTT 3.1.1 client. Auto-reconnect and connect-retry are off so that
// the number of connections on the broker is exactly what the Simulator reports.
func dialMQTT(ctx context.Context, cfg Config, id string, hooks deviceHooks) (device, error) {
	d := &mqttDevice{id: id, qos: cfg.QoS}
	opts := mqtt.NewClientOptions().
		AddBroker("tcp://" + cfg.MQTTAddr).
		SetClientID(id).
		SetUsername(cfg.Username).
		SetPassword(cfg.Password).
		SetProtocolVersion(4).
		SetCleanSession(true).
		SetAutoReconnect(false).
		SetConnectRetry(false).
		SetResumeSubs(false).
		SetOrderMatters(false).
		SetKeepAlive(cfg.KeepAlive).
		SetConnectTimeout(cfg.DialTimeout).
		SetWriteTimeout(cfg.PublishTimeout).
		SetConnectionLostHandler(func(_ mqtt.Client, err error) { hooks.lost(err) }).
		// Dialling ourselves lets ctx abort the TCP connect and records the local address,
		// which identifies the connection in the management API.
		SetCustomOpenConnectionFn(func(uri *url.URL, _ mqtt.ClientOptions) (net.Conn, error) {
			var dialer net.Dialer
			nc, err := dialer.DialContext(ctx, "tcp", uri.Host)
			if err == nil {
				d.local = nc.LocalAddr().String() // read only after the connect token completes
			}
			return nc, err
		})
	d.client = mqtt.NewClient(opts)

	tok := d.client.Connect()
	if err := waitToken(ctx, tok); err != nil {
		d.abandon(ctx, tok)
		return nil, fmt.Errorf("MQTT connect %s as %s: %w", cfg.MQTTAddr, id, err)
	}
	if cfg.Subscribe {
		topic := "commands/" + id
		onCommand := func(mqtt.Client, mqtt.Message) { hooks.received() }
		sub := d.client.Subscribe(topic, 1, onCommand)
		err := waitToken(ctx, sub)
		if err == nil && sub.(*mqtt.SubscribeToken).Result()[topic] == subackFailure {
			err = errors.New("broker refused the subscription (SUBACK 0x80)") // paho does not flag it
		}
		if err != nil {
			d.client.Disconnect(0)
			return nil, fmt.Errorf("MQTT subscribe %s to %s on %s: %w", id, topic, cfg.MQTTAddr, err)
		}
	}
	return d, nil
}

// abandon makes sure a connect that outlives ctx does not leave a connection behind: paho
// keeps going until its own connect timeout, so disconnect if that attempt succeeds.
func (d *mqttDevice) abandon(ctx context.Context, tok mqtt.Token) {
	if ctx.Err() == nil {
		return // the connect failed on its own: nothing is open
	}
	go func() {
		<-tok.Done()
		if tok.Error() == nil {
			d.client.Disconnect(0)
		}
	}()
}

func (d *mqttDevice) localAddr() string { return d.local }

func (d *mqttDevice) publish(ctx context.Context, payload []byte) error {
	topic := "telemetry/" + d.id
	if err := waitToken(ctx, d.client.Publish(topic, d.qos, false, payload)); err != nil {
		return fmt.Errorf("MQTT publish to %s: %w", topic, err)
	}
	return nil
}

func (d *mqttDevice) close(ctx context.Context) error {
	quiesce := uint(250)
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < 250*time.Millisecond {
		quiesce = 0
	}
	d.client.Disconnect(quiesce) // sends DISCONNECT and closes the socket before returning
	return nil
}

// waitToken waits for a paho token or ctx, returning the token's error.
func waitToken(ctx context.Context, tok mqtt.Token) error {
	select {
	case <-tok.Done():
		return tok.Error()
	case <-ctx.Done():
		return ctx.Err()
	}
}
