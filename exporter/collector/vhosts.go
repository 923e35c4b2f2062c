package collector

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
)

func init() { register("vhosts", everyScrape, func() Collector { return vhostsCollector{} }) }

var (
	vhostMessagesDesc       = newDesc("vhost_messages", "gauge", "Messages in the vhost's queues (ready plus unacknowledged).", "vhost")
	vhostReadyDesc          = newDesc("vhost_messages_ready", "gauge", "Messages ready for delivery in the vhost's queues.", "vhost")
	vhostUnacknowledgedDesc = newDesc("vhost_messages_unacknowledged", "gauge", "Messages delivered and not yet acknowledged in the vhost's queues.", "vhost")
)

// vhostsCollector reads message totals per vhost every scrape: the broker
// keeps these aggregated, so they cost almost nothing, unlike the queue list.
type vhostsCollector struct{}

func (vhostsCollector) Update(ctx context.Context, t *Target, ch chan<- prometheus.Metric) error {
	vhosts, err := t.Client.Vhosts(ctx)
	if err != nil {
		return err
	}
	for _, v := range vhosts {
		if v.Messages.Set {
			ch <- t.gauge(vhostMessagesDesc, v.Messages.Value, v.Name)
		}
		if v.MessagesReady.Set {
			ch <- t.gauge(vhostReadyDesc, v.MessagesReady.Value, v.Name)
		}
		if v.MessagesUnacknowledged.Set {
			ch <- t.gauge(vhostUnacknowledgedDesc, v.MessagesUnacknowledged.Value, v.Name)
		}
	}
	return nil
}
