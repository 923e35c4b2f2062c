package discovery

import (
	"reflect"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/exporter/config"
)

// How a node's URL is built from its instance, for each management setting.
func TestManagementURLOfAnInstance(t *testing.T) {
	cases := []struct {
		mgmt config.EC2Address
		port string // the instance's port tag, if any
		want string
	}{
		{config.EC2Address{Scheme: "http", Port: 15672, Address: config.AddressPrivateIP}, "", "http://10.0.0.1:15672"},
		{config.EC2Address{Scheme: "https", Port: 443, Address: config.AddressPublicIP}, "", "https://54.0.0.1:443"},
		{config.EC2Address{Scheme: "https", Port: 15671, Address: config.AddressPrivateDNS}, "", "https://ip-10-0-0-1.eu-west-1.compute.internal:15671"},
		{config.EC2Address{Scheme: "http", Port: 15672, Address: config.AddressPrivateIP}, "15673", "http://10.0.0.1:15673"},
	}
	for _, tc := range cases {
		src := &config.EC2Discovery{Region: "eu-west-1", Tags: config.EC2Tags{Cluster: "c", Role: "r", Region: "g", ManagementPort: "p"}, Management: tc.mgmt}
		in := Instance{ID: "i-1", PrivateIP: "10.0.0.1", PublicIP: "54.0.0.1", PrivateDNS: "ip-10-0-0-1.eu-west-1.compute.internal",
			Tags: map[string]string{"c": "gw", "r": "gateway"}}
		if tc.port != "" {
			in.Tags["p"] = tc.port
		}
		clusters, skips := ClustersOf([]Instance{in}, src)
		if len(skips) != 0 || len(clusters) != 1 || !reflect.DeepEqual(clusters[0].ManagementURLs, []string{tc.want}) {
			t.Errorf("%+v port tag %q: clusters %+v skips %+v, want URL %s", tc.mgmt, tc.port, clusters, skips, tc.want)
		}
	}
}

// Nodes come out sorted whatever order EC2 lists them in, and two instances
// answering on the same address make one node.
func TestNodesAreSortedAndDistinct(t *testing.T) {
	src := &config.EC2Discovery{Region: "eu-west-1", Tags: config.EC2Tags{Cluster: "c", Role: "r"},
		Management: config.EC2Address{Scheme: "http", Port: 15672, Address: config.AddressPrivateDNS}}
	node := func(id, dns string) Instance {
		return Instance{ID: id, PrivateDNS: dns, Tags: map[string]string{"c": "b", "r": "backend"}}
	}
	clusters, _ := ClustersOf([]Instance{node("i-3", "c.internal"), node("i-1", "b.internal"), node("i-2", "a.internal"), node("i-4", "a.internal")}, src)
	want := []string{"http://a.internal:15672", "http://b.internal:15672", "http://c.internal:15672"}
	if len(clusters) != 1 || !reflect.DeepEqual(clusters[0].ManagementURLs, want) {
		t.Errorf("clusters %+v, want one with %v", clusters, want)
	}
}
