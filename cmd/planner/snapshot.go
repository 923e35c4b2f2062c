package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/alecthomas/kingpin/v2"

	"github.com/rabbitfleet/rabbitfleet/planner/demo"
	"github.com/rabbitfleet/rabbitfleet/planner/fleet"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
)

func (c *cli) snapshotCommand(app *kingpin.Application, cmds map[string]func(context.Context) error) {
	var promURL, span, out, fleetFile string
	var useDemo bool
	cmd := app.Command("snapshot", "Write a history snapshot file from Prometheus (or the demo history), "+
		"for `planner forecast --snapshot` to reproduce a report offline.")
	cmd.Flag("prometheus", "Prometheus-compatible HTTP API to read from, e.g. http://prometheus:9090.").PlaceHolder("URL").StringVar(&promURL)
	cmd.Flag("demo", "Write the embedded demo history instead.").BoolVar(&useDemo)
	cmd.Flag("range", "How much history to read, ending at the last full hour.").Default("400d").StringVar(&span)
	cmd.Flag("fleet", "Fleet file whose clusters' node_cpu_selector say which node_exporter series to read too.").PlaceHolder("FILE").StringVar(&fleetFile)
	cmd.Flag("out", "Snapshot file to write (gzip when it ends in .gz), replaced atomically.").PlaceHolder("FILE").Required().StringVar(&out)
	cmds[cmd.FullCommand()] = func(ctx context.Context) error {
		var s *history.Snapshot
		switch {
		case useDemo && promURL != "":
			return errors.New("--demo and --prometheus exclude each other")
		case useDemo:
			s = demo.History()
		case promURL != "":
			var f *fleet.Fleet
			var err error
			if fleetFile != "" {
				if f, err = fleet.Load(fleetFile); err != nil {
					return err
				}
			}
			if s, _, err = c.fetch(ctx, promURL, span, "--range", f); err != nil {
				return err
			}
		default:
			return errors.New("give --prometheus URL, or --demo for the demo history")
		}
		if err := history.Write(out, s); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "Wrote %d series, %s to %s at %v, to %s.\n", len(s.Series),
			s.Start.UTC().Format("2006-01-02 15:04"), s.End.UTC().Format("2006-01-02 15:04"), s.Step, out)
		return nil
	}
}
