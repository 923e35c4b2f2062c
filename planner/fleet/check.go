package fleet

import "github.com/rabbitfleet/rabbitfleet/planner/catalog"

// Check verifies against a catalog that every cluster's instance type
// exists and is offered (priced) in the cluster's AWS region. Parse cannot:
// the catalog is a separate input (embedded, a file, or fresh from AWS).
func (f *Fleet) Check(c *catalog.Catalog) error {
	for i, cl := range f.Clusters {
		path, where := clusterWhere(i, cl.Name)
		t, ok := c.Lookup(cl.InstanceType)
		if !ok {
			return f.errAt(path+".instance_type", "%s: instance_type %q is not in the instance catalog", where, cl.InstanceType)
		}
		if _, ok := t.PricePerHour[cl.AWSRegion]; !ok {
			return f.errAt(path+".instance_type", "%s: instance_type %q has no price in aws_region %q in the instance catalog (not offered there)", where, cl.InstanceType, cl.AWSRegion)
		}
	}
	return nil
}
