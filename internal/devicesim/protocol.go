package devicesim

import (
	"fmt"
	"strings"
)

// Protocol is a device protocol family.
type Protocol string

// The protocols a simulated device can speak.
const (
	MQTT  Protocol = "mqtt"  // MQTT 3.1.1
	STOMP Protocol = "stomp" // STOMP 1.2
	AMQP  Protocol = "amqp"  // AMQP 0-9-1
)

// Protocols lists every protocol in a stable order.
func Protocols() []Protocol { return []Protocol{MQTT, STOMP, AMQP} }

// ParseProtocol accepts "mqtt", "stomp" or "amqp" in any case.
func ParseProtocol(s string) (Protocol, error) {
	p := Protocol(strings.ToLower(strings.TrimSpace(s)))
	if !p.valid() {
		return "", fmt.Errorf("unknown protocol %q (want mqtt, stomp or amqp)", s)
	}
	return p, nil
}

func (p Protocol) valid() bool {
	return p == MQTT || p == STOMP || p == AMQP
}

// String returns the protocol's name as used in client ids.
func (p Protocol) String() string { return string(p) }
