package collector

import (
	"container/heap"
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

func init() {
	registerHeavy("queues", func(cl *config.Cluster) config.RefreshOptions { return cl.Queues.RefreshOptions },
		func() Collector { return queuesCollector{} })
}

var (
	vhostQueuesDesc     = metrics.VhostQueues.Desc()
	vhostConsumersDesc  = metrics.VhostConsumers.Desc()
	vhostNoConsumerDesc = metrics.VhostQueuesWithoutConsumers.Desc()
	vhostNoConsumerMsgs = metrics.VhostMessagesWithoutConsumers.Desc()
	queueMessagesDesc   = metrics.QueueMessages.Desc()
	queueReadyDesc      = metrics.QueueMessagesReady.Desc()
	queueUnackedDesc    = metrics.QueueMessagesUnacknowledged.Desc()
	queueConsumersDesc  = metrics.QueueConsumers.Desc()
)

// queuesCollector reads the queue list once per refresh interval with only
// the depth columns, aggregates it per vhost, and exports queues one by one
// only when included by name or among the deepest: the series count stays
// bounded however many queues the cluster has.
type queuesCollector struct{}

type vhostQueueTotals struct {
	queues, consumers, idleQueues, idleMessages float64
}

func (queuesCollector) Update(ctx context.Context, t *Target, ch chan<- prometheus.Metric) error {
	opts := &t.Cluster.Queues
	totals := map[string]*vhostQueueTotals{}
	var picked []mgmt.Queue
	deepest := &queueHeap{}
	err := t.Client.EachQueue(ctx, func(q *mgmt.Queue) {
		vt := totals[q.Vhost]
		if vt == nil {
			vt = &vhostQueueTotals{}
			totals[q.Vhost] = vt
		}
		vt.queues++
		vt.consumers += q.Consumers.Value
		if q.Consumers.Value == 0 {
			vt.idleQueues++
			vt.idleMessages += q.Messages.Value
		}
		if opts.Excluded(q.Name) {
			return
		}
		if opts.Included(q.Name) {
			picked = append(picked, *q)
			return
		}
		if opts.TopN > 0 {
			deepest.offer(*q, opts.TopN)
		}
	})
	if err != nil {
		return err
	}
	for vhost, vt := range totals {
		ch <- t.gauge(vhostQueuesDesc, vt.queues, vhost)
		ch <- t.gauge(vhostConsumersDesc, vt.consumers, vhost)
		ch <- t.gauge(vhostNoConsumerDesc, vt.idleQueues, vhost)
		ch <- t.gauge(vhostNoConsumerMsgs, vt.idleMessages, vhost)
	}
	for _, q := range append(picked, *deepest...) {
		ch <- t.gauge(queueMessagesDesc, q.Messages.Value, q.Vhost, q.Name)
		ch <- t.gauge(queueReadyDesc, q.MessagesReady.Value, q.Vhost, q.Name)
		ch <- t.gauge(queueUnackedDesc, q.MessagesUnacknowledged.Value, q.Vhost, q.Name)
		ch <- t.gauge(queueConsumersDesc, q.Consumers.Value, q.Vhost, q.Name)
	}
	return nil
}

// queueHeap keeps the n deepest queues seen so far (a min-heap by depth), so
// picking the top n of a million queues needs n slots, not a sorted copy.
type queueHeap []mgmt.Queue

func (h queueHeap) Len() int { return len(h) }
func (h queueHeap) Less(i, j int) bool {
	if h[i].Messages.Value != h[j].Messages.Value {
		return h[i].Messages.Value < h[j].Messages.Value
	}
	// Ties broken by name, so that the chosen set does not flap between scrapes.
	return h[i].Vhost+"/"+h[i].Name > h[j].Vhost+"/"+h[j].Name
}
func (h queueHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *queueHeap) Push(x any)   { *h = append(*h, x.(mgmt.Queue)) }
func (h *queueHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (h *queueHeap) offer(q mgmt.Queue, n int) {
	if h.Len() < n {
		heap.Push(h, q)
		return
	}
	smallest := (*h)[0]
	if smallest.Messages.Value < q.Messages.Value ||
		(smallest.Messages.Value == q.Messages.Value && q.Vhost+"/"+q.Name < smallest.Vhost+"/"+smallest.Name) {
		(*h)[0] = q
		heap.Fix(h, 0)
	}
}
