package mgmt

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	promconfig "github.com/prometheus/common/config"
	yaml "go.yaml.in/yaml/v2"
)

// recorded serves the payloads recorded from the real testbed (testdata/).
func recorded(t *testing.T) *httptest.Server {
	t.Helper()
	files := map[string]string{
		"/api/overview":         "overview.json",
		"/api/nodes":            "nodes.json",
		"/api/connections":      "connections.json",
		"/api/queues":           "queues.json",
		"/api/vhosts":           "vhosts.json",
		"/api/federation-links": "federation-links.json",
		"/api/shovels":          "shovels.json",
		objectPath("/api/queues", "/", "federation: devices -> gateway-eu"): "federation-queue.json",
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "monitor" || p != "s3cret" {
			http.Error(w, `{"error":"not_authorised","reason":"Login failed"}`, http.StatusUnauthorized)
			return
		}
		// Compressing is work for the broker: the client must not ask for it.
		if enc := r.Header.Get("Accept-Encoding"); enc != "" {
			t.Errorf("%s asked for Accept-Encoding %q", r.URL.Path, enc)
		}
		name, ok := files[r.URL.EscapedPath()]
		if !ok {
			http.Error(w, `{"error":"Object Not Found","reason":"Not Found"}`, http.StatusNotFound)
			return
		}
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Error(err)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(data)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func testClient(t *testing.T, urls ...string) *Client {
	t.Helper()
	t.Setenv("TEST_MGMT_PASSWORD", "s3cret")
	c, err := New(Options{Cluster: "gw", URLs: urls, Username: "monitor", Password: fromEnv("TEST_MGMT_PASSWORD"),
		Timeout: 2 * time.Second, MaxResponseBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestRecordedConnectionsStreamEveryItem(t *testing.T) {
	c := testClient(t, recorded(t).URL)
	byProtocol := map[string]int{}
	err := c.EachConnection(context.Background(), func(conn *Connection) {
		byProtocol[conn.Protocol+"/"+conn.State]++
	})
	if err != nil {
		t.Fatal(err)
	}
	// testdata/connections.json: 3 MQTT and 2 STOMP clients, the backend's
	// federation link (AMQP) and the gateway's own federation link (Direct, no state).
	want := map[string]int{"MQTT 3.1.1/running": 3, "STOMP 1.2/running": 2, "AMQP 0-9-1/running": 1, "Direct 0-9-1/": 1}
	if fmt.Sprint(byProtocol) != fmt.Sprint(want) {
		t.Errorf("connections by protocol = %v, want %v", byProtocol, want)
	}
}

func TestRecordedNodesDecodeResourcesAndChurn(t *testing.T) {
	c := testClient(t, recorded(t).URL)
	nodes, err := c.Nodes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) != 1 {
		t.Fatalf("got %d nodes, want 1", len(nodes))
	}
	n := nodes[0]
	checks := []struct {
		name string
		got  Number
		want float64
	}{
		{"fd_total", n.FDTotal, 20000}, {"fd_used", n.FDUsed, 47}, {"sockets_total", n.SocketsTotal, 17910},
		{"mem_limit", n.MemLimit, 10110605721}, {"uptime", n.UptimeMillis, 278622},
		{"connection_created", n.ConnectionCreated, 5}, {"connection_closed", n.ConnectionClosed, 3},
		{"channel_created", n.ChannelCreated, 9}, {"queue_declared", n.QueueDeclared, 1},
	}
	for _, c := range checks {
		if !c.got.Set || c.got.Value != c.want {
			t.Errorf("%s = %+v, want %v", c.name, c.got, c.want)
		}
	}
	if n.Name != "gateway-eu@localhost" || !n.Running || n.MemAlarm.Value || n.DiskFreeAlarm.Value {
		t.Errorf("node identity/alarms wrong: %+v", n)
	}
}

func TestRecordedOverviewFederationAndQueue(t *testing.T) {
	c := testClient(t, recorded(t).URL)
	ctx := context.Background()
	o, err := c.Overview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if o.ClusterName != "gateway-eu" || o.RabbitMQVersion != "3.10.8" || o.ErlangVersion == "" {
		t.Errorf("overview = %+v", o)
	}
	links, err := c.FederationLinks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 2 || links[0].Upstream != "gateway-eu" || links[0].Status != "running" ||
		links[1].Status != "error" || links[1].Error != "econnrefused" || links[1].URI != "amqp://127.0.0.1:5674" {
		t.Errorf("links = %+v", links)
	}
	q, err := c.Queue(ctx, "/", "federation: devices -> gateway-eu")
	if err != nil {
		t.Fatal(err)
	}
	if q.Name != "federation: devices -> gateway-eu" || q.Consumers.Value != 1 || !q.Messages.Set {
		t.Errorf("queue = %+v", q)
	}
	if _, err := c.Queue(ctx, "/", "no such queue"); !IsNotFound(err) {
		t.Errorf("missing queue: err = %v, want not_found", err)
	}
	shovels, err := c.Shovels(ctx)
	if err != nil || len(shovels) != 0 {
		t.Errorf("shovels = %v, %v; want none", shovels, err)
	}
}

func TestPagedListFormIsAccepted(t *testing.T) {
	data, err := os.ReadFile("testdata/queues-paged.json")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	err = eachItem(strings.NewReader(string(data)), func(d *json.Decoder) error {
		var q Queue
		if err := d.Decode(&q); err != nil {
			return err
		}
		names = append(names, q.Name)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "[mqtt-subscription-rec-mqtt-3qos1 mqtt-subscription-rec-mqtt-1qos1]"; fmt.Sprint(names) != want {
		t.Errorf("names = %v, want %s", names, want)
	}
}

func TestNumberAcceptsWhatRabbitMQSends(t *testing.T) {
	var v struct{ A, B, C, D Number }
	if err := jsonUnmarshal([]byte(`{"A":12.5,"B":"unknown","C":null}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != (Number{12.5, true}) || v.B.Set || v.C.Set || v.D.Set {
		t.Errorf("got %+v", v)
	}
}

// faultServer answers every request with handler.
func faultServer(t *testing.T, handler http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestBadAnswersGiveClassifiedErrors(t *testing.T) {
	big := "[" + strings.Repeat(`{"node":"n","vhost":"/","protocol":"MQTT 3.1.1","state":"running"},`, 20000) + `{}]`
	cases := []struct {
		name    string
		handler http.HandlerFunc
		kind    ErrorKind
		mention string
	}{
		{"unauthorised", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, `{"error":"not_authorised","reason":"Login failed"}`, http.StatusUnauthorized)
		}, KindAuth, "HTTP 401"},
		{"server error", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, `{"error":"Internal Server Error","reason":"boom"}`, 500)
		}, KindHTTP, "boom"},
		{"malformed JSON", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, `[{"node":"n",}]`)
		}, KindDecode, "list item 0"},
		{"truncated JSON", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, `[{"node":"n","vhost":"/"},{"node":"n","vh`)
		}, KindDecode, "truncated"},
		{"not a list", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, `"hello"`)
		}, KindDecode, "expected a JSON list"},
		{"oversized body", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, big)
		}, KindTooLarge, "max_response_bytes (1048576)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := testClient(t, faultServer(t, tc.handler))
			err := c.EachConnection(context.Background(), func(*Connection) {})
			if KindOf(err) != tc.kind {
				t.Fatalf("kind = %s (err %v), want %s", KindOf(err), err, tc.kind)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.mention) || !strings.Contains(msg, "cluster gw") || !strings.Contains(msg, "/api/connections") {
				t.Errorf("error %q should name cluster, endpoint and %q", msg, tc.mention)
			}
			if strings.Contains(msg, "s3cret") {
				t.Errorf("error leaks the password: %q", msg)
			}
		})
	}
}

func TestHangingAPIIsCutByTheDeadline(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	url := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	c := testClient(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := c.Overview(ctx)
	if KindOf(err) != KindTimeout {
		t.Fatalf("kind = %s (%v), want timeout", KindOf(err), err)
	}
}

func TestFailoverToTheNextNodeAndRememberIt(t *testing.T) {
	var hitsGood atomic.Int32
	good := recorded(t)
	counting := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
		hitsGood.Add(1)
		good.Config.Handler.ServeHTTP(w, r)
	})
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close() // nothing listens there any more: connection refused
	c := testClient(t, deadURL, counting)
	for i := 0; i < 3; i++ {
		o, err := c.Overview(context.Background())
		if err != nil || o.ClusterName != "gateway-eu" {
			t.Fatalf("overview via second node: %v, %v", o, err)
		}
	}
	if c.preferred.Load() != 1 || hitsGood.Load() != 3 {
		t.Errorf("preferred=%d hits=%d: the live node should be remembered", c.preferred.Load(), hitsGood.Load())
	}
}

func TestAuthFailureDoesNotTryOtherNodes(t *testing.T) {
	var second atomic.Int32
	first := faultServer(t, func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no", http.StatusUnauthorized) })
	other := faultServer(t, func(w http.ResponseWriter, _ *http.Request) { second.Add(1) })
	c := testClient(t, first, other)
	_, err := c.Overview(context.Background())
	if KindOf(err) != KindAuth || second.Load() != 0 {
		t.Errorf("err=%v second-node hits=%d: a 401 is the same on every node", err, second.Load())
	}
}

func TestMissingPasswordIsAConfigError(t *testing.T) {
	c, err := New(Options{Cluster: "gw", URLs: []string{"http://127.0.0.1:1"},
		Password: fromEnv("RABBITFLEET_TEST_UNSET_VAR"), Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Overview(context.Background())
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindConfig || !strings.Contains(err.Error(), "RABBITFLEET_TEST_UNSET_VAR") {
		t.Errorf("err = %v", err)
	}
}

// fromEnv is a password source like the exporter's password_env.
func fromEnv(name string) func() (string, error) {
	return func() (string, error) {
		v, ok := os.LookupEnv(name)
		if !ok {
			return "", fmt.Errorf("environment variable %s is not set", name)
		}
		return v, nil
	}
}

// tlsFromYAML builds the TLS configuration that a tls_config block of the
// exporter's YAML gives, as the exporter builds it.
func tlsFromYAML(t *testing.T, block string) *tls.Config {
	t.Helper()
	var cfg promconfig.TLSConfig
	if err := yaml.UnmarshalStrict([]byte(block), &cfg); err != nil {
		t.Fatal(err)
	}
	tlsCfg, err := promconfig.NewTLSConfig(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tlsCfg
}

// TestNodesExtraColumns: extra columns are asked for only when wanted, and a
// figure the node leaves out stays unset rather than becoming zero.
func TestNodesExtraColumns(t *testing.T) {
	var asked []string
	srv := faultServer(t, func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.URL.Query().Get("columns"))
		w.Write([]byte(`[{"name":"rabbit@a","processors":4,"os_pid":"4242"},{"name":"rabbit@b"}]`))
	})
	c := testClient(t, srv)
	nodes, err := c.Nodes(context.Background(), NodeProcessors, NodeOSPID)
	if err != nil {
		t.Fatal(err)
	}
	if a := nodes[0]; !a.Processors.Set || a.Processors.Value != 4 || a.OSPID != "4242" {
		t.Errorf("node a: processors %+v, os_pid %q; want 4 and 4242", a.Processors, a.OSPID)
	}
	if b := nodes[1]; b.Processors.Set || b.OSPID != "" {
		t.Errorf("node b: processors %+v, os_pid %q; want both unset", b.Processors, b.OSPID)
	}
	if _, err := c.Nodes(context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := nodeColumns + ",processors,os_pid"; asked[0] != want || asked[1] != nodeColumns {
		t.Errorf("columns asked %q; want %q, then the usual %q", asked, want, nodeColumns)
	}
}

func TestNewWantsATimeout(t *testing.T) {
	if _, err := New(Options{Cluster: "gw", URLs: []string{"http://127.0.0.1:1"}}); err == nil {
		t.Error("a client without a request timeout was built")
	}
}

// 3.x reports sockets apart from file descriptors; 4.0 and later answer 0
// for both, which is no limit: Sockets says so instead of a limit of 0.
func TestNodeSockets(t *testing.T) {
	for _, c := range []struct {
		name      string
		node      Node
		used, lim float64
		ok        bool
	}{
		{"3.10", Node{SocketsUsed: Number{Value: 2, Set: true}, SocketsTotal: Number{Value: 17910, Set: true}}, 2, 17910, true},
		{"4.x zeros", Node{SocketsUsed: Number{Value: 0, Set: true}, SocketsTotal: Number{Value: 0, Set: true}}, 0, 0, false},
		{"not asked", Node{}, 0, 0, false},
	} {
		used, lim, ok := c.node.Sockets()
		if ok != c.ok || used.Value != c.used || lim.Value != c.lim || used.Set != c.ok || lim.Set != c.ok {
			t.Errorf("%s: Sockets() = %+v, %+v, %v; want %v, %v, %v", c.name, used, lim, ok, c.used, c.lim, c.ok)
		}
	}
}
