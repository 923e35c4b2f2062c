package calibrate

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/alecthomas/kingpin/v2"
)

// Help is the `planner calibrate` command's help text.
const Help = "Measure a RabbitMQ node's capacity profile for `planner forecast --profile` (or a `--profiles` directory): ramp simulated MQTT devices " +
	"against it (connections, then churn, then message rate), fit memory, file descriptors and CPU per connection " +
	"and per event, and write the profile. Run it against an otherwise idle node; every connection is closed at the end."

// Command is `planner calibrate`'s flags; AddFlags registers them.
type Command struct {
	cfg          Config
	out          string
	churnRates   string
	messageRates string
}

// AddFlags registers the flags on cmd. The command line never takes a
// password: --password-file or --password-env names where it is.
func AddFlags(cmd *kingpin.CmdClause) *Command {
	c := &Command{}
	cfg := &c.cfg
	cmd.Flag("out", "Capacity profile to write (JSON), replaced atomically.").PlaceHolder("FILE").Required().StringVar(&c.out)
	cmd.Flag("management.url", "The node's management API, without credentials.").Default("http://127.0.0.1:15672").StringVar(&cfg.ManagementURL)
	cmd.Flag("mqtt.address", "The same node's MQTT listener, host:port.").Default("127.0.0.1:1883").StringVar(&cfg.MQTTAddr)
	cmd.Flag("username", "User for the management API and MQTT.").Default("guest").StringVar(&cfg.Username)
	cmd.Flag("password-file", "File holding the password (trailing newline ignored).").PlaceHolder("FILE").StringVar(&cfg.PasswordFile)
	cmd.Flag("password-env", "Environment variable holding the password. Default: $"+DefaultPasswordEnv+"; unset with user guest: guest.").PlaceHolder("NAME").StringVar(&cfg.PasswordEnv)
	cmd.Flag("node", "Node to measure when the cluster has several: the one --mqtt.address reaches.").StringVar(&cfg.Node)
	cmd.Flag("connections", "Top of the connection ramp; churn and messages run at this count.").Default("3000").IntVar(&cfg.Connections)
	cmd.Flag("steps", "Steps of the connection ramp (at least 2).").Default("6").IntVar(&cfg.Steps)
	cmd.Flag("churn-rates", "Reconnections per second to measure, comma-separated (at least 3, increasing).").Default(formatRates(defaultChurnRates, ",")).StringVar(&c.churnRates)
	cmd.Flag("churn-duration", "How long each churn rate runs.").Default(defaultChurnDuration.String()).DurationVar(&cfg.ChurnDuration)
	cmd.Flag("message-rates", "Messages per second (all connections together) to measure, comma-separated (at least 3, increasing).").Default(formatRates(defaultMessageRates, ",")).StringVar(&c.messageRates)
	cmd.Flag("message-duration", "How long each message rate runs.").Default(defaultMessageDuration.String()).DurationVar(&cfg.MessageDuration)
	cmd.Flag("settle", "Wait after each connection step before reading memory: longer than the broker's collect_statistics_interval.").Default(defaultSettle.String()).DurationVar(&cfg.Settle)
	cmd.Flag("idle-window", "How long idle CPU is measured at each connection step.").Default(defaultIdleWindow.String()).DurationVar(&cfg.IdleWindow)
	cmd.Flag("timeout", "How long to wait for the broker to count the connections opened or closed.").Default(defaultTimeout.String()).DurationVar(&cfg.Timeout)
	cmd.Flag("dial-concurrency", "Connections opened (and messages published) at once.").Default(strconv.Itoa(defaultDialConcurrency)).IntVar(&cfg.DialConcurrency)
	cmd.Flag("broker-pid", "The broker's process on this machine, for CPU time from /proc. Default: the node's os_pid when the management URL is a loopback address; otherwise the CPU figures keep the embedded profile's values.").Default("0").IntVar(&cfg.BrokerPID)
	cmd.Flag("cores", "The broker's core count, when the management API does not report the node's processors.").Default("0").IntVar(&cfg.Cores)
	cmd.Flag("bytes-per-message", "The devices' mean message size on the wire. Default: keep the embedded profile's.").Default("0").Float64Var(&cfg.BytesPerMessage)
	cmd.Flag("host", "What the broker runs on (instance type, OS), for the profile's measured_on.").StringVar(&cfg.Host)
	return c
}

// Run calibrates, writes the profile to --out and prints the report.
func (c *Command) Run(ctx context.Context, stdout io.Writer, log *slog.Logger) error {
	cfg := c.cfg
	var err error
	if cfg.ChurnRates, err = parseRates("--churn-rates", c.churnRates); err != nil {
		return err
	}
	if cfg.MessageRates, err = parseRates("--message-rates", c.messageRates); err != nil {
		return err
	}
	// Fail before minutes of measuring, not after.
	if st, err := os.Stat(filepath.Dir(c.out)); err != nil || !st.IsDir() {
		return fmt.Errorf("--out %s: its directory does not exist", c.out)
	}
	p, rep, err := Run(ctx, cfg, log)
	if err != nil {
		return err
	}
	if err := p.Write(c.out); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\nWrote the capacity profile to %s; use it with `planner forecast --profile %s`.\n", rep.Text(), c.out, c.out)
	return err
}

// parseRates reads a comma-separated list of rates; Config checks them.
func parseRates(flag, s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %q is not a number", flag, s, f)
		}
		out = append(out, v)
	}
	return out, nil
}
