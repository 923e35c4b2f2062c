package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// fakeAWS answers EC2 (query protocol, XML) and Pricing (awsJson1_1) the
// way AWS does, from canned pages, and records what it was asked.
type fakeAWS struct {
	t *testing.T
	// ec2Pages are the <item> elements of each DescribeInstanceTypes page.
	ec2Pages [][]string
	// products are the price list documents per instance type, served
	// pricingPage at a time.
	products    map[string][]string
	pricingPage int
	// failEC2 and failPricing (an instance type and a page) make the call
	// answer an error instead.
	failEC2     bool
	failPricing struct {
		name string
		page int
	}

	mu       sync.Mutex
	ec2Forms []map[string][]string
	pricing  []pricingRequest
}

type pricingRequest struct {
	Filters []struct {
		Field, Type, Value string
	}
	FormatVersion string
	MaxResults    int
	NextToken     string
	ServiceCode   string
}

const (
	testAccessKey = "AKIDTESTREFRESH"
	testSecret    = "SECRETtestREFRESHdoNotLeak"
)

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	if r.Method != http.MethodPost || r.URL.Path != "/" || !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential="+testAccessKey+"/") {
		f.t.Errorf("unexpected request %s %s, Authorization %q", r.Method, r.URL.Path, auth)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		f.t.Error(err)
		return
	}
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		if target != "AWSPriceListService.GetProducts" || r.Header.Get("Content-Type") != "application/x-amz-json-1.1" ||
			!strings.Contains(auth, "/us-east-1/pricing/aws4_request") {
			f.t.Errorf("unexpected pricing request: target %q, content type %q, authorization %q", target, r.Header.Get("Content-Type"), auth)
		}
		f.getProducts(w, body)
		return
	}
	if !strings.Contains(auth, "/us-east-1/ec2/aws4_request") {
		f.t.Errorf("EC2 request signed for the wrong scope: %q", auth)
	}
	f.describeInstanceTypes(w, r, body)
}

func (f *fakeAWS) describeInstanceTypes(w http.ResponseWriter, r *http.Request, body []byte) {
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	if err := r.ParseForm(); err != nil {
		f.t.Error(err)
		return
	}
	f.mu.Lock()
	f.ec2Forms = append(f.ec2Forms, r.PostForm)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	if r.PostForm.Get("Action") != "DescribeInstanceTypes" || r.PostForm.Get("Version") != "2016-11-15" {
		f.t.Errorf("unexpected EC2 form %v", r.PostForm)
	}
	if f.failEC2 {
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestID></Response>`)
		return
	}
	page := 0
	if tok := r.PostForm.Get("NextToken"); tok != "" {
		page, _ = strconv.Atoi(strings.TrimPrefix(tok, "page-"))
	}
	next := ""
	if page+1 < len(f.ec2Pages) {
		next = fmt.Sprintf("<nextToken>page-%d</nextToken>", page+1)
	}
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstanceTypesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
    <instanceTypeSet>%s</instanceTypeSet>%s
</DescribeInstanceTypesResponse>`, strings.Join(f.ec2Pages[page], ""), next)
}

func (f *fakeAWS) getProducts(w http.ResponseWriter, body []byte) {
	var req pricingRequest
	if err := json.Unmarshal(body, &req); err != nil {
		f.t.Errorf("pricing request %s: %v", body, err)
		return
	}
	f.mu.Lock()
	f.pricing = append(f.pricing, req)
	f.mu.Unlock()
	name := ""
	for _, flt := range req.Filters {
		if flt.Field == "instanceType" {
			name = flt.Value
		}
	}
	page := 0
	if req.NextToken != "" {
		page, _ = strconv.Atoi(strings.TrimPrefix(req.NextToken, name+"/"))
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if f.failPricing.name == name && f.failPricing.page == page {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"AccessDeniedException","Message":"User is not authorized to perform: pricing:GetProducts"}`)
		return
	}
	all := f.products[name]
	lo, hi := page*f.pricingPage, min((page+1)*f.pricingPage, len(all))
	resp := map[string]any{"FormatVersion": "aws_v1", "PriceList": all[lo:hi]}
	if hi < len(all) {
		resp["NextToken"] = fmt.Sprintf("%s/%d", name, page+1)
	}
	json.NewEncoder(w).Encode(resp)
}

// ec2Item is an <item> of instanceTypeSet as EC2 writes it (abridged to
// the elements the catalog reads plus a few it must skip).
func ec2Item(name string, metal bool, vcpus, mib int, baseline string) string {
	cards := ""
	if baseline != "" {
		cards = `<networkCards><item><networkCardIndex>0</networkCardIndex><networkPerformance>Up to 10 Gigabit</networkPerformance>` +
			`<maximumNetworkInterfaces>3</maximumNetworkInterfaces><baselineBandwidthInGbps>` + baseline +
			`</baselineBandwidthInGbps><peakBandwidthInGbps>10.0</peakBandwidthInGbps></item></networkCards>`
	}
	return fmt.Sprintf(`<item><instanceType>%s</instanceType><currentGeneration>true</currentGeneration>
<supportedUsageClasses><item>on-demand</item><item>spot</item></supportedUsageClasses>
<bareMetal>%t</bareMetal><hypervisor>nitro</hypervisor>
<processorInfo><supportedArchitectures><item>x86_64</item></supportedArchitectures><sustainedClockSpeedInGhz>3.4</sustainedClockSpeedInGhz></processorInfo>
<vCpuInfo><defaultVCpus>%d</defaultVCpus><defaultCores>%d</defaultCores><defaultThreadsPerCore>2</defaultThreadsPerCore></vCpuInfo>
<memoryInfo><sizeInMiB>%d</sizeInMiB></memoryInfo>
<networkInfo><networkPerformance>Up to 10 Gigabit</networkPerformance><maximumNetworkInterfaces>3</maximumNetworkInterfaces>%s<enaSupport>required</enaSupport></networkInfo>
</item>`, name, metal, vcpus, vcpus/2, mib, cards)
}

// priceListEntry is one PriceList entry as the Pricing API returns it: a JSON
// document inside a JSON string, with a Reserved term that must be ignored.
func priceListEntry(name, region, usd string) string {
	doc := map[string]any{
		"product": map[string]any{
			"productFamily": "Compute Instance",
			"attributes": map[string]string{
				"instanceType": name, "regionCode": region, "location": "somewhere", "operatingSystem": "Linux",
				"tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used", "servicecode": "AmazonEC2",
			},
			"sku": "SKU" + region,
		},
		"serviceCode": "AmazonEC2",
		"terms": map[string]any{
			"OnDemand": map[string]any{
				"SKU.JRTCKXETXF": map[string]any{
					"offerTermCode": "JRTCKXETXF",
					"priceDimensions": map[string]any{
						"SKU.JRTCKXETXF.6YS6EN2CT7": map[string]any{
							"unit": "Hrs", "description": "$" + usd + " per On Demand Linux " + name + " Instance Hour",
							"beginRange": "0", "endRange": "Inf", "pricePerUnit": map[string]string{"USD": usd},
						},
					},
				},
			},
			"Reserved": map[string]any{
				"SKU.38NPMPTW36": map[string]any{
					"priceDimensions": map[string]any{
						"SKU.38NPMPTW36.6YS6EN2CT7": map[string]any{"unit": "Hrs", "pricePerUnit": map[string]string{"USD": "0.0010000000"}},
					},
				},
			},
		},
		"version": "20250601000000", "publicationDate": "2025-06-01T00:00:00Z",
	}
	b, _ := json.Marshal(doc)
	return string(b)
}

func newFake(t *testing.T) *fakeAWS {
	return &fakeAWS{
		t: t,
		ec2Pages: [][]string{
			{ec2Item("c5.large", false, 2, 4096, "0.75"), ec2Item("c5.xlarge", false, 4, 8192, "1.25")},
			{ec2Item("c5.metal", true, 96, 196608, "25.0"), ec2Item("m5.large", false, 2, 8192, "0.75")},
		},
		products: map[string][]string{
			"c5.large": {
				priceListEntry("c5.large", "eu-west-1", "0.0960000000"),
				priceListEntry("c5.large", "us-east-1-bos-1", "0.1020000000"), // a Local Zone: not asked for
				priceListEntry("c5.large", "us-east-1", "0.0850000000"),
				priceListEntry("c5.large", "ap-southeast-1", "0.0980000000"),
				priceListEntry("c5.large", "sa-east-1", "0.1310000000"), // not asked for
			},
			"c5.xlarge": {
				priceListEntry("c5.xlarge", "us-east-1", "0.1700000000"),
				priceListEntry("c5.xlarge", "eu-west-1", "0.1920000000"),
			},
			"m5.large": {
				priceListEntry("m5.large", "us-east-1", "0.1000000000"),
				priceListEntry("m5.large", "us-east-1", "0.0960000000"), // a second listing: the cheaper wins
				priceListEntry("m5.large", "ap-southeast-1", "0.1200000000"),
				priceListEntry("m5.large", "eu-west-1", "0.1070000000"),
			},
		},
		pricingPage: 2,
	}
}

func testConfig(url string) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(testAccessKey, testSecret, ""),
		BaseEndpoint: aws.String(url),
	}
}

var refreshTime = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

func TestRefreshReadsEveryPage(t *testing.T) {
	fake := newFake(t)
	srv := httptest.NewServer(fake)
	defer srv.Close()

	c, err := refresh(context.Background(), testConfig(srv.URL), []string{"us-east-1", "eu-west-1", "ap-southeast-1"}, []string{"c5", "m5.large"}, refreshTime)
	if err != nil {
		t.Fatal(err)
	}
	want := &Catalog{
		Source:  refreshSource,
		Fetched: refreshTime,
		Types: []InstanceType{
			{Name: "c5.large", VCPU: 2, MemoryGiB: 4, NetworkGbps: 0.75, PricePerHour: map[string]float64{"us-east-1": 0.085, "eu-west-1": 0.096, "ap-southeast-1": 0.098}},
			{Name: "c5.xlarge", VCPU: 4, MemoryGiB: 8, NetworkGbps: 1.25, PricePerHour: map[string]float64{"us-east-1": 0.17, "eu-west-1": 0.192}},
			{Name: "m5.large", VCPU: 2, MemoryGiB: 8, NetworkGbps: 0.75, PricePerHour: map[string]float64{"us-east-1": 0.096, "eu-west-1": 0.107, "ap-southeast-1": 0.12}},
		},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("catalog\n got %+v\nwant %+v", c, want)
	}

	// EC2: two pages, the second asked for with the first's token.
	if len(fake.ec2Forms) != 2 {
		t.Fatalf("%d EC2 calls, want 2", len(fake.ec2Forms))
	}
	first := fake.ec2Forms[0]
	wantForm := map[string][]string{
		"Action": {"DescribeInstanceTypes"}, "Version": {"2016-11-15"}, "MaxResults": {"100"},
		"Filter.1.Name": {"instance-type"}, "Filter.1.Value.1": {"c5.*"}, "Filter.1.Value.2": {"m5.large"},
	}
	if !reflect.DeepEqual(map[string][]string(first), wantForm) {
		t.Errorf("first EC2 form %v, want %v", first, wantForm)
	}
	if got := fake.ec2Forms[1]["NextToken"]; !reflect.DeepEqual(got, []string{"page-1"}) {
		t.Errorf("second EC2 call NextToken %v, want [page-1]", got)
	}

	// Pricing: c5.large over three pages, the others over two; none for
	// the bare-metal type.
	var asked []string
	for _, req := range fake.pricing {
		asked = append(asked, req.Filters[0].Value+" "+req.NextToken)
	}
	wantAsked := []string{"c5.large ", "c5.large c5.large/1", "c5.large c5.large/2", "c5.xlarge ", "m5.large ", "m5.large m5.large/1"}
	if !slices.Equal(asked, wantAsked) {
		t.Errorf("pricing calls %q, want %q", asked, wantAsked)
	}
	req := fake.pricing[0]
	wantFilters := []string{
		"instanceType TERM_MATCH c5.large", "operatingSystem TERM_MATCH Linux", "tenancy TERM_MATCH Shared",
		"preInstalledSw TERM_MATCH NA", "capacitystatus TERM_MATCH Used",
	}
	var filters []string
	for _, f := range req.Filters {
		filters = append(filters, f.Field+" "+f.Type+" "+f.Value)
	}
	if !slices.Equal(filters, wantFilters) || req.ServiceCode != "AmazonEC2" || req.FormatVersion != "aws_v1" || req.MaxResults != 100 {
		t.Errorf("pricing request %+v", req)
	}
}

func TestRefreshErrorsGiveNoCatalog(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(*fakeAWS)
		regions []string
		want    []string
	}{
		{
			name:  "EC2 refuses",
			setup: func(f *fakeAWS) { f.failEC2 = true },
			want:  []string{"catalog refresh: EC2 DescribeInstanceTypes: ", "StatusCode: 403", "UnauthorizedOperation", "You are not authorized to perform this operation."},
		},
		{
			name: "Pricing refuses on a later page",
			setup: func(f *fakeAWS) {
				f.failPricing.name, f.failPricing.page = "c5.large", 1
			},
			want: []string{"catalog refresh: Pricing GetProducts for c5.large: ", "StatusCode: 400", "AccessDeniedException", "User is not authorized to perform: pricing:GetProducts"},
		},
		{
			name:  "no baseline bandwidth",
			setup: func(f *fakeAWS) { f.ec2Pages[1][1] = ec2Item("m5.large", false, 2, 8192, "") },
			want:  []string{"catalog refresh: EC2 DescribeInstanceTypes: m5.large: no baseline network bandwidth"},
		},
		{
			name:  "a price that is not a number",
			setup: func(f *fakeAWS) { f.products["c5.xlarge"][1] = priceListEntry("c5.xlarge", "eu-west-1", "n/a") },
			want:  []string{`catalog refresh: Pricing GetProducts for c5.xlarge: price list entry 1: OnDemand pricePerUnit USD "n/a" is not a price`},
		},
		{
			name:    "a region nothing is priced in",
			regions: []string{"us-east-1", "eu-south-9"},
			want:    []string{"catalog refresh: no type of c5.*, m5.large has an on-demand Linux price in eu-south-9"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fake := newFake(t)
			if c.setup != nil {
				c.setup(fake)
			}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			regions := c.regions
			if regions == nil {
				regions = []string{"us-east-1", "eu-west-1"}
			}
			cat, err := refresh(context.Background(), testConfig(srv.URL), regions, []string{"c5", "m5.large"}, refreshTime)
			if err == nil {
				t.Fatalf("no error; catalog %+v", cat)
			}
			if cat != nil {
				t.Errorf("partial catalog returned: %+v", cat)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), testSecret) {
				t.Errorf("error %q leaks the secret key", err)
			}
		})
	}
}

func TestRefreshRejectsBadArguments(t *testing.T) {
	cases := []struct {
		regions, families []string
		want              string
	}{
		{nil, []string{"c5"}, "catalog refresh: at least one region and one instance family are required"},
		{[]string{"eu-west-1"}, nil, "catalog refresh: at least one region and one instance family are required"},
		{[]string{"Ireland"}, []string{"c5"}, `catalog refresh: region "Ireland" is not an AWS region name (like eu-west-1)`},
		{[]string{"eu-west-1"}, []string{"c5.*"}, `catalog refresh: "c5.*" is neither an instance family (like c6i) nor a type (like c6i.large)`},
	}
	for _, c := range cases {
		// No server: arguments are checked before any call.
		_, err := Refresh(context.Background(), testConfig("http://127.0.0.1:1"), c.regions, c.families)
		if err == nil || err.Error() != c.want {
			t.Errorf("Refresh(%v, %v) error %v, want %s", c.regions, c.families, err, c.want)
		}
	}
}
