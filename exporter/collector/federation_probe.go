package collector

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rabbitfleet/rabbitfleet/exporter/canary"
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
	probeStateDesc = newDesc("federation_probe_state", "gauge",
		"1 for the latency probe's current state, 0 for the others: connecting, running, backoff (retrying after an AMQP error), paused (a cluster at either end is unreachable, so the probe holds no connection).",
		append(linkLabels, "state")...)
	probeLatencyDesc = newDesc("federation_probe_latency_seconds", "histogram",
		"Time from publishing a canary into the exchange on the upstream cluster to receiving it from the same exchange on this (downstream) cluster.",
		linkLabels...)
	probeLastReceivedDesc = newDesc("federation_probe_last_received_age_seconds", "gauge",
		"Seconds since the last canary arrived (since the probe started, while none has).", linkLabels...)
	probeOldestInFlightDesc = newDesc("federation_probe_oldest_in_flight_age_seconds", "gauge",
		"Age of the oldest canary sent and not yet received: the link's lag while it is stuck. 0 when none is in flight.", linkLabels...)
	probeSentDesc = newDesc("federation_probe_canaries_sent_total", "counter",
		"Canaries published into the exchange on the upstream cluster.", linkLabels...)
	probeReceivedDesc = newDesc("federation_probe_canaries_received_total", "counter",
		"Canaries received on this cluster.", linkLabels...)
	probeLostDesc = newDesc("federation_probe_canaries_lost_total", "counter",
		"Canaries that never arrived: a later canary arrived first and the probe timeout passed.", linkLabels...)
	probeUnroutableDesc = newDesc("federation_probe_canaries_unroutable_total", "counter",
		"Canaries the upstream cluster routed nowhere (returned): the link's binding was not on the upstream exchange.", linkLabels...)
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
	}
	return nil
}
