package report

// tfGateway is one gateway in terraform.tfvars.json; its fields are in
// alphabetical order, like the map keys encoding/json sorts.
type tfGateway struct {
	AWSRegion    string `json:"aws_region"`
	InstanceType string `json:"instance_type"`
	NodeCount    int    `json:"node_count"`
}

// tfvarsFile renders terraform.tfvars.json: every gateway, existing and
// new, with this month's recommended deployment, keyed by name (sorted),
// and the backend's under "backend" when the fleet has one.
func tfvarsFile(p *Plan) ([]byte, error) {
	gws := map[string]tfGateway{}
	for _, r := range recommended(p) {
		gws[r.name] = tfGateway{AWSRegion: r.awsRegion, InstanceType: r.InstanceType, NodeCount: r.Nodes}
	}
	vars := map[string]any{"gateways": gws}
	if b := p.Backend; b != nil && len(b.Months) > 0 {
		vars["backend"] = map[string]tfGateway{b.Name: {AWSRegion: b.AWSRegion, InstanceType: b.Months[0].InstanceType, NodeCount: b.Months[0].Nodes}}
	}
	return indentJSON(vars)
}
