package collector

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
	"github.com/rabbitfleet/rabbitfleet/internal/mgmt"
)

func init() { register("shovels", everyScrape, func() Collector { return shovelsCollector{} }) }

var shovelStateDesc = metrics.ShovelState.Desc()

var knownShovelStates = []string{"starting", "running", "terminated"}

// shovelsCollector reports every shovel's state where the plugin is enabled;
// without the plugin the endpoint is absent and nothing is exported.
type shovelsCollector struct{}

func (shovelsCollector) Update(ctx context.Context, t *Target, ch chan<- prometheus.Metric) error {
	shovels, err := t.Client.Shovels(ctx)
	if mgmt.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, s := range shovels {
		labels := []string{s.Vhost, s.Name, s.Type, s.Node}
		emitStates(t, ch, shovelStateDesc, labels, knownShovelStates, s.State)
	}
	return nil
}
