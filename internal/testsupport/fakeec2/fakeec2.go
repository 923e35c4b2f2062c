// Package fakeec2 is an EC2 endpoint for tests, as net/http/httptest is for
// HTTP: it answers DescribeInstances over the EC2 Query API with the XML EC2
// sends (reservationSet, instancesSet, tagSet, nextToken), applies the
// filters EC2 would, and fails in EC2's XML error format when told to.
// Point the SDK at it with BaseEndpoint (the endpoint setting).
package fakeec2

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Instance is one instance the fake lists.
type Instance struct {
	ID         string
	State      string // "" is running
	PrivateIP  string
	PublicIP   string
	PrivateDNS string
	VpcID      string
	Tags       map[string]string
}

// Request is one request the fake received.
type Request struct {
	// Region is the region of the request's signature (its credential scope).
	Region string
	// AccessKey is the access key ID the request was signed with.
	AccessKey string
	Form      url.Values
}

// Server is a fake EC2 endpoint.
type Server struct {
	URL string

	t         testing.TB
	srv       *httptest.Server
	mu        sync.Mutex
	instances []Instance
	pageSize  int
	fail      *apiError
	hang      bool
	requests  []Request
}

type apiError struct {
	status        int
	code, message string
}

// New starts a fake listing no instance, two instances per page, closed
// when the test ends.
func New(t testing.TB) *Server {
	s := &Server{t: t, pageSize: 2}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// TestbedInstances are the testbed's three clusters (scripts/testbed) as EC2
// instances on loopback, told apart by their management-port tags, plus one
// instance without a role tag that discovery must skip and count.
func TestbedInstances() []Instance {
	instance := func(id, cluster, role, region, port string) Instance {
		return Instance{ID: id, PrivateIP: "127.0.0.1", Tags: map[string]string{
			"rabbitfleet:cluster": cluster, "rabbitfleet:role": role, "rabbitfleet:region": region, "rabbitfleet:management-port": port}}
	}
	return []Instance{
		instance("i-0000000000000backend", "backend", "backend", "eu-west-1", "15672"),
		instance("i-00000000000gatewayeu", "gateway-eu", "gateway", "eu-west-1", "15673"),
		instance("i-00000000000gatewayus", "gateway-us", "gateway", "us-east-1", "15674"),
		{ID: "i-000000000000orphan", PrivateIP: "127.0.0.1", Tags: map[string]string{"rabbitfleet:cluster": "orphan"}},
	}
}

// SetInstances replaces the instances listed.
func (s *Server) SetInstances(instances ...Instance) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.instances = slices.Clone(instances)
}

// Fail makes every request fail with EC2's XML error until Recover, e.g.
// Fail(503, "RequestLimitExceeded", "Request limit exceeded.").
func (s *Server) Fail(status int, code, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = &apiError{status, code, message}
}

// Hang makes every request wait until the client gives up, until Recover.
func (s *Server) Hang() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hang = true
}

// Recover undoes Fail and Hang.
func (s *Server) Recover() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail, s.hang = nil, false
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// credentialRE reads the signature's credential scope:
// Credential=<access key>/<date>/<region>/ec2/aws4_request.
var credentialRE = regexp.MustCompile(`Credential=([^/]+)/[0-9]{8}/([a-z0-9-]+)/ec2/aws4_request`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, apiError{400, "InvalidRequest", err.Error()})
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		writeError(w, apiError{400, "InvalidRequest", err.Error()})
		return
	}
	m := credentialRE.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		writeError(w, apiError{401, "AuthFailure", "AWS was not able to validate the provided access credentials"})
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, Request{Region: m[2], AccessKey: m[1], Form: form})
	fail, hang, instances, pageSize := s.fail, s.hang, s.instances, s.pageSize
	s.mu.Unlock()
	if hang {
		<-r.Context().Done()
		return
	}
	if fail != nil {
		writeError(w, *fail)
		return
	}
	if r.Method != http.MethodPost || form.Get("Action") != "DescribeInstances" || form.Get("Version") != "2016-11-15" {
		writeError(w, apiError{400, "InvalidAction", fmt.Sprintf("The action %s is not valid for this web service.", form.Get("Action"))})
		return
	}
	filters, err := parseFilters(form)
	if err != nil {
		writeError(w, apiError{400, "InvalidParameterValue", err.Error()})
		return
	}
	var matching []Instance
	for _, in := range instances {
		if matches(in, filters) {
			matching = append(matching, in)
		}
	}
	start := 0
	if tok := form.Get("NextToken"); tok != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "page-at-"))
		if err != nil || !strings.HasPrefix(tok, "page-at-") || n > len(matching) {
			writeError(w, apiError{400, "InvalidParameterValue", "Invalid value '" + tok + "' for nextToken"})
			return
		}
		start = n
	}
	end := min(start+pageSize, len(matching))
	resp := describeInstancesResponse{RequestID: fmt.Sprintf("fake-%d", len(s.Requests()))}
	// Two instances per reservation, as a launch of several instances makes.
	for i := start; i < end; i += 2 {
		res := reservation{ReservationID: fmt.Sprintf("r-%017d", i), OwnerID: "123456789012"}
		for _, in := range matching[i:min(i+2, end)] {
			res.Instances = append(res.Instances, instanceXML(in))
		}
		resp.Reservations = append(resp.Reservations, res)
	}
	if end < len(matching) {
		resp.NextToken = fmt.Sprintf("page-at-%d", end)
	}
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	io.WriteString(w, xml.Header)
	if err := xml.NewEncoder(w).Encode(resp); err != nil {
		s.t.Errorf("fakeec2: encoding the response: %v", err)
	}
}

// parseFilters reads Filter.N.Name and Filter.N.Value.M.
func parseFilters(form url.Values) (map[string][]string, error) {
	filters := map[string][]string{}
	for n := 1; ; n++ {
		name := form.Get(fmt.Sprintf("Filter.%d.Name", n))
		if name == "" {
			return filters, nil
		}
		var values []string
		for m := 1; ; m++ {
			v, ok := form[fmt.Sprintf("Filter.%d.Value.%d", n, m)]
			if !ok {
				break
			}
			values = append(values, v...)
		}
		if name != "instance-state-name" && name != "tag-key" && name != "vpc-id" && !strings.HasPrefix(name, "tag:") {
			//lint:ignore ST1005 EC2's own wording, which the SDK passes through
			return nil, fmt.Errorf("The filter '%s' is invalid", name)
		}
		filters[name] = values
	}
}

func matches(in Instance, filters map[string][]string) bool {
	state := in.State
	if state == "" {
		state = "running"
	}
	for name, values := range filters {
		var ok bool
		switch {
		case name == "instance-state-name":
			ok = slices.Contains(values, state)
		case name == "vpc-id":
			ok = slices.Contains(values, in.VpcID)
		case name == "tag-key":
			for _, k := range values {
				_, has := in.Tags[k]
				ok = ok || has
			}
		default: // tag:<key>
			v, has := in.Tags[strings.TrimPrefix(name, "tag:")]
			ok = has && slices.Contains(values, v)
		}
		if !ok {
			return false
		}
	}
	return true
}

func writeError(w http.ResponseWriter, e apiError) {
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(e.status)
	io.WriteString(w, xml.Header)
	xml.NewEncoder(w).Encode(errorResponse{Errors: []errorXML{{Code: e.code, Message: e.message}}, RequestID: "fake-error"})
}

// The XML shapes of EC2's API version 2016-11-15.
type describeInstancesResponse struct {
	XMLName      xml.Name      `xml:"http://ec2.amazonaws.com/doc/2016-11-15/ DescribeInstancesResponse"`
	RequestID    string        `xml:"requestId"`
	Reservations []reservation `xml:"reservationSet>item"`
	NextToken    string        `xml:"nextToken,omitempty"`
}

type reservation struct {
	ReservationID string     `xml:"reservationId"`
	OwnerID       string     `xml:"ownerId"`
	Instances     []instance `xml:"instancesSet>item"`
}

type instance struct {
	InstanceID   string        `xml:"instanceId"`
	ImageID      string        `xml:"imageId"`
	State        instanceState `xml:"instanceState"`
	PrivateDNS   string        `xml:"privateDnsName"`
	DNSName      string        `xml:"dnsName"`
	InstanceType string        `xml:"instanceType"`
	VpcID        string        `xml:"vpcId,omitempty"`
	PrivateIP    string        `xml:"privateIpAddress,omitempty"`
	PublicIP     string        `xml:"ipAddress,omitempty"`
	Tags         []tag         `xml:"tagSet>item"`
}

type instanceState struct {
	Code int    `xml:"code"`
	Name string `xml:"name"`
}

type tag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

var stateCodes = map[string]int{"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}

func instanceXML(in Instance) instance {
	state := in.State
	if state == "" {
		state = "running"
	}
	out := instance{
		InstanceID: in.ID, ImageID: "ami-0123456789abcdef0", InstanceType: "m6i.large",
		State:      instanceState{Code: stateCodes[state], Name: state},
		PrivateDNS: in.PrivateDNS, VpcID: in.VpcID, PrivateIP: in.PrivateIP, PublicIP: in.PublicIP,
	}
	if in.PublicIP != "" {
		out.DNSName = "ec2-" + strings.ReplaceAll(in.PublicIP, ".", "-") + ".compute.amazonaws.com"
	}
	keys := make([]string, 0, len(in.Tags))
	for k := range in.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out.Tags = append(out.Tags, tag{k, in.Tags[k]})
	}
	return out
}

type errorResponse struct {
	XMLName   xml.Name   `xml:"Response"`
	Errors    []errorXML `xml:"Errors>Error"`
	RequestID string     `xml:"RequestID"`
}

type errorXML struct {
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}
