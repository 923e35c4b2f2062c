package collector

import (
	"math"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

func TestNormalizeProtocol(t *testing.T) {
	// Strings as the management API reports them: 3.10.8 (recorded in
	// ../../internal/mgmt/testdata) uses dots, other versions dashes.
	cases := map[string]Protocol{
		"AMQP 0-9-1":       {"amqp091", "0.9.1"},
		"AMQP 1-0":         {"amqp10", "1.0"},
		"MQTT 3.1.1":       {"mqtt", "3.1.1"},
		"MQTT 3-1-1":       {"mqtt", "3.1.1"},
		"MQTT 3-1":         {"mqtt", "3.1"},
		"MQTT 5-0":         {"mqtt", "5.0"},
		"Web MQTT 3-1-1":   {"web-mqtt", "3.1.1"},
		"STOMP 1.2":        {"stomp", "1.2"},
		"STOMP 1-0":        {"stomp", "1.0"},
		"Web STOMP 1.2":    {"web-stomp", "1.2"},
		"Direct 0-9-1":     {"direct", "0.9.1"},
		"":                 {"unknown", ""},
		"Stream":           {"stream", ""},
		"Some New Proto 2": {"some-new-proto", "2"},
	}
	for raw, want := range cases {
		if got := NormalizeProtocol(raw); got != want {
			t.Errorf("NormalizeProtocol(%q) = %+v, want %+v", raw, got, want)
		}
	}
}

func TestUpstreamQueueName(t *testing.T) {
	cases := []struct {
		upX, upV, downCluster, downX, downV, want string
	}{
		// Seen on the testbed's backend for gateway-eu's link.
		{"devices", "/", "gateway-eu", "devices", "/", "federation: devices -> gateway-eu"},
		{"devices", "/", "gw", "local-devices", "/", "federation: devices -> gw:local-devices"},
		{"devices", "/", "gw", "devices", "iot", "federation: devices -> gw:iot:devices"},
	}
	for _, c := range cases {
		if got := upstreamQueueName(c.upX, c.upV, c.downCluster, c.downX, c.downV); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

func TestDrainSeconds(t *testing.T) {
	if drainSeconds(0, 0) != 0 || drainSeconds(1000, 250) != 4 || !math.IsInf(drainSeconds(10, 0), 1) {
		t.Error("drainSeconds: want 0 when empty, backlog/rate, +Inf when nothing drains")
	}
}

func TestLinkErrorReason(t *testing.T) {
	cases := map[string]string{
		"econnrefused": "connection_refused",
		"{auth_failure,\"ACCESS_REFUSED - Login was refused\"}": "auth_failure",
		"{error,timeout}": "timeout",
		"{shutdown,{server_initiated_close,404,<<\"NOT_FOUND - no exchange 'x'\">>}}": "not_found",
		"{tls_alert,\"bad certificate\"}":                                             "tls",
		"something else":                                                              "other",
	}
	for text, want := range cases {
		if got := linkErrorReason(text); got != want {
			t.Errorf("linkErrorReason(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestTopNKeepsTheDeepestWithStableTies(t *testing.T) {
	h := &queueHeap{}
	depths := map[string]float64{"a": 5, "b": 50, "c": 7, "d": 50, "e": 1, "f": 7, "g": 0}
	for _, name := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		h.offer(mgmt.Queue{Name: name, Vhost: "/", Messages: mgmt.Number{Value: depths[name], Set: true}}, 3)
	}
	got := map[string]bool{}
	for _, q := range *h {
		got[q.Name] = true
	}
	// b and d (50) then c and f tie at 7: the name-first one, c, is kept.
	if len(got) != 3 || !got["b"] || !got["d"] || !got["c"] {
		t.Errorf("top 3 = %v, want b, d, c", got)
	}
}

func TestVhostOfURI(t *testing.T) {
	cases := map[string]string{"amqp://127.0.0.1:5673": "/", "amqp://h/": "/", "amqp://h/iot": "iot", "amqps://h:5671/%2Fweird": "/weird"}
	for uri, want := range cases {
		if got := vhostOfURI(uri); got != want {
			t.Errorf("vhostOfURI(%q) = %q, want %q", uri, got, want)
		}
	}
}
