// Command rabbitfleet_devicesim opens many simulated MQTT, STOMP and AMQP device connections
// against a RabbitMQ cluster, publishes telemetry from them and churns them.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	kingpin "github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/common/promslog"
	promslogflag "github.com/prometheus/common/promslog/flag"

	"github.com/rabbitfleet/rabbitfleet/internal/devicesim"
)

const passwordEnv = "RABBITFLEET_DEVICESIM_PASSWORD"

// options are the parsed command-line flags.
type options struct {
	cfg              devicesim.Config
	passwordFile     string
	counts           map[devicesim.Protocol]*int
	churn            float64
	duration         time.Duration
	progressInterval time.Duration
	qos              uint8
}

func main() {
	os.Exit(run(os.Args[1:], os.Stderr, os.Getenv))
}

// run is main without the process exit, so tests can drive it.
func run(args []string, stderr io.Writer, getenv func(string) string) int {
	opts, logConfig, err := parseFlags(args, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "rabbitfleet_devicesim: %v\n", err)
		return 2
	}
	logger := promslog.New(logConfig)
	opts.cfg.Password, err = resolvePassword(opts.passwordFile, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "rabbitfleet_devicesim: %v\n", err)
		return 2
	}
	opts.cfg.QoS = opts.qos

	sim, err := devicesim.New(opts.cfg, logger)
	if err != nil {
		fmt.Fprintf(stderr, "rabbitfleet_devicesim: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if opts.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.duration)
		defer cancel()
	}
	return simulate(ctx, sim, opts, logger, stderr)
}

func parseFlags(args []string, stderr io.Writer) (options, *promslog.Config, error) {
	var opts options
	app := kingpin.New("rabbitfleet_devicesim", "Simulates MQTT 3.1.1 and 5.0, STOMP, AMQP 0-9-1 and 1.0 devices against RabbitMQ: opens connections, publishes telemetry, churns connections.")
	app.HelpFlag.Short('h')
	app.Writer(stderr).ErrorWriter(stderr).UsageWriter(stderr)
	app.Flag("mqtt.address", "MQTT listener host:port.").Default("127.0.0.1:1883").StringVar(&opts.cfg.MQTTAddr)
	app.Flag("stomp.address", "STOMP listener host:port.").Default("127.0.0.1:61613").StringVar(&opts.cfg.STOMPAddr)
	app.Flag("amqp.url", "AMQP URL (0-9-1 and 1.0); credentials in it take precedence over --username and the password.").Default("amqp://127.0.0.1:5672/").StringVar(&opts.cfg.AMQPURL)
	app.Flag("username", "User name for all protocols.").Default("guest").StringVar(&opts.cfg.Username)
	app.Flag("password-file", "File holding the password (trailing newline ignored). Otherwise $"+passwordEnv+", otherwise guest.").StringVar(&opts.passwordFile)
	opts.counts = map[devicesim.Protocol]*int{
		devicesim.MQTT:   app.Flag("mqtt", "Number of MQTT 3.1.1 connections.").Default("0").Int(),
		devicesim.MQTT5:  app.Flag("mqtt5", "Number of MQTT 5.0 connections (RabbitMQ 3.13 and later).").Default("0").Int(),
		devicesim.STOMP:  app.Flag("stomp", "Number of STOMP 1.2 connections.").Default("0").Int(),
		devicesim.AMQP:   app.Flag("amqp", "Number of AMQP 0-9-1 connections.").Default("0").Int(),
		devicesim.AMQP10: app.Flag("amqp10", "Number of AMQP 1.0 connections to --amqp.url's host (a plugin before RabbitMQ 4.0).").Default("0").Int(),
	}
	app.Flag("churn", "Connections closed and re-opened per second, split across protocols in proportion to their counts; 0 disables.").Default("0").Float64Var(&opts.churn)
	app.Flag("publish-interval", "How often every connection publishes a telemetry message; 0 disables publishing.").Default("10s").DurationVar(&opts.cfg.PublishInterval)
	app.Flag("qos", "0: fire and forget; 1: wait for MQTT PUBACK, STOMP RECEIPT or AMQP publisher confirm.").Default("0").Uint8Var(&opts.qos)
	app.Flag("subscribe", "Every device subscribes to its command topic (one queue per device on the broker).").BoolVar(&opts.cfg.Subscribe)
	app.Flag("duration", "How long to run; 0 runs until SIGINT or SIGTERM.").Default("0").DurationVar(&opts.duration)
	app.Flag("dial-concurrency", "Connections being opened at once.").Default("50").IntVar(&opts.cfg.DialConcurrency)
	app.Flag("client-prefix", "Prefix of client ids (<prefix>-mqtt-<n>, ...); random when empty.").StringVar(&opts.cfg.ClientPrefix)
	app.Flag("progress-interval", "How often to print a progress line to stderr.").Default("5s").DurationVar(&opts.progressInterval)
	logConfig := &promslog.Config{Writer: stderr}
	promslogflag.AddFlags(app, logConfig)

	if _, err := app.Parse(args); err != nil {
		return opts, nil, err
	}
	total := 0
	for p, n := range opts.counts {
		if *n < 0 {
			return opts, nil, fmt.Errorf("--%s %d: must not be negative", p, *n)
		}
		total += *n
	}
	if total == 0 {
		return opts, nil, errors.New("nothing to simulate: set --mqtt, --mqtt5, --stomp, --amqp and/or --amqp10")
	}
	if opts.churn < 0 || opts.duration < 0 || opts.progressInterval <= 0 {
		return opts, nil, errors.New("--churn and --duration must not be negative, --progress-interval must be positive")
	}
	return opts, logConfig, nil
}

// simulate opens the connections, runs publishing and churn until ctx ends, and closes
// everything. It returns the process exit code.
func simulate(ctx context.Context, sim *devicesim.Simulator, opts options, logger *slog.Logger, stderr io.Writer) int {
	start := time.Now()
	logger.Info("starting device simulator", "config", sim.Config())
	progress := newProgress(stderr, start)
	stopProgress := progress.every(opts.progressInterval, sim.Stats) // also while opening
	defer stopProgress()

	for _, p := range devicesim.Protocols() {
		if err := sim.Open(ctx, p, *opts.counts[p]); err != nil {
			if ctx.Err() != nil {
				break // interrupted while opening: shut down cleanly
			}
			fmt.Fprintf(stderr, "rabbitfleet_devicesim: cannot connect: %v\n", err)
			if err := sim.CloseAll(); err != nil {
				logger.Warn("closing the connections that did open", "err", err)
			}
			return 1
		}
	}
	if ctx.Err() == nil {
		fmt.Fprintf(stderr, "opened %s in %s\n", formatOpen(sim.Stats()), time.Since(start).Round(time.Millisecond))
	}

	var workers sync.WaitGroup
	if opts.cfg.PublishInterval > 0 {
		workers.Go(func() { _ = sim.Run(ctx) }) // Run fails only without an interval
	}
	for p, rate := range churnRates(opts.churn, opts.counts) {
		workers.Go(func() {
			res, err := sim.Churn(ctx, p, rate)
			if err != nil {
				logger.Error("churn", "protocol", p, "err", err)
			}
			logger.Info("churn finished", "protocol", p, "closed", res.Closed, "opened", res.Opened, "failed", res.Failed)
		})
	}
	<-ctx.Done()
	workers.Wait() // Run and Churn end with ctx
	closeErr := sim.CloseAll()
	stopProgress()
	progress.final(sim.Stats())
	if closeErr != nil {
		fmt.Fprintf(stderr, "rabbitfleet_devicesim: %v\n", closeErr)
		return 1
	}
	return 0
}

// churnRates splits the total churn rate across protocols in proportion to their counts.
func churnRates(total float64, counts map[devicesim.Protocol]*int) map[devicesim.Protocol]float64 {
	rates := map[devicesim.Protocol]float64{}
	sum := 0
	for _, n := range counts {
		sum += *n
	}
	if total <= 0 || sum == 0 {
		return rates
	}
	for p, n := range counts {
		if *n > 0 {
			rates[p] = total * float64(*n) / float64(sum)
		}
	}
	return rates
}
