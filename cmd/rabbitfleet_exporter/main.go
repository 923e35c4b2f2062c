// Command rabbitfleet_exporter exports metrics of a whole fleet of RabbitMQ
// clusters to Prometheus. Flags and wiring only: the work is in ./exporter.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/common/promslog"
	promslogflag "github.com/prometheus/common/promslog/flag"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
	webflag "github.com/prometheus/exporter-toolkit/web/kingpinflag"

	"github.com/rabbitfleet/rabbitfleet/exporter"
	"github.com/rabbitfleet/rabbitfleet/exporter/discovery"
)

// DefaultListenAddress: Prometheus's allocated range 9100-9999 is full, and
// 10419 clashes with no known exporter nor any RabbitMQ port.
const DefaultListenAddress = ":10419"

func main() {
	app := kingpin.New("rabbitfleet_exporter", "Prometheus exporter for a fleet of RabbitMQ clusters.")
	configFile := app.Flag("config.file", "Path to the configuration file. Without it, the local node on http://127.0.0.1:15672 is scraped.").Default("").String()
	checkConfig := app.Flag("config.check", "Check the configuration file and exit.").Bool()
	scrapeTimeout := app.Flag("scrape.timeout", "Scrape budget when Prometheus sends no X-Prometheus-Scrape-Timeout-Seconds header.").Default("10s").Duration()
	timeoutOffset := app.Flag("scrape.timeout-offset", "Kept back from Prometheus's scrape timeout for the answer to travel.").Default("500ms").Duration()
	metricsPath := app.Flag("web.telemetry-path", "Path under which to expose the fleet's metrics.").Default("/metrics").String()
	internalPath := app.Flag("web.exporter-telemetry-path", "Path under which to expose only the exporter's own metrics (for fleets scraped through /probe).").Default("/exporter-metrics").String()
	toolkitFlags := webflag.AddFlags(app, DefaultListenAddress)
	promslogConfig := &promslog.Config{}
	promslogflag.AddFlags(app, promslogConfig)
	app.Version(version.Print("rabbitfleet_exporter"))
	app.HelpFlag.Short('h')
	kingpin.MustParse(app.Parse(os.Args[1:]))

	logger := promslog.New(promslogConfig)
	internal := prometheus.NewRegistry()
	internal.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		versioncollector.NewCollector("rabbitfleet_exporter"),
	)
	srv, err := exporter.NewServer(exporter.Options{
		ConfigFile:    *configFile,
		ScrapeTimeout: *scrapeTimeout,
		TimeoutOffset: *timeoutOffset,
		CheckOnly:     *checkConfig,
	}, logger, internal)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rabbitfleet_exporter:", err)
		os.Exit(1)
	}
	if *checkConfig {
		// Discovery is not run: checking a file must not need AWS.
		if d := srv.Fleet().Config.Discovery; d != nil {
			fmt.Printf("configuration OK: %d clusters, %d discovery sources\n", len(srv.Fleet().Names()), len(d.EC2))
			return
		}
		fmt.Printf("configuration OK: %d clusters\n", len(srv.Fleet().Names()))
		return
	}
	logger.Info("starting rabbitfleet_exporter", "version", version.Info(), "clusters", len(srv.Fleet().Names()))
	go srv.RunDiscovery(context.Background())

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		for range hup {
			_ = srv.Reload() // logged; the old configuration stays on failure
		}
	}()

	mux := http.NewServeMux()
	mux.Handle(*metricsPath, srv.MetricsHandler())
	mux.Handle(*internalPath, srv.InternalHandler())
	mux.Handle("/probe", srv.ProbeHandler())
	mux.Handle("/-/reload", srv.ReloadHandler())
	mux.Handle(discovery.TargetsPath, srv.TargetsHandler())
	mux.HandleFunc("/-/healthy", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "Healthy") })
	landing, err := web.NewLandingPage(web.LandingConfig{
		Name:        "rabbitfleet_exporter",
		Description: "Prometheus exporter for a fleet of RabbitMQ clusters",
		Version:     version.Info(),
		Links: []web.LandingLinks{
			{Address: *metricsPath, Text: "Metrics (every cluster)"},
			{Address: *internalPath, Text: "The exporter's own metrics"},
			{Address: "/probe?target=" + firstOr(srv.Fleet().Names(), "<cluster>"), Text: "Probe one cluster"},
			{Address: discovery.TargetsPath, Text: "Clusters for Prometheus HTTP service discovery"},
		},
	})
	if err != nil {
		logger.Error("landing page", "err", err)
		os.Exit(1)
	}
	mux.Handle("/", landing)

	server := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := web.ListenAndServe(server, toolkitFlags, logger); err != nil {
		logger.Error("server stopped", "err", err)
		os.Exit(1)
	}
}

// firstOr is the first name, or def when the fleet is empty (discovery has
// not found anything yet).
func firstOr(names []string, def string) string {
	if len(names) == 0 {
		return def
	}
	return names[0]
}
