package brokerprom

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/fakeprom"
)

func recorded(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// newNode serves a node's /metrics/detailed with the answers recorded on a
// real 4.3.6 node started with the management metrics collector off.
func newNode(t *testing.T) *fakeprom.Node {
	t.Helper()
	return fakeprom.NewRecorded(t, "testdata")
}

func client(t *testing.T, urls ...string) *Client {
	t.Helper()
	c, err := New(mgmt.Options{Cluster: "backend", URLs: urls, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestNodeFiguresAreTheRecordedOnes(t *testing.T) {
	n := newNode(t)
	nodes, errs := client(t, n.URL).Nodes(context.Background())
	if len(errs) != 0 || len(nodes) != 1 {
		t.Fatalf("nodes %v, errors %v", nodes, errs)
	}
	got := nodes[0]
	if got.Name != "backend@localhost" {
		t.Errorf("name %q, want backend@localhost (rabbitmq_identity_info)", got.Name)
	}
	// The values of testdata/detailed-node-churn.txt, the answer to the one
	// request asking for the three families at once.
	for _, c := range []struct {
		field string
		n     mgmt.Number
		want  float64
	}{
		{"fd used", got.FDUsed, 41},
		{"fd limit", got.FDLimit, 20000},
		{"memory used", got.MemUsed, 141660160},
		{"memory limit", got.MemLimit, 15165694771},
		{"disk free", got.DiskFree, 77851770880},
		{"disk free limit", got.DiskFreeLimit, 50000000},
		{"processes used", got.ProcUsed, 451},
		{"processes limit", got.ProcLimit, 1048576},
		{"run queue", got.RunQueue, 0},
		{"uptime", got.UptimeSeconds, 158.645},
		{"connections opened", got.ConnectionsOpened, 20},
		{"connections closed", got.ConnectionsClosed, 20},
		{"channels opened", got.ChannelsOpened, 20},
		{"channels closed", got.ChannelsClosed, 20},
		{"queues declared", got.QueuesDeclared, 3},
		{"queues created", got.QueuesCreated, 3},
		{"queues deleted", got.QueuesDeleted, 0},
	} {
		if !c.n.Set || c.n.Value != c.want {
			t.Errorf("%s = %+v, want %v", c.field, c.n, c.want)
		}
	}
	// 4.x counts sockets only as file descriptors: absent, never 0.
	if got.SocketsUsed.Set || got.SocketsLimit.Set {
		t.Errorf("sockets %+v %+v: 4.3 serves none, want unset", got.SocketsUsed, got.SocketsLimit)
	}
	// One request, every family in it, asking for text and sending no credentials.
	if q := n.Queries(); len(q) != 1 || q[0] != fakeprom.NodeQuery {
		t.Errorf("requests %q, want one with the three families", q)
	}
	if h := n.Headers()[0]; !strings.HasPrefix(h.Get("Accept"), "text/plain") || h.Get("Authorization") != "" {
		t.Errorf("Accept %q, Authorization %q: want text, no credentials", h.Get("Accept"), h.Get("Authorization"))
	}
}

// A family the node does not have (an older version, or one missing from the
// answer) leaves its figures unset.
func TestAbsentFamilyLeavesFiguresUnset(t *testing.T) {
	n := newNode(t)
	n.Set(fakeprom.NodeQuery, 200, recorded(t, "detailed-node_coarse_metrics.txt"))
	nodes, errs := client(t, n.URL).Nodes(context.Background())
	if len(errs) != 0 || len(nodes) != 1 {
		t.Fatalf("nodes %v, errors %v", nodes, errs)
	}
	got := nodes[0]
	if !got.FDUsed.Set || got.FDUsed.Value != 40 {
		t.Errorf("fd used %+v, want 40 (node_coarse_metrics)", got.FDUsed)
	}
	for name, n := range map[string]mgmt.Number{"fd limit": got.FDLimit, "uptime": got.UptimeSeconds, "connections opened": got.ConnectionsOpened, "memory limit": got.MemLimit} {
		if n.Set {
			t.Errorf("%s = %v: its family was not served, want unset", name, n.Value)
		}
	}
}

func TestQueueDepthsOfOneVhost(t *testing.T) {
	n := newNode(t)
	queues, errs := client(t, n.URL).Queues(context.Background(), "/")
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	if q := n.Queries(); len(q) != 1 || q[0] != fakeprom.RootVhostQueues {
		t.Errorf("requests %q", q)
	}
	want := map[string][3]float64{"orders": {3, 3, 0}, "telemetry": {0, 0, 0}, "commands-dev1": {0, 0, 0}}
	if len(queues) != len(want) {
		t.Fatalf("queues %+v, want %d", queues, len(want))
	}
	for _, q := range queues {
		w, ok := want[q.Name]
		if !ok || q.Vhost != "/" || q.Node != "backend@localhost" {
			t.Errorf("unexpected queue %+v", q)
			continue
		}
		got := [3]float64{q.Messages.Value, q.MessagesReady.Value, q.MessagesUnacknowledged.Value}
		if got != w || !q.Messages.Set || !q.MessagesReady.Set || !q.MessagesUnacknowledged.Set {
			t.Errorf("%s: messages, ready, unacked = %v, want %v", q.Name, got, w)
		}
	}
}

// A quorum queue's replicas may each serve its depth: it counts once, from
// its leader.
func TestReplicatedQueueCountsOnceFromItsLeader(t *testing.T) {
	page := func(node, membership string, depth string) string {
		return "rabbitmq_detailed_queue_messages{vhost=\"/\",queue=\"qq\"} " + depth + "\n" +
			"rabbitmq_detailed_queue_info{vhost=\"/\",queue=\"qq\",queue_type=\"rabbit_quorum_queue\",membership=\"" + membership + "\"} 1\n" +
			"rabbitmq_identity_info{rabbitmq_node=\"" + node + "\",rabbitmq_cluster=\"c\"} 1\n"
	}
	a, b := newNode(t), newNode(t)
	a.Set(fakeprom.QueueQuery, 200, page("a@h", "follower", "7"))
	b.Set(fakeprom.QueueQuery, 200, page("b@h", "leader", "9"))
	queues, errs := client(t, a.URL, b.URL).Queues(context.Background(), "")
	if len(errs) != 0 || len(queues) != 1 {
		t.Fatalf("queues %+v, errors %v", queues, errs)
	}
	if q := queues[0]; q.Node != "b@h" || q.Messages.Value != 9 {
		t.Errorf("queue %+v: want the leader's (b@h, 9)", q)
	}
}

// A node whose endpoint fails costs its own figures; the others are returned,
// and the error names the node's URL.
func TestFailedNodeIsReportedOthersKept(t *testing.T) {
	good, bad := newNode(t), newNode(t)
	bad.SetAll(500, "boom")
	nodes, errs := client(t, good.URL, bad.URL).Nodes(context.Background())
	if len(nodes) != 1 || nodes[0].Name != "backend@localhost" {
		t.Errorf("nodes %+v, want the good one", nodes)
	}
	if len(errs) != 1 {
		t.Fatalf("errors %v, want one", errs)
	}
	if mgmt.KindOf(errs[0]) != mgmt.KindHTTP || !strings.Contains(errs[0].Error(), bad.URL) || !strings.Contains(errs[0].Error(), Endpoint) {
		t.Errorf("error %q (%s): want an http error naming %s and %s", errs[0], mgmt.KindOf(errs[0]), bad.URL, Endpoint)
	}
}

func TestBadAnswersAreDecodeErrorsNamingTheNode(t *testing.T) {
	for name, text := range map[string]string{
		"not exposition text": "<html>proxy error</html>\n",
		"bad value":           "rabbitmq_detailed_process_open_fds forty\n",
		"no identity":         "rabbitmq_detailed_process_open_fds 40\n",
	} {
		t.Run(name, func(t *testing.T) {
			n := newNode(t)
			n.SetAll(200, text)
			nodes, errs := client(t, n.URL).Nodes(context.Background())
			if len(nodes) != 0 || len(errs) != 1 {
				t.Fatalf("nodes %v, errors %v", nodes, errs)
			}
			if mgmt.KindOf(errs[0]) != mgmt.KindDecode || !strings.Contains(errs[0].Error(), n.URL) {
				t.Errorf("error %q: want a decode error naming %s", errs[0], n.URL)
			}
		})
	}
}

// The scrape's deadline bounds every node's request.
func TestHangingNodeEndsWithTheContext(t *testing.T) {
	n := newNode(t)
	n.Hang(true)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, errs := client(t, n.URL).Nodes(ctx)
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %v past a 200ms deadline", took)
	}
	if len(errs) != 1 || mgmt.KindOf(errs[0]) != mgmt.KindTimeout {
		t.Errorf("errors %v, want one timeout", errs)
	}
}

// Named queues are asked for by an exact-name regexp (4.3 filters on it;
// older versions ignore it and answer the whole vhost, as the fake does).
func TestNamedQueuesAreFilteredByExactName(t *testing.T) {
	n := newNode(t)
	queues, errs := client(t, n.URL).Queues(context.Background(), "/", "orders", "federation: a.b -> c")
	if len(errs) != 0 || len(queues) != 3 {
		t.Fatalf("queues %+v, errors %v", queues, errs)
	}
	q := n.Queries()
	want := "family=queue_coarse_metrics&queue=%5E%28%3F%3Aorders%7Cfederation%3A+a%5C.b+-%3E+c%29%24&vhost=%2F"
	if len(q) != 1 || q[0] != want {
		t.Errorf("query %q, want %q", q, want)
	}
	if got := namesRegexp([]string{strings.Repeat("q", maxQueueFilter)}); got != "" {
		t.Errorf("a regexp over RabbitMQ's 2000-byte limit: %d bytes sent, want the whole vhost asked for", len(got))
	}
}

// With basic auth on, an answer that echoes the password (a proxy's dump, a
// bad sample quoting it) never puts it in an error.
func TestCredentialsNeverInErrors(t *testing.T) {
	const password = "pl4nted-S3CRET"
	for name, answer := range map[string]struct {
		status int
		body   string
	}{
		"error page":      {500, `{"error":"boom","reason":"` + password + `"}`},
		"bad sample":      {200, "rabbitmq_detailed_process_open_fds " + password + "\n"},
		"bad metric name": {200, password + "{ 1\n"},
	} {
		t.Run(name, func(t *testing.T) {
			n := fakeprom.New(t)
			n.SetAll(answer.status, answer.body)
			c, err := New(mgmt.Options{Cluster: "backend", URLs: []string{n.URL}, Timeout: 2 * time.Second,
				Username: "monitor", Password: func() (string, error) { return password, nil }})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_, errs := c.Nodes(context.Background())
			if len(errs) != 1 {
				t.Fatalf("errors %v, want one", errs)
			}
			if strings.Contains(errs[0].Error(), password) {
				t.Errorf("the password is in the error: %q", errs[0])
			}
			if h := n.Headers()[0].Get("Authorization"); h == "" {
				t.Error("no credentials sent with a username and password set")
			}
		})
	}
}

// Two URLs reaching the same node would export its series twice: the second
// is refused with an error naming both.
func TestNodeListedTwiceCountsOnce(t *testing.T) {
	a, b := newNode(t), newNode(t) // both answer as backend@localhost
	nodes, errs := client(t, a.URL, b.URL).Nodes(context.Background())
	if len(nodes) != 1 || len(errs) != 1 {
		t.Fatalf("nodes %+v, errors %v: want one node and one error", nodes, errs)
	}
	if msg := errs[0].Error(); mgmt.KindOf(errs[0]) != mgmt.KindConfig || !strings.Contains(msg, a.URL) || !strings.Contains(msg, b.URL) {
		t.Errorf("error %q: want a config error naming both URLs", msg)
	}
}
