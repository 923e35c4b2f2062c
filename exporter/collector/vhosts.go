package collector

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
)

func init() { register("vhosts", everyScrape, func() Collector { return vhostsCollector{} }) }

var (
	vhostMessagesDesc       = metrics.VhostMessages.Desc()
	vhostReadyDesc          = metrics.VhostMessagesReady.Desc()
	vhostUnacknowledgedDesc = metrics.VhostMessagesUnacknowledged.Desc()
)

// vhostsCollector reads message totals per vhost every scrape: the broker
// keeps these aggregated, so they cost almost nothing, unlike the queue list.
type vhostsCollector struct{}

func (vhostsCollector) Update(ctx context.Context, t *Target, ch chan<- prometheus.Metric) error {
	if t.source() == config.FiguresPrometheus {
		// The Prometheus endpoint has no per-vhost totals: the queues
		// collector sums them from its list when it reads one.
		return nil
	}
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
