package main

import (
	"context"

	"github.com/alecthomas/kingpin/v2"

	"github.com/rabbitfleet/rabbitfleet/planner/calibrate"
)

// calibrateCommand measures a capacity profile on a real broker
// (planner/calibrate) and writes it for `forecast --profile`.
func (c *cli) calibrateCommand(app *kingpin.Application, cmds map[string]func(context.Context) error) {
	cmd := app.Command("calibrate", calibrate.Help)
	flags := calibrate.AddFlags(cmd)
	cmds[cmd.FullCommand()] = func(ctx context.Context) error { return flags.Run(ctx, c.stdout, c.log) }
}
