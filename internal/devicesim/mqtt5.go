package devicesim

import (
	"context"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/eclipse/paho.golang/paho"
)

// mqtt5Device is one MQTT 5.0 client (RabbitMQ 3.13 and later). paho.golang, the Eclipse
// project's MQTT 5 client, takes an already dialled socket and never reconnects on its own,
// so the broker holds exactly the connections the Simulator reports.
type mqtt5Device struct {
	client *paho.Client
	nc     net.Conn
	id     string
	qos    byte

	closing atomic.Bool // set by close, so the end it causes is not reported as lost
}

func dialMQTT5(ctx context.Context, cfg Config, id string, hooks deviceHooks) (device, error) {
	var dialer net.Dialer
	nc, err := dialer.DialContext(ctx, "tcp", cfg.MQTTAddr)
	if err != nil {
		return nil, fmt.Errorf("MQTT 5 connect %s as %s: %w", cfg.MQTTAddr, id, err)
	}
	d := &mqtt5Device{nc: nc, id: id, qos: cfg.QoS}
	lost := func(err error) {
		if !d.closing.Load() {
			hooks.lost(err)
		}
	}
	d.client = paho.NewClient(paho.ClientConfig{
		Conn:          nc,
		PacketTimeout: cfg.PublishTimeout,
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){
			func(paho.PublishReceived) (bool, error) { hooks.received(); return true, nil },
		},
		OnClientError: lost,
		OnServerDisconnect: func(dis *paho.Disconnect) {
			lost(fmt.Errorf("server sent DISCONNECT with reason code 0x%02x", dis.ReasonCode))
		},
	})
	// paho bounds the handshake only by its context: the dial timeout bounds it, as for MQTT 3.1.1.
	connectCtx, cancel := context.WithTimeout(ctx, cfg.DialTimeout)
	defer cancel()
	connect := &paho.Connect{
		ClientID:     id,
		KeepAlive:    uint16(cfg.KeepAlive / time.Second),
		CleanStart:   true,
		Username:     cfg.Username,
		UsernameFlag: cfg.Username != "",
		Password:     []byte(cfg.Password),
		PasswordFlag: cfg.Password != "",
	}
	if ack, err := d.client.Connect(connectCtx, connect); err != nil {
		nc.Close()
		if ack != nil {
			return nil, fmt.Errorf("MQTT 5 connect %s as %s: refused with reason code 0x%02x: %w", cfg.MQTTAddr, id, ack.ReasonCode, err)
		}
		return nil, fmt.Errorf("MQTT 5 connect %s as %s: %w", cfg.MQTTAddr, id, err)
	}
	if cfg.Subscribe {
		topic := "commands/" + id
		sub := &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: topic, QoS: 1}}}
		if _, err := d.client.Subscribe(connectCtx, sub); err != nil { // a SUBACK reason >= 0x80 is an error too
			d.close(context.Background())
			return nil, fmt.Errorf("MQTT 5 subscribe %s to %s on %s: %w", id, topic, cfg.MQTTAddr, err)
		}
	}
	return d, nil
}

func (d *mqtt5Device) localAddr() string { return d.nc.LocalAddr().String() }

func (d *mqtt5Device) publish(ctx context.Context, payload []byte) error {
	topic := "telemetry/" + d.id
	if _, err := d.client.Publish(ctx, &paho.Publish{Topic: topic, QoS: d.qos, Payload: payload}); err != nil {
		return fmt.Errorf("MQTT 5 publish to %s: %w", topic, err)
	}
	return nil
}

// close sends DISCONNECT (reason 0, normal) and closes the socket.
func (d *mqtt5Device) close(context.Context) error {
	d.closing.Store(true)
	err := d.client.Disconnect(&paho.Disconnect{ReasonCode: 0})
	d.nc.Close()
	if err != nil {
		return fmt.Errorf("MQTT 5 disconnect %s: %w", d.id, err)
	}
	return nil
}
