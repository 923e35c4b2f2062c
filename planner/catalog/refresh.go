package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	pricingtypes "github.com/aws/aws-sdk-go-v2/service/pricing/types"
)

// pricingRegion hosts the Pricing API endpoint the planner uses; the
// prices it returns cover every region.
const pricingRegion = "us-east-1"

// refreshSource is the Source of a catalog built by Refresh.
const refreshSource = "AWS: EC2 DescribeInstanceTypes and Pricing GetProducts; on-demand, Linux, shared tenancy, USD per hour; network is the sustained baseline bandwidth"

var familyRE = regexp.MustCompile(`^[a-z0-9-]+(\.[a-z0-9-]+)?$`)

// Refresh builds a catalog from AWS for the given regions. A family is an
// instance family ("c6i": all its sizes but bare metal) or one type
// ("c6i.large"). Specifications come from EC2 DescribeInstanceTypes in
// cfg's region (us-east-1 when unset, which offers every current type);
// prices from the Pricing API in us-east-1. A type priced in none of the
// regions is left out; a region with no priced type at all is an error
// (most likely a misspelt name). Any failed call fails the whole refresh:
// no partial catalog.
func Refresh(ctx context.Context, cfg aws.Config, regions, families []string) (*Catalog, error) {
	return refresh(ctx, cfg, regions, families, time.Now().UTC().Truncate(time.Second))
}

func refresh(ctx context.Context, cfg aws.Config, regions, families []string, now time.Time) (*Catalog, error) {
	if len(regions) == 0 || len(families) == 0 {
		return nil, errors.New("catalog refresh: at least one region and one instance family are required")
	}
	want := map[string]bool{}
	for _, r := range regions {
		if !awsRegionRE.MatchString(r) {
			return nil, fmt.Errorf("catalog refresh: region %q is not an AWS region name (like eu-west-1)", r)
		}
		want[r] = true
	}
	patterns := make([]string, len(families))
	for i, f := range families {
		if !familyRE.MatchString(f) {
			return nil, fmt.Errorf("catalog refresh: %q is neither an instance family (like c6i) nor a type (like c6i.large)", f)
		}
		patterns[i] = f
		if !strings.Contains(f, ".") {
			patterns[i] = f + ".*"
		}
	}

	ec2c := ec2.NewFromConfig(cfg, func(o *ec2.Options) {
		if o.Region == "" {
			o.Region = pricingRegion
		}
	})
	types, err := describe(ctx, ec2c, patterns)
	if err != nil {
		return nil, err
	}
	if len(types) == 0 {
		return nil, fmt.Errorf("catalog refresh: EC2 knows no instance type matching %s", strings.Join(patterns, ", "))
	}

	pc := pricing.NewFromConfig(cfg, func(o *pricing.Options) { o.Region = pricingRegion })
	c := &Catalog{Source: refreshSource, Fetched: now}
	for _, t := range types {
		if t.PricePerHour, err = prices(ctx, pc, t.Name, want); err != nil {
			return nil, err
		}
		if len(t.PricePerHour) > 0 {
			c.Types = append(c.Types, t)
		}
	}
	for _, r := range regions {
		if len(c.Offered(r)) == 0 {
			return nil, fmt.Errorf("catalog refresh: no type of %s has an on-demand Linux price in %s", strings.Join(patterns, ", "), r)
		}
	}
	sortTypes(c.Types)
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("catalog refresh: %w", err)
	}
	return c, nil
}

// describe returns the specifications of the types matching patterns,
// without prices.
func describe(ctx context.Context, client *ec2.Client, patterns []string) ([]InstanceType, error) {
	pages := ec2.NewDescribeInstanceTypesPaginator(client, &ec2.DescribeInstanceTypesInput{
		Filters:    []ec2types.Filter{{Name: aws.String("instance-type"), Values: patterns}},
		MaxResults: aws.Int32(100),
	})
	var out []InstanceType
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("catalog refresh: EC2 DescribeInstanceTypes: %w", err)
		}
		for _, info := range page.InstanceTypes {
			// Bare metal costs what the largest size costs and adds
			// nothing a broker could use.
			if aws.ToBool(info.BareMetal) {
				continue
			}
			t, err := spec(info)
			if err != nil {
				return nil, fmt.Errorf("catalog refresh: EC2 DescribeInstanceTypes: %s: %w", info.InstanceType, err)
			}
			out = append(out, t)
		}
	}
	return out, nil
}

func spec(info ec2types.InstanceTypeInfo) (InstanceType, error) {
	t := InstanceType{Name: string(info.InstanceType)}
	if info.VCpuInfo == nil || aws.ToInt32(info.VCpuInfo.DefaultVCpus) <= 0 {
		return t, errors.New("no vCPU count")
	}
	t.VCPU = int(*info.VCpuInfo.DefaultVCpus)
	if info.MemoryInfo == nil || aws.ToInt64(info.MemoryInfo.SizeInMiB) <= 0 {
		return t, errors.New("no memory size")
	}
	t.MemoryGiB = float64(*info.MemoryInfo.SizeInMiB) / 1024
	// The baseline, not the "up to" burst: a broker's traffic is sustained.
	if info.NetworkInfo != nil {
		for _, card := range info.NetworkInfo.NetworkCards {
			t.NetworkGbps += aws.ToFloat64(card.BaselineBandwidthInGbps)
		}
	}
	if t.NetworkGbps <= 0 {
		return t, errors.New("no baseline network bandwidth")
	}
	return t, nil
}

// prices returns the on-demand hourly price of one type in each wanted
// region that offers it. One query per type covers every region: asking
// per type and region would take regions times as many calls of a
// throttled API.
func prices(ctx context.Context, client *pricing.Client, name string, want map[string]bool) (map[string]float64, error) {
	term := func(field, value string) pricingtypes.Filter {
		return pricingtypes.Filter{Field: aws.String(field), Type: pricingtypes.FilterTypeTermMatch, Value: aws.String(value)}
	}
	pages := pricing.NewGetProductsPaginator(client, &pricing.GetProductsInput{
		ServiceCode:   aws.String("AmazonEC2"),
		FormatVersion: aws.String("aws_v1"),
		MaxResults:    aws.Int32(100),
		Filters: []pricingtypes.Filter{
			term("instanceType", name),
			term("operatingSystem", "Linux"),
			term("tenancy", "Shared"),
			term("preInstalledSw", "NA"),
			// "Used" is the plain on-demand instance, not a capacity reservation.
			term("capacitystatus", "Used"),
		},
	})
	out := map[string]float64{}
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("catalog refresh: Pricing GetProducts for %s: %w", name, err)
		}
		for i, doc := range page.PriceList {
			p, err := parseProduct(doc)
			if err != nil {
				return nil, fmt.Errorf("catalog refresh: Pricing GetProducts for %s: price list entry %d: %w", name, i, err)
			}
			if p.instanceType != name {
				return nil, fmt.Errorf("catalog refresh: Pricing GetProducts for %s: price list entry %d is for %q", name, i, p.instanceType)
			}
			if !want[p.region] || p.usdPerHour <= 0 {
				continue
			}
			// Should AWS ever list two such products, the cheaper one is
			// what an operator would buy; and min does not depend on order.
			if old, ok := out[p.region]; !ok || p.usdPerHour < old {
				out[p.region] = p.usdPerHour
			}
		}
	}
	return out, nil
}

type product struct {
	instanceType, region string
	// usdPerHour is 0 when the product has no hourly on-demand USD price.
	usdPerHour float64
}

// parseProduct reads the parts of one Pricing API price list entry (a JSON
// document in a string) that the catalog needs.
func parseProduct(doc string) (product, error) {
	var v struct {
		Product struct {
			Attributes struct {
				InstanceType string `json:"instanceType"`
				RegionCode   string `json:"regionCode"`
			} `json:"attributes"`
		} `json:"product"`
		Terms struct {
			OnDemand map[string]struct {
				PriceDimensions map[string]struct {
					Unit         string            `json:"unit"`
					PricePerUnit map[string]string `json:"pricePerUnit"`
				} `json:"priceDimensions"`
			} `json:"OnDemand"`
		} `json:"terms"`
	}
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		return product{}, fmt.Errorf("not a price list document: %w", err)
	}
	p := product{instanceType: v.Product.Attributes.InstanceType, region: v.Product.Attributes.RegionCode}
	for _, term := range v.Terms.OnDemand {
		for _, dim := range term.PriceDimensions {
			usd, ok := dim.PricePerUnit["USD"]
			if dim.Unit != "Hrs" || !ok {
				continue
			}
			price, err := strconv.ParseFloat(usd, 64)
			if err != nil || math.IsNaN(price) || math.IsInf(price, 0) || price < 0 {
				return product{}, fmt.Errorf("OnDemand pricePerUnit USD %q is not a price", usd)
			}
			if price > 0 && (p.usdPerHour == 0 || price < p.usdPerHour) {
				p.usdPerHour = price
			}
		}
	}
	return p, nil
}
