package collector

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/model"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
)

// Shapes follow the testbed's real answers (../../internal/mgmt/testdata), scaled up:
// three nodes, two vhosts, 80% MQTT, 15% STOMP, 5% AMQP.
func syntheticConnections(n int) []byte {
	var b bytes.Buffer
	protocols := []string{"MQTT 3.1.1", "MQTT 3.1.1", "MQTT 3.1.1", "MQTT 3.1.1", "MQTT 3.1.1", "MQTT 3.1.1", "MQTT 3.1.1", "MQTT 3.1.1", "STOMP 1.2", "STOMP 1.2", "STOMP 1.2", "AMQP 0-9-1"}
	b.WriteByte('[')
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"node":"rabbit@gw-eu-%d","protocol":%q,"state":"running","vhost":"%s"}`, i%3, protocols[i%len(protocols)], []string{"/", "devices"}[i%2])
	}
	b.WriteByte(']')
	return b.Bytes()
}

func syntheticQueues(n int) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		depth := (i * 7919) % 1000
		fmt.Fprintf(&b, `{"consumers":%d,"messages":%d,"messages_ready":%d,"messages_unacknowledged":0,"name":"mqtt-subscription-dev-%06dqos1","state":"running","vhost":"/"}`, i%2, depth, depth, i)
	}
	b.WriteByte(']')
	return b.Bytes()
}

func benchTarget(b *testing.B, path string, body []byte) *Target {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		w.Write(body)
	}))
	b.Cleanup(srv.Close)
	cl := &config.Cluster{Name: "gw", Role: config.RoleGateway, Region: "eu", ManagementURLs: []string{srv.URL},
		Settings: config.Settings{Timeout: model.Duration(time.Minute), MaxResponseBytes: 1 << 30, Queues: config.QueueOptions{TopN: 20}}}
	s := newTestScraper(b, cl, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return &Target{Scraper: s, now: time.Now()}
}

func benchCollector(b *testing.B, c Collector, path string, body []byte, objects int) {
	t := benchTarget(b, path, body)
	ch := make(chan prometheus.Metric, 1024)
	go func() {
		for range ch {
		}
	}()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.Update(context.Background(), t, ch); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	close(ch)
	elapsed := b.Elapsed()
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(b.N*objects), "ns/object")
}

// BenchmarkConnections100k decodes and counts 100,000 connections.
func BenchmarkConnections100k(b *testing.B) {
	const n = 100_000
	benchCollector(b, &connectionsCollector{}, "/api/connections", syntheticConnections(n), n)
}

// BenchmarkQueues100k decodes 100,000 queues, aggregates them per vhost and keeps the top 20.
func BenchmarkQueues100k(b *testing.B) {
	const n = 100_000
	benchCollector(b, queuesCollector{}, "/api/queues", syntheticQueues(n), n)
}
