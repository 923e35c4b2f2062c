package devicesim

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"time"
)

// Config describes where devices connect and how they behave. Zero values get the defaults
// noted on each field.
type Config struct {
	MQTTAddr  string // host:port of the MQTT listener
	STOMPAddr string // host:port of the STOMP listener
	AMQPURL   string // amqp://host:port/vhost; credentials in the URL win over Username/Password

	Username, Password string // Username "guest" when empty, and then Password "guest" when empty too

	// ClientPrefix starts every client id: <prefix>-mqtt-<n>, <prefix>-stomp-<n>,
	// <prefix>-amqp-<n>. Letters, digits, '_' and '-' only, because ids become MQTT topic
	// levels and routing-key words. Default: "devicesim-" and 8 random hex digits.
	ClientPrefix string

	PublishInterval    time.Duration // period of Run's telemetry rounds; 0 disables Run
	DialConcurrency    int           // connections being opened at once; default 50
	PublishConcurrency int           // publishes in flight at once within a round; default 50
	DialTimeout        time.Duration // per connection, including protocol handshake; default 15s
	CloseTimeout       time.Duration // per connection clean close; default 10s
	PublishTimeout     time.Duration // per publish (confirm/receipt wait); default 10s
	KeepAlive          time.Duration // MQTT keep-alive, STOMP heart-beat, AMQP heartbeat; default 30s

	// QoS 0 publishes fire-and-forget; 1 waits for the broker: MQTT PUBACK, STOMP RECEIPT,
	// AMQP publisher confirm.
	QoS byte
	// Subscribe makes every device subscribe to its command topic: MQTT commands/<id> at
	// QoS 1, STOMP /exchange/devices/commands.<id>, AMQP an exclusive queue bound to
	// devices with commands.<id>. Each creates one queue per device on the broker.
	Subscribe bool

	// Exchange is where STOMP and AMQP devices publish and bind their command subscriptions;
	// default "devices". MQTT uses the broker's mqtt.exchange setting instead.
	Exchange string
}

var clientPrefixPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// withDefaults validates cfg and fills in defaults.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Username == "" { // RabbitMQ's default user; its password only when none is given
		cfg.Username = "guest"
		if cfg.Password == "" {
			cfg.Password = "guest"
		}
	}
	if cfg.ClientPrefix == "" {
		cfg.ClientPrefix = RandomPrefix("devicesim")
	}
	if !clientPrefixPattern.MatchString(cfg.ClientPrefix) {
		return cfg, fmt.Errorf("client prefix %q: want 1-64 letters, digits, '_' or '-'", cfg.ClientPrefix)
	}
	if cfg.QoS > 1 {
		return cfg, fmt.Errorf("QoS %d: want 0 or 1", cfg.QoS)
	}
	setDefault(&cfg.DialConcurrency, 50)
	setDefault(&cfg.PublishConcurrency, 50)
	setDefault(&cfg.DialTimeout, 15*time.Second)
	setDefault(&cfg.CloseTimeout, 10*time.Second)
	setDefault(&cfg.PublishTimeout, 10*time.Second)
	setDefault(&cfg.KeepAlive, 30*time.Second)
	if cfg.Exchange == "" {
		cfg.Exchange = "devices"
	}
	if cfg.PublishInterval < 0 {
		return cfg, fmt.Errorf("publish interval %v is negative", cfg.PublishInterval)
	}
	for name, addr := range map[string]string{"MQTT address": cfg.MQTTAddr, "STOMP address": cfg.STOMPAddr} {
		if addr == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return cfg, fmt.Errorf("%s %q: %w", name, addr, err)
		}
	}
	if cfg.AMQPURL != "" {
		u, err := url.Parse(cfg.AMQPURL)
		if err != nil || (u.Scheme != "amqp" && u.Scheme != "amqps") {
			return cfg, fmt.Errorf("AMQP URL %q: want amqp://host:port/vhost", redactURL(cfg.AMQPURL))
		}
	}
	return cfg, nil
}

func setDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// address returns where a protocol connects, for error messages too.
func (cfg Config) address(p Protocol) string {
	switch p {
	case MQTT, MQTT5:
		return cfg.MQTTAddr
	case STOMP:
		return cfg.STOMPAddr
	case AMQP, AMQP10:
		return redactURL(cfg.AMQPURL)
	}
	return ""
}

// LogValue keeps the password out of logs.
func (cfg Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("mqtt", cfg.MQTTAddr),
		slog.String("stomp", cfg.STOMPAddr),
		slog.String("amqp", redactURL(cfg.AMQPURL)),
		slog.String("username", cfg.Username),
		slog.String("client_prefix", cfg.ClientPrefix),
		slog.Duration("publish_interval", cfg.PublishInterval),
		slog.Int("qos", int(cfg.QoS)),
		slog.Bool("subscribe", cfg.Subscribe),
	)
}

// redactURL hides a password embedded in a URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparseable URL>"
	}
	return u.Redacted()
}

// RandomPrefix returns base followed by 8 random hex digits, so that concurrent simulators
// (and test runs) never share client ids.
func RandomPrefix(base string) string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return base + "-" + hex.EncodeToString(b[:])
}
