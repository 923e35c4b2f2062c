package collector

import (
	"container/heap"
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/exporter/brokerprom"
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
	consumersKnown                              bool
	// Only from Prometheus figures (see Update).
	messages, ready, unacked mgmt.Number
}

func (queuesCollector) Update(ctx context.Context, t *Target, ch chan<- prometheus.Metric) error {
	fromProm := t.source() == config.FiguresPrometheus
	each := func(fn func(*mgmt.Queue)) error { return t.Client.EachQueue(ctx, fn) }
	if fromProm {
		each = func(fn func(*mgmt.Queue)) error { return t.eachBrokerQueue(ctx, t.Scraper, "", nil, "queues", fn) }
	}
	opts := &t.Cluster.Queues
	totals := map[string]*vhostQueueTotals{}
	var picked []mgmt.Queue
	deepest := &queueHeap{}
	err := each(func(q *mgmt.Queue) {
		vt := totals[q.Vhost]
		if vt == nil {
			vt = &vhostQueueTotals{}
			totals[q.Vhost] = vt
		}
		vt.queues++
		// Without the management statistics a queue has no consumer count
		// (and Prometheus figures carry none): nothing counted as idle then.
		if q.Consumers.Set {
			vt.consumersKnown = true
			vt.consumers += q.Consumers.Value
			if q.Consumers.Value == 0 {
				vt.idleQueues++
				vt.idleMessages += q.Messages.Value
			}
		}
		sumInto(&vt.messages, q.Messages)
		sumInto(&vt.ready, q.MessagesReady)
		sumInto(&vt.unacked, q.MessagesUnacknowledged)
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
		if vt.consumersKnown {
			ch <- t.gauge(vhostConsumersDesc, vt.consumers, vhost)
			ch <- t.gauge(vhostNoConsumerDesc, vt.idleQueues, vhost)
			ch <- t.gauge(vhostNoConsumerMsgs, vt.idleMessages, vhost)
		}
		// Reading from Prometheus, the vhosts collector asks nothing: the
		// per-vhost message totals come from this list, as fresh as it is.
		if fromProm {
			emitSet(t, ch, vhostMessagesDesc, vt.messages, vhost)
			emitSet(t, ch, vhostReadyDesc, vt.ready, vhost)
			emitSet(t, ch, vhostUnacknowledgedDesc, vt.unacked, vhost)
		}
	}
	for _, q := range append(picked, *deepest...) {
		emitSet(t, ch, queueMessagesDesc, q.Messages, q.Vhost, q.Name)
		emitSet(t, ch, queueReadyDesc, q.MessagesReady, q.Vhost, q.Name)
		emitSet(t, ch, queueUnackedDesc, q.MessagesUnacknowledged, q.Vhost, q.Name)
		emitSet(t, ch, queueConsumersDesc, q.Consumers, q.Vhost, q.Name)
	}
	return nil
}

// eachBrokerQueue streams the queue depths of the Prometheus endpoints of
// from's nodes (this cluster's, or a federation upstream's), of one vhost or
// all when vhost is empty (and only the named queues, where the broker can
// filter by name), as management queues without a consumer count. Nodes that
// failed while others answered are counted under collector.
func (t *Target) eachBrokerQueue(ctx context.Context, from *Scraper, vhost string, names []string, collector string, fn func(*mgmt.Queue)) error {
	if from.Broker == nil {
		return &mgmt.Error{Kind: mgmt.KindConfig, Cluster: from.Cluster.Name, Endpoint: brokerprom.Endpoint, Err: errNoPrometheus}
	}
	queues, errs := from.Broker.Queues(ctx, vhost, names...)
	if err := t.partial(collector, errs, from.Broker.Len()); err != nil {
		return err
	}
	for _, bq := range queues {
		fn(&mgmt.Queue{Name: bq.Name, Vhost: bq.Vhost, Messages: bq.Messages, MessagesReady: bq.MessagesReady, MessagesUnacknowledged: bq.MessagesUnacknowledged})
	}
	return nil
}

// sumInto sums a figure into a total that stays unset until a figure is set.
func sumInto(total *mgmt.Number, n mgmt.Number) {
	if n.Set {
		*total = mgmt.Number{Value: total.Value + n.Value, Set: true}
	}
}

// emitSet exports a figure only when the broker reported it.
func emitSet(t *Target, ch chan<- prometheus.Metric, desc *prometheus.Desc, n mgmt.Number, labels ...string) {
	if n.Set {
		ch <- t.gauge(desc, n.Value, labels...)
	}
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
