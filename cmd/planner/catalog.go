package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/alecthomas/kingpin/v2"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
	"github.com/rabbitfleet/rabbitfleet/planner/latency"
)

func (c *cli) catalogCommand(app *kingpin.Application, cmds map[string]func(context.Context) error) {
	var out string
	var regions, families []string
	cmd := app.Command("catalog", "Instance catalog.")
	refresh := cmd.Command("refresh", "Build an instance catalog from AWS (EC2 DescribeInstanceTypes, Pricing GetProducts) "+
		"with the default credential chain, for `planner forecast --catalog`.")
	refresh.Flag("out", "Catalog file to write (JSON), replaced atomically.").PlaceHolder("FILE").Required().StringVar(&out)
	refresh.Flag("regions", "AWS regions to price, comma-separated or repeated. Default: the latency table's.").PlaceHolder("REGION,...").StringsVar(&regions)
	refresh.Flag("families", "Instance families (c6i) or types (c6i.large), comma-separated or repeated.").
		Default(strings.Join(catalog.DefaultFamilies, ",")).PlaceHolder("FAMILY,...").StringsVar(&families)
	cmds[refresh.FullCommand()] = func(ctx context.Context) error {
		rs := splitList(regions)
		if len(rs) == 0 {
			rs = latency.Default().AWSRegions()
		}
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			return fmt.Errorf("AWS configuration: %w", err)
		}
		c.log.Info("refreshing the instance catalog", "regions", len(rs), "families", strings.Join(splitList(families), ","))
		cat, err := catalog.Refresh(ctx, cfg, rs, splitList(families))
		if err != nil {
			return err
		}
		if err := cat.Write(out); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "Wrote %d instance types in %d regions to %s.\n", len(cat.Types), len(rs), out)
		return nil
	}
}

// splitList flattens repeated and comma-separated values, dropping empty
// ones.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
