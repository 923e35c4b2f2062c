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
	cmd.Flag("season", "Season length in steps; 0 detects it, 1 means none.").Default("0").IntVar(&opts.Season)
	cmds[cmd.FullCommand()] = func(context.Context) error {
		var out bytes.Buffer // all or nothing on stdout
		if _, err := forecast.Predict(c.stdin, &out, opts); err != nil {
			return fmt.Errorf("stdin: %w", err)
		}
		_, err := c.stdout.Write(out.Bytes())
		return err
	}
}
