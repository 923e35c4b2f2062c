package discovery

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
)

// Instance is what discovery reads of one EC2 instance.
type Instance struct {
	ID         string
	PrivateIP  string
	PublicIP   string
	PrivateDNS string
	Tags       map[string]string
}

// ec2Lister lists the running instances of one region that carry the cluster tag.
type ec2Lister struct {
	client *ec2.Client
	input  ec2.DescribeInstancesInput
}

// newEC2Lister builds the region's client. Credentials come from the
// standard chain (environment, shared files, web identity, instance role),
// resolved at the first request, never from the exporter's configuration.
func newEC2Lister(ctx context.Context, src *config.EC2Discovery) (*ec2Lister, error) {
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(src.Region))
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	client := ec2.NewFromConfig(awsCfg, func(o *ec2.Options) {
		if src.Endpoint != "" {
			o.BaseEndpoint = aws.String(src.Endpoint)
		}
	})
	// EC2 filters on its side: only running instances that carry the cluster
	// tag come back, not every instance of the account.
	filters := []ec2types.Filter{
		{Name: aws.String("instance-state-name"), Values: []string{"running"}},
		{Name: aws.String("tag-key"), Values: []string{src.Tags.Cluster}},
	}
	for _, f := range src.Filters {
		filters = append(filters, ec2types.Filter{Name: aws.String(f.Name), Values: f.Values})
	}
	return &ec2Lister{client: client, input: ec2.DescribeInstancesInput{Filters: filters, MaxResults: aws.Int32(1000)}}, nil
}

// list reads every page of DescribeInstances.
func (l *ec2Lister) list(ctx context.Context) ([]Instance, error) {
	input := l.input
	pages := ec2.NewDescribeInstancesPaginator(l.client, &input)
	var found []Instance
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Reservations {
			for _, in := range r.Instances {
				found = append(found, instanceOf(in))
			}
		}
	}
	return found, nil
}

func instanceOf(in ec2types.Instance) Instance {
	tags := make(map[string]string, len(in.Tags))
	for _, t := range in.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return Instance{
		ID:         aws.ToString(in.InstanceId),
		PrivateIP:  aws.ToString(in.PrivateIpAddress),
		PublicIP:   aws.ToString(in.PublicIpAddress),
		PrivateDNS: aws.ToString(in.PrivateDnsName),
		Tags:       tags,
	}
}
