package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/common/promslog"
	promslogflag "github.com/prometheus/common/promslog/flag"
	"github.com/prometheus/common/version"
)

// cli is one invocation: its streams, clock and logger.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	now            func() time.Time
	log            *slog.Logger
	// secrets are strings no message may show (a Prometheus password).
	secrets []string
}

// clock is the wall clock; tests stop it. Only the Prometheus range
// reads it: a report shows no time but its history's.
var clock = time.Now

// exitCode carries kingpin's exit (after --help or --version) out of
// Parse as a panic, so that run returns instead of ending the process.
type exitCode int

// run is the whole program: it parses args, runs one command and returns
// the exit status. Errors go to stderr as one line; logs too.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, now: clock}
	return c.run(ctx, args)
}

func (c *cli) run(ctx context.Context, args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(exitCode)
			if !ok {
				panic(r)
			}
			code = int(e)
		}
	}()
	app := kingpin.New("planner", "Capacity planner for a fleet of RabbitMQ gateways: forecasts demand, sizes every gateway, "+
		"places new ones and writes the monthly report.\n\n"+
		"Exit status: 0 when the command did its work (also with --help and --version), 1 on any bad input or failure: "+
		"one line on stderr names the file, line and column or the flag, and no report is written or replaced.")
	app.Terminate(func(status int) { panic(exitCode(status)) })
	app.UsageWriter(c.stdout)
	app.ErrorWriter(c.stderr)
	app.Version(version.Print("planner"))
	app.HelpFlag.Short('h')
	logConfig := &promslog.Config{Writer: c.stderr}
	promslogflag.AddFlags(app, logConfig)

	cmds := map[string]func(context.Context) error{}
	c.forecastCommand(app, cmds)
	c.predictCommand(app, cmds)
	c.backtestCommand(app, cmds)
	c.snapshotCommand(app, cmds)
	c.catalogCommand(app, cmds)
	c.calibrateCommand(app, cmds)

	name, err := app.Parse(args)
	if err != nil {
		c.fail(fmt.Errorf("%w (try --help)", err))
		return 1
	}
	c.log = promslog.New(logConfig)
	if err := cmds[name](ctx); err != nil {
		c.fail(err)
		return 1
	}
	return 0
}

// fail prints err as one line, without any secret.
func (c *cli) fail(err error) {
	fmt.Fprintln(c.stderr, "planner: "+c.redact(oneLine(err.Error())))
}

func (c *cli) redact(s string) string {
	for _, secret := range c.secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "xxxxx")
		}
	}
	return s
}

// oneLine joins the lines of a multi-line error (errors.Join) with "; ".
func oneLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, "; ")
}
