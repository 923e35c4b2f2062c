package collector

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/exporter/canary"
	"github.com/rabbitfleet/rabbitfleet/internal/metrics"
)

func init() {
	// The probes run on their own (exporter/canary); this collector only
	// reads their figures, so it does no I/O and runs every scrape.
	register("federation_probe", everyScrape, func() Collector { return federationProbeCollector{} })
}

// LatencyProbes gives the scraper of a cluster the figures of the latency
// probes whose downstream is that cluster.
type LatencyProbes interface {
	Snapshots(downstream string) []canary.Snapshot
}

// ProbeSource is implemented by the Peers (the fleet) that run latency probes.
type ProbeSource interface {
	LatencyProbes() LatencyProbes
}

// The probe series carry the same labels as the link's own series
// (type="exchange", queue=""), so that they match one to one.
var (
	probeStateDesc          = metrics.FederationProbeState.Desc()
	probeLatencyDesc        = metrics.FederationProbeLatencySeconds.Desc()
	probeLastReceivedDesc   = metrics.FederationProbeLastReceivedAgeSeconds.Desc()
	probeOldestInFlightDesc = metrics.FederationProbeOldestInFlightAgeSeconds.Desc()
	probeSentDesc           = metrics.FederationProbeCanariesSentTotal.Desc()
	probeReceivedDesc       = metrics.FederationProbeCanariesReceivedTotal.Desc()
	probeLostDesc           = metrics.FederationProbeCanariesLostTotal.Desc()
	probeUnroutableDesc     = metrics.FederationProbeCanariesUnroutableTotal.Desc()
	probeAbandonedDesc      = metrics.FederationProbeCanariesAbandonedTotal.Desc()
)

type federationProbeCollector struct{}

func (federationProbeCollector) Update(_ context.Context, t *Target, ch chan<- prometheus.Metric) error {
	src, ok := t.peers.(ProbeSource)
	if !ok {
		return nil
	}
	probes := src.LatencyProbes()
	if probes == nil {
		return nil
	}
	for _, s := range probes.Snapshots(t.Cluster.Name) {
		labels := []string{s.Vhost, s.Upstream, s.UpstreamCluster, "exchange", s.Exchange, ""}
		emitStates(t, ch, probeStateDesc, labels, canary.States, string(s.State))
		ch <- prometheus.MustNewConstHistogram(probeLatencyDesc, s.LatencyCount, s.LatencySum, s.LatencyBuckets,
			append(append(make([]string, 0, len(t.labels)+len(labels)), t.labels...), labels...)...)
		ch <- t.gauge(probeLastReceivedDesc, s.LastReceivedAge.Seconds(), labels...)
		ch <- t.gauge(probeOldestInFlightDesc, s.OldestInFlightAge.Seconds(), labels...)
		ch <- t.counter(probeSentDesc, float64(s.Sent), labels...)
		ch <- t.counter(probeReceivedDesc, float64(s.Received), labels...)
		ch <- t.counter(probeLostDesc, float64(s.Lost), labels...)
		ch <- t.counter(probeUnroutableDesc, float64(s.Unroutable), labels...)
		ch <- t.counter(probeAbandonedDesc, float64(s.Abandoned), labels...)
	}
	return nil
}
