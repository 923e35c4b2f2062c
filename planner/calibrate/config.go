package calibrate

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"slices"
	"time"

	"github.com/rabbitfleet/rabbitfleet/planner/capacity"
)

// DefaultPasswordEnv is the environment variable read for the password
// when neither Config.PasswordFile nor Config.PasswordEnv is set.
const DefaultPasswordEnv = "RABBITFLEET_CALIBRATE_PASSWORD"

// Config says which broker to measure and how hard to push it.
type Config struct {
	// ManagementURL is the node's management API, e.g.
	// http://127.0.0.1:15672, without credentials.
	ManagementURL string
	// MQTTAddr is the host:port of the same node's MQTT listener.
	MQTTAddr string
	// Username is for both; default guest.
	Username string
	// PasswordFile or PasswordEnv holds the password: never a value of its
	// own, so that it cannot leak through a command line or a config dump.
	// With neither, DefaultPasswordEnv is read. When the variable is unset
	// and Username is guest, the password is guest (RabbitMQ's default).
	PasswordFile, PasswordEnv string
	// Node is the node to measure when the cluster has several: the one
	// MQTTAddr reaches. Default: the cluster's only node.
	Node string

	// Connections is the top of the ramp, reached in Steps equal steps from
	// none; the churn and message phases run at that count. Default 1000 and 4.
	Connections, Steps int
	// ChurnRates are the reconnections per second tried, ChurnDuration each.
	// Default 25, 50, 100 per second for 20s.
	ChurnRates    []float64
	ChurnDuration time.Duration
	// MessageRates are the messages per second (all connections together)
	// tried, MessageDuration each. Default 500, 1000, 2000 per second for 20s.
	MessageRates    []float64
	MessageDuration time.Duration
	// Settle is the wait after each connection step before memory and file
	// descriptors are read: longer than the broker's statistics interval
	// (collect_statistics_interval, 5s by default), so that the readings
	// are fresh. Default 6s.
	Settle time.Duration
	// IdleWindow is how long idle CPU is measured at each connection step.
	// A multiple of the statistics interval gives every window the same
	// share of the broker's statistics work; a shorter window reads 0 or 1
	// emission by chance. Default 10s.
	IdleWindow time.Duration
	// Timeout bounds the wait for the broker to count the connections
	// opened or closed, and for its memory to settle at each step.
	// Default 60s.
	Timeout time.Duration
	// DialConcurrency is how many connections are opened (and messages
	// published) at once. Default 100.
	DialConcurrency int

	// BrokerPID is the broker's OS process on this machine, whose CPU time
	// /proc/PID/stat gives. 0: the node's os_pid when the management URL is
	// a loopback address and that process is an Erlang VM. Without it the
	// CPU figures keep the base profile's values and the report says so.
	BrokerPID int
	// Cores is the broker's core count when the management API does not
	// give it (node "processors"). 0: from the API.
	Cores int
	// BytesPerMessage is the fleet's mean message size on the wire: a
	// property of the devices, not of the broker, so it is not taken from
	// the simulator's small payloads. 0 keeps the base profile's value.
	BytesPerMessage float64
	// Host describes the machine the broker runs on (instance type, OS),
	// for the profile's measured_on.
	Host string
	// Base gives every figure not measured. Default: the embedded profile
	// nearest the broker's version (capacity.Set.Select).
	Base *capacity.Profile

	baseName      string // how notes name Base
	baseByVersion bool   // Base is to be chosen once the version is known
}

// Library defaults: small enough for a test broker; `planner calibrate`
// ramps further by default.
const (
	DefaultConnections = 1000
	DefaultSteps       = 4
)

// Defaults shared by Config and the flags.
var (
	defaultChurnRates   = []float64{25, 50, 100}
	defaultMessageRates = []float64{500, 1000, 2000}
)

const (
	defaultChurnDuration   = 20 * time.Second
	defaultMessageDuration = 20 * time.Second
	defaultSettle          = 6 * time.Second
	defaultIdleWindow      = 10 * time.Second
	defaultTimeout         = 60 * time.Second
	defaultDialConcurrency = 100
)

// withDefaults fills in defaults and checks every field, so that a bad
// value fails before the first connection opens.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Username == "" {
		cfg.Username = "guest"
	}
	if cfg.PasswordFile == "" && cfg.PasswordEnv == "" {
		cfg.PasswordEnv = DefaultPasswordEnv
	}
	setDefault(&cfg.Connections, DefaultConnections)
	setDefault(&cfg.Steps, DefaultSteps)
	setDefault(&cfg.ChurnDuration, defaultChurnDuration)
	setDefault(&cfg.MessageDuration, defaultMessageDuration)
	setDefault(&cfg.Settle, defaultSettle)
	setDefault(&cfg.IdleWindow, defaultIdleWindow)
	setDefault(&cfg.Timeout, defaultTimeout)
	setDefault(&cfg.DialConcurrency, defaultDialConcurrency)
	if cfg.ChurnRates == nil {
		cfg.ChurnRates = slices.Clone(defaultChurnRates)
	}
	if cfg.MessageRates == nil {
		cfg.MessageRates = slices.Clone(defaultMessageRates)
	}
	cfg.baseName = "the base profile"
	if cfg.Base == nil {
		// The default stands in until preflight reads the version.
		d := capacity.Default()
		cfg.Base, cfg.baseName, cfg.baseByVersion = &d, "the "+capacity.DefaultName, true
	}
	return cfg, cfg.validate()
}

func setDefault[T int | time.Duration](v *T, def T) {
	if *v == 0 {
		*v = def
	}
}

func (cfg Config) validate() error {
	u, err := url.Parse(cfg.ManagementURL)
	switch {
	case cfg.ManagementURL == "":
		return errors.New("management URL is empty: want e.g. http://127.0.0.1:15672")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("management URL %q: want http:// or https:// and a host", shownURL(cfg.ManagementURL))
	case u.User != nil:
		return fmt.Errorf("management URL %q holds credentials: give the password in a file or an environment variable instead", shownURL(cfg.ManagementURL))
	}
	if _, _, err := net.SplitHostPort(cfg.MQTTAddr); err != nil {
		return fmt.Errorf("MQTT address %q: want host:port", cfg.MQTTAddr)
	}
	if cfg.PasswordFile != "" && cfg.PasswordEnv != "" {
		return errors.New("set only one of the password file and the password environment variable")
	}
	if cfg.Steps < 2 {
		return fmt.Errorf("steps %d: need at least 2, so that the fits have 3 points and an error estimate", cfg.Steps)
	}
	if cfg.Connections < cfg.Steps {
		return fmt.Errorf("connections %d: need at least one per step (%d steps)", cfg.Connections, cfg.Steps)
	}
	if err := checkRates("churn", cfg.ChurnRates); err != nil {
		return err
	}
	if err := checkRates("message", cfg.MessageRates); err != nil {
		return err
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"churn duration", cfg.ChurnDuration}, {"message duration", cfg.MessageDuration},
		{"settle time", cfg.Settle}, {"idle window", cfg.IdleWindow}, {"timeout", cfg.Timeout},
	} {
		if d.v < 0 {
			return fmt.Errorf("%s %v is negative", d.name, d.v)
		}
	}
	// Every connection publishes once a round, so the lowest rate needs a
	// round every Connections/rate seconds, and a rate needs rounds to be one.
	if round := time.Duration(float64(cfg.Connections) / cfg.MessageRates[0] * float64(time.Second)); cfg.MessageDuration < 2*round {
		return fmt.Errorf("message duration %v: at %v messages/s, %d connections publish one round every %v; need at least two rounds (%v)",
			cfg.MessageDuration, cfg.MessageRates[0], cfg.Connections, round, 2*round)
	}
	switch {
	case cfg.DialConcurrency < 0:
		return fmt.Errorf("dial concurrency %d is negative", cfg.DialConcurrency)
	case cfg.BrokerPID < 0:
		return fmt.Errorf("broker PID %d is negative", cfg.BrokerPID)
	case cfg.Cores < 0:
		return fmt.Errorf("cores %d is negative", cfg.Cores)
	case !(cfg.BytesPerMessage >= 0) || math.IsInf(cfg.BytesPerMessage, 0):
		return fmt.Errorf("bytes per message %v: want a positive size, or 0 to keep the base profile's", cfg.BytesPerMessage)
	}
	if err := cfg.Base.Validate(); err != nil {
		return fmt.Errorf("base profile: %w", err)
	}
	return nil
}

// checkRates wants at least three increasing positive rates: a slope with
// a standard error needs three points.
func checkRates(what string, rates []float64) error {
	if len(rates) < 3 {
		return fmt.Errorf("%s rates %v: need at least 3, so that the fit has an error estimate", what, rates)
	}
	for i, r := range rates {
		if !(r > 0) || math.IsInf(r, 0) {
			return fmt.Errorf("%s rate %v: want a positive number per second", what, r)
		}
		if i > 0 && r <= rates[i-1] {
			return fmt.Errorf("%s rates %v: want them increasing", what, rates)
		}
	}
	return nil
}

// shownURL hides any password in a URL quoted by an error.
func shownURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparseable URL>"
	}
	return u.Redacted()
}
