package devicesim

import "slices"

// Protocol is a device protocol family.
type Protocol string

// The protocols a simulated device can speak.
const (
	MQTT   Protocol = "mqtt"   // MQTT 3.1.1
	MQTT5  Protocol = "mqtt5"  // MQTT 5.0, on the MQTT listener (RabbitMQ 3.13 and later)
	STOMP  Protocol = "stomp"  // STOMP 1.2
	AMQP   Protocol = "amqp"   // AMQP 0-9-1
	AMQP10 Protocol = "amqp10" // AMQP 1.0, on the AMQP listener (core since 4.0, a plugin before)
)

// Protocols lists every protocol in a stable order.
func Protocols() []Protocol { return []Protocol{MQTT, MQTT5, STOMP, AMQP, AMQP10} }

func (p Protocol) valid() bool { return slices.Contains(Protocols(), p) }

// String returns the protocol's name as used in client ids.
func (p Protocol) String() string { return string(p) }
