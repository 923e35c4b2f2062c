package main

import (
	"bytes"
	"context"
	"fmt"

	"github.com/alecthomas/kingpin/v2"

	"github.com/rabbitfleet/rabbitfleet/planner/forecast"
)

func (c *cli) predictCommand(app *kingpin.Application, cmds map[string]func(context.Context) error) {
	var opts forecast.Options
	cmd := app.Command("predict", "Forecast one series read from stdin as CSV timestamp,value (regular spacing); "+
		"write timestamp,forecast,lo80,hi80,lo95,hi95 to stdout.")
	cmd.Flag("horizon", "Steps to forecast.").Required().IntVar(&opts.Horizon)
	cmd.Flag("season", "Season length hint in steps: 0 detects the seasons among the usual ones for the step, "+
		"N adds N to them (longer or extra seasons the data supports are still used), 1 means none.").Default("0").IntVar(&opts.Season)
	var explain bool
	cmd.Flag("explain", "Write the chosen model, its seasons and its backtest MASE to stderr.").BoolVar(&explain)
	cmds[cmd.FullCommand()] = func(context.Context) error {
		var out bytes.Buffer // all or nothing on stdout
		res, err := forecast.Predict(c.stdin, &out, opts)
		if err != nil {
			return fmt.Errorf("stdin: %w", err)
		}
		if explain {
			fmt.Fprintln(c.stderr, "planner: predict: "+res.Explain())
		}
		_, err = c.stdout.Write(out.Bytes())
		return err
	}
}
