// Package fakeprom is one RabbitMQ node's rabbitmq_prometheus endpoint for
// tests: /metrics/detailed answering each query with the text it is given
// (answers recorded on a real node), counting requests and keeping headers.
// It ignores the queue filter, as RabbitMQ before 4.3 does.
package fakeprom

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// The queries the exporter sends, as Go encodes them.
const (
	NodeQuery       = "family=connection_churn_metrics&family=node_coarse_metrics&family=node_metrics"
	QueueQuery      = "family=queue_coarse_metrics"
	RootVhostQueues = "family=queue_coarse_metrics&vhost=%2F"
)

// NewRecorded starts a node answering the exporter's queries with the
// answers recorded in dir: detailed-node-churn.txt (the node and churn
// families), detailed-queue_coarse_metrics.txt and detailed-queue-vhost.txt
// (queue_coarse_metrics of vhost /).
func NewRecorded(t testing.TB, dir string) *Node {
	t.Helper()
	n := New(t)
	for query, file := range map[string]string{
		NodeQuery:       "detailed-node-churn.txt",
		QueueQuery:      "detailed-queue_coarse_metrics.txt",
		RootVhostQueues: "detailed-queue-vhost.txt",
	} {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		n.Set(query, http.StatusOK, string(b))
	}
	return n
}

// Node serves /metrics/detailed until the test ends.
type Node struct {
	// URL is the endpoint's base URL (no path), as in prometheus_urls.
	URL string

	mu      sync.Mutex
	answers map[string]answer // raw query -> answer
	queries []string
	headers []http.Header
	hang    bool
}

type answer struct {
	status int
	body   string
}

// New starts a node with no answers: every query gets 400 until Set.
func New(t testing.TB) *Node {
	t.Helper()
	n := &Node{answers: map[string]answer{}}
	srv := httptest.NewServer(http.HandlerFunc(n.serve))
	t.Cleanup(srv.Close)
	n.URL = srv.URL
	return n
}

func (n *Node) serve(w http.ResponseWriter, r *http.Request) {
	n.mu.Lock()
	n.queries = append(n.queries, r.URL.RawQuery)
	n.headers = append(n.headers, r.Header.Clone())
	// Answered as RabbitMQ before 4.3 does: without the queue filter.
	q := r.URL.Query()
	q.Del("queue")
	a, ok := n.answers[q.Encode()]
	hang := n.hang
	n.mu.Unlock()
	switch {
	case r.URL.Path != "/metrics/detailed":
		http.NotFound(w, r)
	case hang:
		<-r.Context().Done()
	case !ok:
		http.Error(w, "unexpected query "+r.URL.RawQuery, http.StatusBadRequest)
	default:
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(a.body))
	}
}

// Set answers the raw query (without any queue parameter) with status and body.
func (n *Node) Set(query string, status int, body string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.answers[query] = answer{status, body}
}

// SetAll answers every query the exporter sends with status and body.
func (n *Node) SetAll(status int, body string) {
	for _, q := range []string{NodeQuery, QueueQuery, RootVhostQueues} {
		n.Set(q, status, body)
	}
}

// Hang leaves every request hanging until its client gives up, while on.
func (n *Node) Hang(on bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.hang = on
}

// Queries are the raw queries received, in order.
func (n *Node) Queries() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.queries...)
}

// Headers are the headers of every request received, in order.
func (n *Node) Headers() []http.Header {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]http.Header(nil), n.headers...)
}
