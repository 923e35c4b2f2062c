package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"text/tabwriter"

	"github.com/alecthomas/kingpin/v2"

	"github.com/rabbitfleet/rabbitfleet/planner/forecast"
	"github.com/rabbitfleet/rabbitfleet/planner/history"
	"github.com/rabbitfleet/rabbitfleet/planner/plan"
	"github.com/rabbitfleet/rabbitfleet/planner/report"
)

func (c *cli) backtestCommand(app *kingpin.Application, cmds map[string]func(context.Context) error) {
	var snapshot string
	var opts forecast.Options
	cmd := app.Command("backtest", "Print the forecast engine's backtest accuracy (model, MASE, baselines, interval coverage) "+
		"for every cluster's daily p95 series of a snapshot, or for one series read from stdin as CSV timestamp,value.")
	cmd.Flag("snapshot", "History snapshot file; without it one series is read from stdin.").PlaceHolder("FILE").StringVar(&snapshot)
	cmd.Flag("horizon", "Steps ahead the backtest judges (days for a snapshot).").Default(strconv.Itoa(plan.AccuracyDays)).IntVar(&opts.Horizon)
	cmd.Flag("season", "Season length hint in steps for the stdin series or the suite: 0 detects the seasons, N adds N to the candidates, 1 means none.").Default("0").IntVar(&opts.Season)
	var suite string
	cmd.Flag("suite", "Accuracy suite: every subdirectory of DIR with *.csv series is a set; each series' last M4 horizon "+
		"(48 hourly, 13 weekly, 18 monthly) is held out and scored (sMAPE, MASE, 80/95% coverage, MSIS) beside seasonal naive.").
		PlaceHolder("DIR").StringVar(&suite)
	perSeries := cmd.Flag("per-series", "With --suite, also list every series: its model, MASE, coverage and MSIS beside seasonal naive's.").Bool()
	cmds[cmd.FullCommand()] = func(context.Context) error {
		if suite != "" {
			opts.Horizon = 0 // each series takes its set's horizon
			scores, err := forecast.RunSuite(suite, opts)
			if err != nil {
				return err
			}
			text := forecast.FormatSuite(scores)
			if *perSeries {
				text += "\n" + forecast.FormatSuiteSeries(scores)
			}
			_, err = io.WriteString(c.stdout, text)
			return err
		}
		var rows []report.Accuracy
		if snapshot != "" {
			h, err := history.Read(snapshot)
			if err != nil {
				return err
			}
			if rows, err = plan.Backtest(h, snapshotClusters(h), opts.Horizon); err != nil {
				return fmt.Errorf("%s: %w", snapshot, err)
			}
			if len(rows) == 0 {
				return fmt.Errorf("%s: no connections, connections_opened_per_second or messages_published_per_second series", snapshot)
			}
		} else {
			s, err := forecast.ReadCSV(c.stdin)
			if err != nil {
				return fmt.Errorf("stdin: %w", err)
			}
			opts.Periods = forecast.PeriodsFor(s.Step)
			res, err := forecast.Forecast(s.Values, opts)
			if err != nil {
				return fmt.Errorf("stdin: %w", err)
			}
			rows = []report.Accuracy{plan.Accuracy("stdin", res)}
		}
		return printAccuracy(c, rows)
	}
}

// snapshotClusters are the clusters with any series, sorted.
func snapshotClusters(h *history.Snapshot) []string {
	var out []string
	for _, s := range h.Series {
		out = append(out, s.Cluster)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func printAccuracy(c *cli, rows []report.Accuracy) error {
	w := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "SERIES\tMODEL\tMASE\tSEASONAL-NAIVE\tLINEAR-TREND\tCOVERAGE80\tCOVERAGE95")
	for _, a := range rows {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.Series, a.Model,
			num(a.MASE), num(a.SeasonalNaiveMASE), num(a.LinearTrendMASE), num(a.Coverage80), num(a.Coverage95))
	}
	return w.Flush()
}

// num prints a backtest figure, n/a where the backtest gave none.
func num(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return strconv.FormatFloat(*v, 'f', 3, 64)
}
