package collector

import "strings"

// Protocol is a connection protocol split into a family and a version, so that
// dashboards can sum "mqtt" across 3.1, 3.1.1 and 5.0.
type Protocol struct {
	Family  string // mqtt, web-mqtt, stomp, web-stomp, amqp091, amqp10, direct, or the raw name lowercased
	Version string // dotted, e.g. 3.1.1; empty when unknown
}

// NormalizeProtocol maps the management API's protocol strings ("MQTT 3-1-1",
// "AMQP 0-9-1", "Web MQTT 3-1-1", "STOMP 1.2", "Direct 0-9-1") to a Protocol.
func NormalizeProtocol(raw string) Protocol {
	s := strings.TrimSpace(raw)
	if s == "" {
		return Protocol{Family: "unknown"}
	}
	name, ver := s, ""
	if i := strings.LastIndexByte(s, ' '); i > 0 && startsWithDigit(s[i+1:]) {
		name, ver = s[:i], strings.ReplaceAll(s[i+1:], "-", ".")
	}
	lower := strings.ToLower(name)
	switch lower {
	case "amqp":
		switch {
		case strings.HasPrefix(ver, "0.9"), strings.HasPrefix(ver, "0.8"):
			return Protocol{Family: "amqp091", Version: ver}
		case strings.HasPrefix(ver, "1."):
			return Protocol{Family: "amqp10", Version: ver}
		}
		return Protocol{Family: "amqp", Version: ver}
	case "mqtt", "stomp", "direct":
		return Protocol{Family: lower, Version: ver}
	case "web mqtt":
		return Protocol{Family: "web-mqtt", Version: ver}
	case "web stomp", "stomp over websocket":
		return Protocol{Family: "web-stomp", Version: ver}
	}
	return Protocol{Family: strings.ReplaceAll(lower, " ", "-"), Version: ver}
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }
