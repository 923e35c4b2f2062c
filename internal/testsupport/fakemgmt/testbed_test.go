package fakemgmt

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/testbed"
)

// The generator must answer like the real management API. These tests ask
// the testbed (scripts/testbed; RABBITFLEET_TESTBED=1) and a synthetic
// cluster the same requests and compare the objects' keys: as sets for full
// objects (a real queue has message_stats only once it has seen traffic),
// and in order for columns= answers. Only objects of a kind the generator
// makes are compared (the testbed's federation links add AMQP connections;
// MQTT and STOMP ones exist while other tests run clients).

var testbedBackend, testbedGateway = testbed.Backend.ManagementURL(), testbed.GatewayEU.ManagementURL()

func requireTestbed(t *testing.T) {
	t.Helper()
	testbed.Require(t)
	if status, body := realGet(t, testbedGateway, "/api/overview?columns=cluster_name", "guest"); status != http.StatusOK {
		t.Fatalf("RABBITFLEET_TESTBED=1 but gateway-eu's management API answers HTTP %d %s", status, body)
	}
}

func realGet(t *testing.T, base, path, password string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("guest", password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("testbed %s%s: %v", base, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// kindOf says which generator object a real one corresponds to ("" for none).
func kindOf(t *testing.T, endpoint string, raw []byte) string {
	var o struct{ Protocol string }
	json.Unmarshal(raw, &o)
	switch endpoint {
	case "/api/connections":
		if slices.Contains(protocolNames[:], o.Protocol) {
			return o.Protocol
		}
		return "" // e.g. Direct 0-9-1: federation's own connection
	case "/api/queues":
		return "queue"
	}
	return endpoint
}

func keySet(t *testing.T, raw []byte, ignore ...string) string {
	keys := orderedKeys(t, raw)
	keys = slices.DeleteFunc(keys, func(k string) bool { return slices.Contains(ignore, k) })
	slices.Sort(keys)
	return strings.Join(slices.Compact(keys), ",")
}

func TestTestbedFullObjectsHaveTheRealKeys(t *testing.T) {
	requireTestbed(t)
	_, srv := testCluster(t, Config{Connections: 200, Queues: 20, Upstreams: []string{"backend"}, Downstreams: []string{"backend"}})
	// The templates are RabbitMQ 3.10.8's (testdata/README.md); in the
	// mixed-version testbed gateway-eu runs it. Its connections include the
	// backend link's AMQP 0-9-1 one, and it is the downstream of a link too.
	if _, ov := realGet(t, testbedGateway, "/api/overview?columns=rabbitmq_version", "guest"); !strings.Contains(ov, `"rabbitmq_version":"3.10.8"`) {
		t.Fatalf("gateway-eu answers %s: the generator reproduces RabbitMQ 3.10.8, run this against a 3.10.8 gateway-eu", ov)
	}
	for _, tc := range []struct {
		base, path string
		ignore     []string // present or not depending on traffic
	}{
		{testbedGateway, "/api/overview", nil},
		{testbedGateway, "/api/nodes", nil},
		{testbedGateway, "/api/connections", nil},
		// message_stats once a queue has seen traffic, idle_since while it is idle.
		{testbedGateway, "/api/queues", []string{"message_stats", "idle_since"}},
		{testbedGateway, "/api/queues/%2F/federation%3A%20devices%20-%3E%20backend", []string{"message_stats", "idle_since"}},
		{testbedGateway, "/api/vhosts", []string{"message_stats"}},
		{testbedGateway, "/api/federation-links", nil},
		{testbedGateway, "/api/queues?disable_stats=true&enable_queue_totals=true", nil},
		{testbedGateway, "/api/queues?disable_stats=true", nil},
	} {
		status, real := realGet(t, tc.base, tc.path, "guest")
		if status != http.StatusOK {
			t.Fatalf("testbed %s: HTTP %d %s", tc.path, status, real)
		}
		_, synth, _ := get(t, srv, tc.path, "guest")
		endpoint, _, _ := strings.Cut(tc.path, "?")
		want := map[string]string{}
		for _, it := range asList(t, synth) {
			if k := kindOf(t, endpoint, it); k != "" {
				want[k] = keySet(t, it, tc.ignore...)
			}
		}
		compared := 0
		for _, it := range asList(t, real) {
			k := kindOf(t, endpoint, it)
			w, ok := want[k]
			if !ok {
				continue
			}
			compared++
			if got := keySet(t, it, tc.ignore...); got != w {
				t.Errorf("%s%s, %s: real keys\n  %s\nsynthetic keys\n  %s", tc.base, tc.path, k, got, w)
			}
		}
		if compared == 0 {
			t.Errorf("%s%s: no real object of a kind the generator makes", tc.base, tc.path)
		}
	}
}

func asList(t *testing.T, body string) []json.RawMessage {
	if strings.HasPrefix(body, "{") {
		return []json.RawMessage{json.RawMessage(body)}
	}
	return items(t, body)
}

// The exporter's own requests, and the quirks of columns= and paging: the
// keys of every answer, in order, must be the real ones.
func TestTestbedColumnsAnswersHaveTheRealKeys(t *testing.T) {
	requireTestbed(t)
	_, srv := testCluster(t, Config{Connections: 200, Queues: 20, Upstreams: []string{"backend"}, Downstreams: []string{"backend"}})
	for _, tc := range []struct{ base, path string }{
		{testbedGateway, "/api/overview?columns=cluster_name,rabbitmq_version,erlang_version,management_version,node,object_totals,queue_totals,message_stats"},
		{testbedGateway, "/api/nodes?columns=name,running,mem_used,mem_limit,mem_alarm,disk_free,disk_free_limit,disk_free_alarm,fd_used,fd_total,sockets_used,sockets_total,proc_used,proc_total,run_queue,uptime,partitions,connection_created,connection_closed,channel_created,channel_closed,queue_declared,queue_created,queue_deleted"},
		{testbedGateway, "/api/connections?columns=node,vhost,protocol,state"},
		{testbedGateway, "/api/vhosts?columns=name,messages,messages_ready,messages_unacknowledged"},
		{testbedGateway, "/api/queues?columns=name,vhost,messages,messages_ready,messages_unacknowledged,consumers,state&sort="},
		{testbedBackend, "/api/federation-links?columns=node,vhost,type,upstream,id,status,error,uri,exchange,upstream_exchange,queue,upstream_queue"},
		{testbedGateway, "/api/shovels?columns=name,vhost,type,state,node"},
		{testbedGateway, "/api/overview?columns=object_totals.queues,cluster_name,queue_totals.nosuch"},
		{testbedGateway, "/api/nodes?columns=name.x,running,mem_used_details.nosuch"},
		{testbedBackend, "/api/federation-links?columns=upstream,local_channel.name,local_channel.nosuch"},
		{testbedGateway, "/api/queues?columns=name,nosuch&page=1&page_size=1"},
		{testbedGateway, "/api/connections?columns=node&page=1&page_size=1"},
	} {
		status, real := realGet(t, tc.base, tc.path, "guest")
		if status != http.StatusOK {
			t.Fatalf("testbed %s: HTTP %d %s", tc.path, status, real)
		}
		_, synth, _ := get(t, srv, tc.path, "guest")
		if strings.Contains(tc.path, "page=") {
			if r, s := strings.Join(orderedKeys(t, []byte(real)), ","), strings.Join(orderedKeys(t, []byte(synth)), ","); r != s {
				t.Errorf("%s: envelope keys real %s, synthetic %s", tc.path, r, s)
			}
		}
		endpoint, _, _ := strings.Cut(tc.path, "?")
		want := map[string]string{}
		for _, it := range asList(t, synth) {
			want[kindOf(t, endpoint, it)] = strings.Join(orderedKeys(t, it), ",")
		}
		for _, it := range asList(t, real) {
			k := kindOf(t, endpoint, it)
			if endpoint == "/api/connections" {
				k = ProtocolMQTT // keys without protocol; network connections answer alike
				var c struct{ State *string }
				if json.Unmarshal(it, &c); c.State == nil {
					continue // a direct connection (federation's own) has no state
				}
			}
			if got := strings.Join(orderedKeys(t, it), ","); want[k] != got {
				t.Errorf("%s%s: real keys %s, synthetic %s", tc.base, tc.path, got, want[k])
			}
		}
	}
	// Errors: the same status and body.
	for _, path := range []string{"/api/nosuch", "/api/queues/%2F/nosuch", "/api/queues?page=0&page_size=1", "/api/queues?page=1&page_size=501", "/api/queues?page=x"} {
		rs, rb := realGet(t, testbedGateway, path, "guest")
		ss, sb, _ := get(t, srv, path, "guest")
		if rs != ss || rb != sb {
			t.Errorf("%s: real HTTP %d %s, synthetic HTTP %d %s", path, rs, rb, ss, sb)
		}
	}
	rs, rb := realGet(t, testbedGateway, "/api/overview", "not-the-password")
	ss, sb, _ := get(t, srv, "/api/overview", "not-the-password")
	if rs != ss || rb != sb {
		t.Errorf("wrong password: real HTTP %d %s, synthetic HTTP %d %s", rs, rb, ss, sb)
	}
}
