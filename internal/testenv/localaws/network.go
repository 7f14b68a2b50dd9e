package localaws

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// The network services of the second wave of rules, each in its protocol:
// ACM (awsJson1_1, CertificateManager.<Op>), EC2 (ec2Query), Elastic Load
// Balancing v2 (awsQuery, version 2015-12-01), API Gateway (restJson1, the
// REST API's /domainnames and the HTTP API's /v2/domainnames) and
// CloudFront (restXml, API version 2020-05-31).

// Resource kinds of the network services.
const (
	EC2Vpc             = "ec2/Vpc"
	EC2VpcEndpoint     = "ec2/VpcEndpoint"
	ELBLoadBalancer    = "elb/LoadBalancer"
	ELBListener        = "elb/Listener"
	APIGatewayDomain   = "apigateway/DomainName"
	APIGatewayV2Domain = "apigatewayv2/DomainName"
	CloudFrontDist     = "cloudfront/Distribution"
	ACMCertificate     = "acm/Certificate"
)

// elbVersion is the API version Elastic Load Balancing v2's forms name.
const elbVersion = "2015-12-01"

const (
	ec2Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"
	elbNamespace = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"
	cfNamespace  = "http://cloudfront.amazonaws.com/doc/2020-05-31/"
)

// networkKeys names the member that keys each kind's documents.
var networkKeys = map[string]string{
	EC2Vpc: "vpcId", EC2VpcEndpoint: "vpcEndpointId", ELBLoadBalancer: "LoadBalancerArn", ELBListener: "ListenerArn",
	APIGatewayDomain: "domainName", APIGatewayV2Domain: "domainName", CloudFrontDist: "Id", ACMCertificate: "CertificateArn",
}

// AddNetwork registers a resource of one of the network kinds. Its document
// uses the API's member names: EC2's camelCase (vpcEndpointId, vpcId,
// serviceName, vpcEndpointType, state, privateDnsEnabled); ELB's
// (LoadBalancerArn, LoadBalancerName; a listener's ListenerArn,
// LoadBalancerArn, Protocol, Port, SslPolicy and Certificates, a list of
// certificate ARNs) with Tags as a map; API Gateway's GetDomainNames items;
// CloudFront's DistributionSummary (Id, ARN, DomainName, ViewerCertificate)
// with Tags as a map; ACM's DescribeCertificate Certificate (NotAfter in
// epoch seconds).
func (s *Server) AddNetwork(kind string, d Doc) error {
	key, ok := networkKeys[kind]
	if !ok {
		return fmt.Errorf("localaws: unknown network kind %q", kind)
	}
	return s.addKeyed(kind, key, "", d)
}

// addKeyed registers a document of kind, keyed by its member keyMember and
// named by nameMember ("": the key).
func (s *Server) addKeyed(kind, keyMember, nameMember string, d Doc) error {
	doc, err := decodeDoc(d.JSON())
	if err != nil {
		return fmt.Errorf("localaws: %s: %w", kind, err)
	}
	k := docString(doc, keyMember)
	if k == "" {
		return fmt.Errorf("localaws: %s: the document has no %s string", kind, keyMember)
	}
	name := k
	if nameMember != "" {
		name = docString(doc, nameMember)
	}
	s.addDoc(kind, resourceDoc{key: k, name: name, doc: doc})
	return nil
}

// RemoveNetwork deletes a resource by its key.
func (s *Server) RemoveNetwork(kind, key string) { s.removeDoc(kind, key) }

// byKey lists a kind's documents in key order.
func (s *Server) byKey(kind string, keep func(resourceDoc) bool) []resourceDoc {
	list := s.listDocs(kind, keep)
	sort.Slice(list, func(i, j int) bool { return list[i].key < list[j].key })
	return list
}

var acmOps = map[string]handler{"DescribeCertificate": describeCertificate}

func describeCertificate(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	arn, _ := c.Body["CertificateArn"].(string)
	if len(arn) < 20 {
		return 0, nil, &APIError{Code: "ValidationException", Message: "1 validation error detected: Value at 'certificateArn' failed to satisfy constraint: Member must have length greater than or equal to 20"}
	}
	d, ok := s.findDoc(ACMCertificate, arn)
	if !ok {
		return 0, nil, &APIError{Code: "ResourceNotFoundException", Message: "Could not find certificate " + arn + "."}
	}
	return jsonAnswer(map[string]any{"Certificate": d.doc})
}

var ec2Ops = map[string]handler{"DescribeVpcs": describeVpcs, "DescribeVpcEndpoints": describeVpcEndpoints}

// ec2Filters reads Filter.N.Name and Filter.N.Value.M.
func ec2Filters(q map[string]string) map[string][]string {
	out := map[string][]string{}
	for i := 1; ; i++ {
		name, ok := q[fmt.Sprintf("Filter.%d.Name", i)]
		if !ok {
			return out
		}
		for j := 1; ; j++ {
			v, ok := q[fmt.Sprintf("Filter.%d.Value.%d", i, j)]
			if !ok {
				break
			}
			out[name] = append(out[name], v)
		}
	}
}

func matches(values []string, v string) bool {
	if values == nil {
		return true
	}
	for _, x := range values {
		if x == v {
			return true
		}
	}
	return false
}

func ec2Answer(op, body string) (int, []byte, *APIError) {
	return http.StatusOK, []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<" + op + `Response xmlns="` + ec2Namespace + `">` +
		xmlField("requestId", newRequestID()) + body + "</" + op + "Response>"), nil
}

func describeVpcs(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	f := ec2Filters(c.Query)
	var b strings.Builder
	b.WriteString("<vpcSet>")
	for _, d := range s.byKey(EC2Vpc, func(d resourceDoc) bool { return matches(f["vpc-id"], d.key) }) {
		b.WriteString("<item>" + xmlField("vpcId", d.key) + xmlField("state", "available") + "</item>")
		c.Returned++
	}
	b.WriteString("</vpcSet>")
	return ec2Answer("DescribeVpcs", b.String())
}

func describeVpcEndpoints(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	f := ec2Filters(c.Query)
	var b strings.Builder
	b.WriteString("<vpcEndpointSet>")
	for _, d := range s.byKey(EC2VpcEndpoint, func(d resourceDoc) bool { return matches(f["vpc-id"], docString(d.doc, "vpcId")) }) {
		b.WriteString("<item>")
		for _, m := range []string{"vpcEndpointId", "vpcEndpointType", "vpcId", "serviceName", "state"} {
			b.WriteString(xmlField(m, docString(d.doc, m)))
		}
		b.WriteString(xmlField("privateDnsEnabled", fmt.Sprint(d.doc["privateDnsEnabled"] == true)))
		b.WriteString("</item>")
		c.Returned++
	}
	b.WriteString("</vpcEndpointSet>")
	return ec2Answer("DescribeVpcEndpoints", b.String())
}

var elbOps = map[string]handler{
	"DescribeLoadBalancers":        describeLoadBalancers,
	"DescribeListeners":            describeListeners,
	"DescribeListenerCertificates": describeListenerCertificates,
	"DescribeTags":                 describeELBTags,
}

func elbAnswer(op, result string) (int, []byte, *APIError) {
	return http.StatusOK, []byte("<" + op + `Response xmlns="` + elbNamespace + `"><` + op + "Result>" + result + "</" + op + "Result>" +
		"<ResponseMetadata><RequestId>" + newRequestID() + "</RequestId></ResponseMetadata></" + op + "Response>"), nil
}

// elbPage returns the documents of one page (PageSize 1-400, Marker) and
// the next page's marker.
func elbPage(op string, c *ServiceCall, list []resourceDoc) ([]resourceDoc, string, *APIError) {
	limit := 400
	if raw, ok := c.Query["PageSize"]; ok {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 400 {
			return nil, "", &APIError{Code: "ValidationError", Message: "1 validation error detected: Value '" + raw + "' at 'pageSize' failed to satisfy constraint: Member must have value between 1 and 400"}
		}
		limit = n
	}
	pg, next, aerr := page(list, op, c.Query["Marker"], limit, "ValidationError")
	c.Returned = len(pg)
	return pg, next, aerr
}

func describeLoadBalancers(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	page, next, aerr := elbPage("DescribeLoadBalancers", c, s.byKey(ELBLoadBalancer, nil))
	if aerr != nil {
		return 0, nil, aerr
	}
	var b strings.Builder
	b.WriteString("<LoadBalancers>")
	for _, d := range page {
		b.WriteString("<member>" + xmlField("LoadBalancerArn", d.key) + xmlField("LoadBalancerName", docString(d.doc, "LoadBalancerName")) +
			xmlField("Type", "application") + xmlField("Scheme", "internal") + "</member>")
	}
	b.WriteString("</LoadBalancers>")
	if next != "" {
		b.WriteString(xmlField("NextMarker", next))
	}
	return elbAnswer("DescribeLoadBalancers", b.String())
}

func describeListeners(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	lb := c.Query["LoadBalancerArn"]
	if lb != "" {
		if _, ok := s.findDoc(ELBLoadBalancer, lb); !ok {
			return 0, nil, &APIError{Code: "LoadBalancerNotFound", Message: "One or more load balancers not found"}
		}
	}
	page, next, aerr := elbPage("DescribeListeners", c, s.byKey(ELBListener, func(d resourceDoc) bool {
		return lb == "" || docString(d.doc, "LoadBalancerArn") == lb
	}))
	if aerr != nil {
		return 0, nil, aerr
	}
	var b strings.Builder
	b.WriteString("<Listeners>")
	for _, d := range page {
		b.WriteString("<member>" + xmlField("ListenerArn", d.key) + xmlField("LoadBalancerArn", docString(d.doc, "LoadBalancerArn")) +
			xmlField("Protocol", docString(d.doc, "Protocol")) + xmlField("Port", fmt.Sprint(d.doc["Port"])))
		if p := docString(d.doc, "SslPolicy"); p != "" {
			b.WriteString(xmlField("SslPolicy", p))
		}
		if certs := docStrings(d.doc, "Certificates"); len(certs) > 0 {
			b.WriteString("<Certificates><member>" + xmlField("CertificateArn", certs[0]) + "</member></Certificates>")
		}
		b.WriteString("</member>")
	}
	b.WriteString("</Listeners>")
	if next != "" {
		b.WriteString(xmlField("NextMarker", next))
	}
	return elbAnswer("DescribeListeners", b.String())
}

func describeListenerCertificates(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	d, ok := s.findDoc(ELBListener, c.Query["ListenerArn"])
	if !ok {
		return 0, nil, &APIError{Code: "ListenerNotFound", Message: "One or more listeners not found"}
	}
	var b strings.Builder
	b.WriteString("<Certificates>")
	for i, arn := range docStrings(d.doc, "Certificates") {
		b.WriteString("<member>" + xmlField("CertificateArn", arn) + xmlField("IsDefault", strconv.FormatBool(i == 0)) + "</member>")
		c.Returned++
	}
	b.WriteString("</Certificates>")
	return elbAnswer("DescribeListenerCertificates", b.String())
}

func describeELBTags(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	var b strings.Builder
	b.WriteString("<TagDescriptions>")
	for i := 1; ; i++ {
		arn, ok := c.Query[fmt.Sprintf("ResourceArns.member.%d", i)]
		if !ok {
			break
		}
		if i > 20 {
			return 0, nil, &APIError{Code: "ValidationError", Message: "Member must have length less than or equal to 20"}
		}
		d, found := s.findDoc(ELBLoadBalancer, arn)
		if !found {
			d, found = s.findDoc(ELBListener, arn)
		}
		if !found {
			return 0, nil, &APIError{Code: "LoadBalancerNotFound", Message: "Load balancer '" + arn + "' not found"}
		}
		b.WriteString("<member>" + xmlField("ResourceArn", arn) + "<Tags>")
		tags, _ := d.doc["Tags"].(map[string]any)
		keys := sortedKeysAny(tags)
		for _, k := range keys {
			b.WriteString("<member>" + xmlField("Key", k) + xmlField("Value", fmt.Sprint(tags[k])) + "</member>")
		}
		b.WriteString("</Tags></member>")
	}
	b.WriteString("</TagDescriptions>")
	return elbAnswer("DescribeTags", b.String())
}

var apiGatewayOps = map[string]handler{
	"GetDomainNames":   listAPIDomains(APIGatewayDomain, "GetDomainNames", "item", "position", "limit", 500),
	"GetDomainNamesV2": listAPIDomains(APIGatewayV2Domain, "GetDomainNamesV2", "items", "nextToken", "maxResults", 0),
}

// apiGatewayRoute resolves GET /domainnames (REST APIs) and GET
// /v2/domainnames (HTTP and WebSocket APIs).
func apiGatewayRoute(r *http.Request) (string, map[string]string, *APIError) {
	p := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case r.Method == http.MethodGet && p == "/domainnames":
		return "GetDomainNames", nil, nil
	case r.Method == http.MethodGet && p == "/v2/domainnames":
		return "GetDomainNamesV2", nil, nil
	}
	return "", nil, &APIError{Status: http.StatusNotFound, Code: "NotFoundException",
		Message: fmt.Sprintf("localaws: no API Gateway operation for %s %s", r.Method, r.URL.Path)}
}

// listAPIDomains pages a domain listing: the REST API's by position and
// limit (at most 500), the HTTP API's by nextToken and maxResults.
func listAPIDomains(kind, op, member, tokenName, limitName string, maxLimit int) handler {
	return func(s *Server, c *ServiceCall) (int, []byte, *APIError) {
		limit := 25
		if raw := c.Query[limitName]; raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 || (maxLimit > 0 && n > maxLimit) {
				return 0, nil, &APIError{Code: "BadRequestException", Message: limitName + " must be between 1 and " + strconv.Itoa(maxLimit)}
			}
			limit = n
		}
		return jsonPage(c, listing{op, member, tokenName, tokenName, "BadRequestException"}, s.byKey(kind, nil), limit, docOf)
	}
}

// cloudFrontOps are keyed by the operations' names in CloudFront's API model
// (ListTagsForResource2020_05_31): Rekognition serves a ListTagsForResource
// too, and faults and recorded calls are keyed by operation.
var cloudFrontOps = map[string]handler{"ListDistributions": listDistributions, "ListTagsForResource2020_05_31": listCloudFrontTags}

// cloudFrontRoute resolves GET /2020-05-31/distribution and GET
// /2020-05-31/tagging?Resource=ARN.
func cloudFrontRoute(r *http.Request) (string, map[string]string, *APIError) {
	p := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case r.Method == http.MethodGet && p == "/2020-05-31/distribution":
		return "ListDistributions", nil, nil
	case r.Method == http.MethodGet && p == "/2020-05-31/tagging":
		return "ListTagsForResource2020_05_31", nil, nil
	}
	return "", nil, &APIError{Status: http.StatusNotFound, Code: "NotFound",
		Message: fmt.Sprintf("localaws: no CloudFront operation for %s %s", r.Method, r.URL.Path)}
}

func listDistributions(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	limit := 100
	if raw := c.Query["MaxItems"]; raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return 0, nil, &APIError{Code: "InvalidArgument", Message: "MaxItems must be a positive integer"}
		}
		limit = min(n, 100)
	}
	pg, next, aerr := page(s.byKey(CloudFrontDist, nil), "ListDistributions", c.Query["Marker"], limit, "InvalidArgument")
	if aerr != nil {
		return 0, nil, aerr
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>` + "\n" + `<DistributionList xmlns="` + cfNamespace + `">` +
		xmlField("Marker", c.Query["Marker"]) + xmlField("MaxItems", strconv.Itoa(limit)) +
		xmlField("IsTruncated", strconv.FormatBool(next != "")) + xmlField("Quantity", strconv.Itoa(len(pg))))
	if next != "" {
		b.WriteString(xmlField("NextMarker", next))
	}
	b.WriteString("<Items>")
	for _, d := range pg {
		b.WriteString("<DistributionSummary>" + xmlField("Id", d.key) + xmlField("ARN", docString(d.doc, "ARN")) +
			xmlField("Status", "Deployed") + xmlField("DomainName", docString(d.doc, "DomainName")) + xmlField("Enabled", "true"))
		vc, _ := d.doc["ViewerCertificate"].(map[string]any)
		b.WriteString("<ViewerCertificate>")
		for _, k := range []string{"CloudFrontDefaultCertificate", "IAMCertificateId", "ACMCertificateArn", "SSLSupportMethod", "MinimumProtocolVersion", "CertificateSource"} {
			if v, ok := vc[k]; ok {
				b.WriteString(xmlField(k, fmt.Sprint(v)))
			}
		}
		b.WriteString("</ViewerCertificate></DistributionSummary>")
	}
	b.WriteString("</Items></DistributionList>")
	c.Returned = len(pg)
	return http.StatusOK, []byte(b.String()), nil
}

func listCloudFrontTags(s *Server, c *ServiceCall) (int, []byte, *APIError) {
	arn := c.Query["Resource"]
	var found *resourceDoc
	for _, d := range s.byKey(CloudFrontDist, nil) {
		if docString(d.doc, "ARN") == arn {
			found = &d
			break
		}
	}
	if found == nil {
		return 0, nil, &APIError{Status: http.StatusNotFound, Code: "NoSuchResource", Message: "The specified resource does not exist."}
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>` + "\n" + `<Tags xmlns="` + cfNamespace + `"><Items>`)
	tags, _ := found.doc["Tags"].(map[string]any)
	for _, k := range sortedKeysAny(tags) {
		b.WriteString("<Tag>" + xmlField("Key", k) + xmlField("Value", fmt.Sprint(tags[k])) + "</Tag>")
	}
	b.WriteString("</Items></Tags>")
	return http.StatusOK, []byte(b.String()), nil
}

func docStrings(doc map[string]any, name string) []string {
	list, _ := doc[name].([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func sortedKeysAny(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
