package fakemgmt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
)

func testCluster(t *testing.T, cfg Config) (*Cluster, *httptest.Server) {
	t.Helper()
	if cfg.Name == "" {
		cfg.Name = "gw"
	}
	cfg.Username, cfg.Password = "guest", "guest"
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return c, srv
}

// get requests path with the given password and returns status and body.
func get(t *testing.T, srv *httptest.Server, path, password string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if password != "" {
		req.SetBasicAuth("guest", password)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Header
}

// items splits a JSON array (or a paged envelope's items) into raw items.
func items(t *testing.T, body string) []json.RawMessage {
	t.Helper()
	var list []json.RawMessage
	if err := json.Unmarshal([]byte(body), &list); err == nil {
		return list
	}
	var paged struct{ Items []json.RawMessage }
	if err := json.Unmarshal([]byte(body), &paged); err != nil {
		t.Fatalf("not a list: %.200s", body)
	}
	return paged.Items
}

// orderedKeys lists an object's keys as written, duplicates included.
func orderedKeys(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func field(t *testing.T, raw []byte, key string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m[key]
}

// The expected answers below are what RabbitMQ 3.10.8 on the testbed
// answered to the same requests (2026-11-24; see testdata/README.md).
func TestColumnsLikeRabbitMQ(t *testing.T) {
	_, srv := testCluster(t, Config{Connections: 200, Queues: 20, Downstreams: []string{"backend"}, Upstreams: []string{"backend"}})
	for _, tc := range []struct {
		path string
		want string // keys of every item, in order
	}{
		// Template order, not the order asked for.
		{"/api/connections?columns=node,vhost,protocol,state", "node,protocol,state,vhost"},
		{"/api/queues?columns=name,vhost,messages,messages_ready,messages_unacknowledged,consumers,state&sort=",
			"consumers,messages,messages_ready,messages_unacknowledged,name,state,vhost"},
		// Unknown columns are left out; a column inside a scalar gives the scalar.
		{"/api/queues?columns=name,message_stats.publish,message_stats.nosuch,nosuch.x", "message_stats,name"},
		{"/api/nodes?columns=name.x,running", "name,running"},
		{"/api/nodes?columns=running,name,,", "name,running"},
		{"/api/overview?columns=object_totals.queues,cluster_name,queue_totals.nosuch", "cluster_name,queue_totals,object_totals"},
		{"/api/federation-links?columns=upstream,local_channel.name,local_channel.nosuch", "upstream,local_channel"},
	} {
		status, body, _ := get(t, srv, tc.path, "guest")
		if status != http.StatusOK {
			t.Fatalf("%s: HTTP %d %s", tc.path, status, body)
		}
		list := []json.RawMessage{json.RawMessage(body)}
		if body[0] == '[' {
			list = items(t, body)
		}
		for i, it := range list {
			if got := strings.Join(orderedKeys(t, it), ","); got != tc.want {
				t.Fatalf("%s item %d: keys %s, want %s", tc.path, i, got, tc.want)
			}
		}
	}

	// Nested columns select inside proplists ...
	_, body, _ := get(t, srv, "/api/queues?columns=name,message_stats.publish,message_stats.publish_details.rate", "guest")
	for _, it := range items(t, body) {
		if got := strings.Join(orderedKeys(t, field(t, it, "message_stats")), ","); got != "publish,publish_details" {
			t.Errorf("message_stats keys %s, want publish,publish_details", got)
		}
	}
	_, body, _ = get(t, srv, "/api/federation-links?columns=local_channel.name", "guest")
	if want := `[{"local_channel":{"name":"<rabbit@gw-1.1795499438.800.0> (1)"}}]`; body != want {
		t.Errorf("nested column in a link: %s, want %s", body, want)
	}
	// ... but not inside maps: object_totals comes whole.
	_, body, _ = get(t, srv, "/api/overview?columns=object_totals.queues", "guest")
	if got := strings.Join(orderedKeys(t, field(t, []byte(body), "object_totals")), ","); got != "channels,connections,consumers,exchanges,queues" {
		t.Errorf("object_totals.queues gave object_totals keys %s, want all five", got)
	}
	// A nested selection that matches nothing is written [].
	_, body, _ = get(t, srv, "/api/nodes?columns=name,mem_used_details.nosuch", "guest")
	if !strings.Contains(body, `"mem_used_details":[]`) {
		t.Errorf("mem_used_details.nosuch: %.200s, want \"mem_used_details\":[]", body)
	}
	// So is an item left with nothing, and the overview with columns=nosuch.
	_, body, _ = get(t, srv, "/api/queues?columns=nosuch", "guest")
	if want := "[" + strings.Repeat("[],", 20) + "[]]"; body != want {
		t.Errorf("columns=nosuch: %s, want %s", body, want)
	}
	_, body, _ = get(t, srv, "/api/overview?columns=nosuch", "guest")
	if body != "[]" {
		t.Errorf("overview columns=nosuch: %s, want []", body)
	}

	// client_properties: twice on MQTT and STOMP, the first empty; an AMQP
	// table comes whole.
	_, body, _ = get(t, srv, "/api/connections?columns=protocol,client_properties.product", "guest")
	seen := map[string]bool{}
	for _, it := range items(t, body) {
		var c struct{ Protocol string }
		json.Unmarshal(it, &c)
		s := string(it)
		switch c.Protocol {
		case ProtocolMQTT:
			seen[c.Protocol] = s == `{"client_properties":{},"client_properties":{"product":"MQTT client"},"protocol":"MQTT 3.1.1"}`
		case ProtocolSTOMP:
			seen[c.Protocol] = s == `{"client_properties":{},"client_properties":{"product":"STOMP client"},"protocol":"STOMP 1.2"}`
		case ProtocolAMQP:
			seen[c.Protocol] = strings.Contains(s, `"capabilities":{`) && strings.Contains(s, `"product":"device-agent"`)
		}
		if !seen[c.Protocol] {
			t.Fatalf("client_properties.product of a %s connection: %s", c.Protocol, s)
		}
	}
	if len(seen) != 3 {
		t.Errorf("protocols seen %v, want MQTT, STOMP and AMQP among 200 connections", seen)
	}
}

func TestPagingLikeRabbitMQ(t *testing.T) {
	_, srv := testCluster(t, Config{Connections: 5, Queues: 4, Downstreams: []string{"backend"}})
	for _, tc := range []struct {
		path, want string
		status     int
	}{
		{"/api/queues?columns=name&page=2&page_size=2&sort=", `{"filtered_count":5,"item_count":2,"items":[{"name":"mqtt-subscription-gw-dev-0000001qos1"},{"name":"mqtt-subscription-gw-dev-0000002qos1"}],"page":2,"page_count":3,"page_size":2,"total_count":5}`, 200},
		{"/api/queues?columns=name&page=3&page_size=2&sort=", `{"filtered_count":5,"item_count":1,"items":[{"name":"commands.gw.0000003"}],"page":3,"page_count":3,"page_size":2,"total_count":5}`, 200},
		// The page just past the end is empty; the next is an error.
		{"/api/connections?columns=state&page=2&page_size=5", `{"total_count":5,"item_count":0,"filtered_count":5,"page":2,"page_size":5,"page_count":1,"items":[]}`, 200},
		{"/api/connections?columns=state&page=3&page_size=5", `{"error":"page_out_of_range","reason":"Page out of range, page: 3 page size: 5, len: 5"}`, 400},
		{"/api/queues?page=1", "", 200},
		{"/api/queues?page=0&page_size=1", `{"error":"invalid_pagination_parameters","reason":"Invalid pagination parameters: page number 0, page size 1"}`, 400},
		{"/api/queues?page=1&page_size=501", `{"error":"invalid_pagination_parameters","reason":"Invalid pagination parameters: page number 1, page size 501"}`, 400},
		{"/api/queues?page=1&page_size=0", `{"error":"invalid_pagination_parameters","reason":"Invalid pagination parameters: page number 1, page size 0"}`, 400},
		{"/api/queues?page=x", `{"error":"bad_request","reason":"Pagination parameters are invalid"}`, 400},
		// Lists the API does not page ignore page=.
		{"/api/shovels?page=1", `[]`, 200},
	} {
		status, body, _ := get(t, srv, tc.path, "guest")
		if status != tc.status || (tc.want != "" && body != tc.want) {
			t.Errorf("%s: HTTP %d %s\nwant HTTP %d %s", tc.path, status, body, tc.status, tc.want)
		}
	}
	// page_size defaults to 100; page_size alone does not page.
	_, body, _ := get(t, srv, "/api/queues?page=1&columns=name", "guest")
	if !strings.Contains(body, `"page_size":100`) {
		t.Errorf("default page size: %.300s", body)
	}
	_, body, _ = get(t, srv, "/api/queues?page_size=2&columns=name", "guest")
	if len(items(t, body)) != 5 || body[0] != '[' {
		t.Errorf("page_size without page: %s, want all 5 queues unpaged", body)
	}
}

func TestSortLikeRabbitMQ(t *testing.T) {
	c, srv := testCluster(t, Config{Connections: 300, Queues: 300, Vhosts: []string{"/", "b"}})
	_, body, _ := get(t, srv, "/api/queues?columns=name,messages&sort=messages&sort_reverse=true", "guest")
	var qs []struct{ Messages int64 }
	json.Unmarshal([]byte(body), &qs)
	if len(qs) != 300 || !sort.SliceIsSorted(qs, func(i, j int) bool { return qs[i].Messages > qs[j].Messages }) || qs[0].Messages == qs[299].Messages {
		t.Errorf("sort=messages&sort_reverse=true: not by decreasing depth: %v ... %v", qs[0], qs[len(qs)-1])
	}
	// Without sort=, by vhost then name; with an empty sort=, as the
	// cluster holds them.
	_, body, _ = get(t, srv, "/api/connections?columns=vhost,name", "guest")
	var cs []struct{ Vhost, Name string }
	json.Unmarshal([]byte(body), &cs)
	if !sort.SliceIsSorted(cs, func(i, j int) bool {
		return cs[i].Vhost < cs[j].Vhost || (cs[i].Vhost == cs[j].Vhost && cs[i].Name < cs[j].Name)
	}) {
		t.Errorf("connections without sort= are not by vhost then name")
	}
	_, body, _ = get(t, srv, "/api/queues?columns=name&sort=", "guest")
	var names []struct{ Name string }
	json.Unmarshal([]byte(body), &names)
	for j, n := range names {
		if want := string(c.queueName(nil, c.queue(j))); n.Name != want {
			t.Fatalf("sort= item %d is %s, want %s", j, n.Name, want)
		}
	}
}

func TestAuthAndErrorsLikeRabbitMQ(t *testing.T) {
	_, srv := testCluster(t, Config{Connections: 1, Queues: 1, NoShovels: true})
	for _, tc := range []struct {
		path, password string
		status         int
		want           string
	}{
		{"/api/overview", "wrong", 401, `{"error":"not_authorized","reason":"Login failed"}`},
		{"/api/queues/%2F/nosuch", "wrong", 401, `{"error":"not_authorized","reason":"Login failed"}`},
		{"/api/overview", "", 401, ``},
		{"/api/nosuch", "guest", 404, `{"error":"Object Not Found","reason":"Not Found"}`},
		{"/api/queues/%2F/nosuch", "guest", 404, `{"error":"Object Not Found","reason":"Not Found"}`},
		{"/api/queues/nosuch/x", "guest", 404, `{"error":"Object Not Found","reason":"Not Found"}`},
		{"/api/shovels", "guest", 404, `{"error":"Object Not Found","reason":"Not Found"}`},
	} {
		status, body, h := get(t, srv, tc.path, tc.password)
		if status != tc.status || body != tc.want {
			t.Errorf("%s (password %q): HTTP %d %q, want %d %q", tc.path, tc.password, status, body, tc.status, tc.want)
		}
		if status == 401 && h.Get("WWW-Authenticate") != `Basic realm="RabbitMQ Management"` {
			t.Errorf("%s: WWW-Authenticate %q", tc.path, h.Get("WWW-Authenticate"))
		}
	}
}

// Expected must be what the served objects add up to, counted here from the
// full objects with encoding/json.
func TestExpectedMatchesServedObjects(t *testing.T) {
	c, srv := testCluster(t, Config{Connections: 700, Queues: 800, Vhosts: []string{"/", "b"}, Downstreams: []string{"d1", "d2"}})
	_, body, _ := get(t, srv, "/api/connections", "guest")
	var conns []struct{ Node, Vhost, Protocol, State string }
	if err := json.Unmarshal([]byte(body), &conns); err != nil {
		t.Fatal(err)
	}
	got := map[ConnectionKey]int{}
	for _, cn := range conns {
		got[ConnectionKey{cn.Node, cn.Vhost, cn.Protocol, cn.State}]++
	}
	if fmt.Sprint(got) != fmt.Sprint(c.Expected().Connections) {
		t.Errorf("connections served %v\nexpected %v", got, c.Expected().Connections)
	}
	if p := c.Expected().ConnectionsByProtocol(); p[ProtocolMQTT] < 500 || p[ProtocolSTOMP] == 0 || p[ProtocolAMQP] == 0 {
		t.Errorf("protocol mix %v: want mostly MQTT, some STOMP and AMQP", p)
	}

	_, body, _ = get(t, srv, "/api/queues", "guest")
	var queues []struct{ Name, Vhost string }
	if err := json.Unmarshal([]byte(body), &queues); err != nil {
		t.Fatal(err)
	}
	var raw []map[string]any
	json.Unmarshal([]byte(body), &raw)
	vt := map[string]VhostTotals{}
	for i, q := range queues {
		r := raw[i]
		v := vt[q.Vhost]
		v.Queues++
		v.Messages += int64(r["messages"].(float64))
		v.Ready += int64(r["messages_ready"].(float64))
		v.Unacknowledged += int64(r["messages_unacknowledged"].(float64))
		consumers := int(r["consumers"].(float64))
		v.Consumers += consumers
		if consumers == 0 {
			v.QueuesWithoutConsumers++
			v.MessagesWithoutConsumers += int64(r["messages"].(float64))
		}
		vt[q.Vhost] = v
	}
	if fmt.Sprint(vt) != fmt.Sprint(c.Expected().Vhosts) || c.Expected().Queues != 802 {
		t.Errorf("queues served %v\nexpected %v (%d queues)", vt, c.Expected().Vhosts, c.Expected().Queues)
	}
	_, body, _ = get(t, srv, "/api/vhosts?columns=name,messages", "guest")
	if want := fmt.Sprintf(`[{"messages":%d,"name":"/"},{"messages":%d,"name":"b"}]`, vt["/"].Messages, vt["b"].Messages); body != want {
		t.Errorf("vhosts %s, want %s", body, want)
	}

	// Every queue can be read by name, with the same depth as in the list.
	for i, q := range queues {
		status, one, _ := get(t, srv, "/api/queues/"+url.PathEscape(q.Vhost)+"/"+url.PathEscape(q.Name)+"?columns=name,messages", "guest")
		if want := fmt.Sprintf(`{"messages":%v,"name":%q}`, raw[i]["messages"], q.Name); status != 200 || one != want {
			t.Fatalf("queue %s: HTTP %d %s, want %s", q.Name, status, one, want)
		}
	}
	// A queue's name in another vhost is not found.
	if status, _, _ := get(t, srv, "/api/queues/b/federation%3A%20devices%20-%3E%20d1", "guest"); status != 404 {
		t.Errorf("federation queue in vhost b: HTTP %d, want 404", status)
	}
}

func TestStatsCountRequestsAndBytes(t *testing.T) {
	c, srv := testCluster(t, Config{Connections: 50, Queues: 50})
	_, withCols, _ := get(t, srv, "/api/queues?columns=name,messages&sort=", "guest")
	_, withCols2, _ := get(t, srv, "/api/queues?columns=name,messages&sort=", "guest")
	_, full, _ := get(t, srv, "/api/queues?sort=", "guest")
	get(t, srv, "/api/nosuch", "guest")
	st := c.Stats()
	want := EndpointStats{Requests: 3, Bytes: int64(len(withCols) + len(withCols2) + len(full)), FullBytes: int64(3 * len(full))}
	if st[EndpointQueues] != want {
		t.Errorf("queue stats %+v, want %+v", st[EndpointQueues], want)
	}
	if st[EndpointOther].Requests != 1 || len(st) != 2 {
		t.Errorf("stats %+v, want queues and one other request", st)
	}
}

func TestParseColumns(t *testing.T) {
	for in, want := range map[string]string{
		"a,b.c":       "map[a:map[] b:map[c:map[]]]",
		"a.b,a":       "map[a:map[]]",
		"a,a.b":       "map[a:map[]]",
		"a.b.c,a.b.d": "map[a:map[b:map[c:map[] d:map[]]]]",
		",,a..b,":     "map[a:map[b:map[]]]",
		"":            "map[]",
	} {
		if got := fmt.Sprint(parseColumns(in)); got != want {
			t.Errorf("parseColumns(%q) = %s, want %s", in, got, want)
		}
	}
}
