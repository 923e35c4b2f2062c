package devicesim

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

func (p Protocol) valid() bool {
	return p == MQTT || p == STOMP || p == AMQP
}

// String returns the protocol's name as used in client ids.
func (p Protocol) String() string { return string(p) }
