package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aiguard/aiguard/configitem"
)

// The network in front of and around the ML endpoints: the TLS policy of
// what fronts them (load balancer listeners, API Gateway, CloudFront) and
// the interface VPC endpoints of the ML services.

const (
	typeELBListener       = "AWS::ElasticLoadBalancingV2::Listener"
	typeAPIGatewayDomain  = "AWS::ApiGateway::DomainName"
	typeAPIGatewayV2Dom   = "AWS::ApiGatewayV2::DomainName"
	typeAPIGatewayRestAPI = "AWS::ApiGateway::RestApi"
	typeCloudFront        = "AWS::CloudFront::Distribution"
	typeVPCEndpoint       = "AWS::EC2::VPCEndpoint"
)

// elbTLS12Policy matches the predefined Elastic Load Balancing security
// policies whose lowest protocol is TLS 1.2 or 1.3 (the TLS13-1-2 and
// TLS13-1-3 families with their Res, Ext1, Ext2, FIPS and PQ variants,
// TLS-1-2 and FS-1-2). ELBSecurityPolicy-2016-08 (CloudFormation's default),
// TLS13-1-0, TLS13-1-1, TLS-1-1, FS-2018-06 and FS-1-1 allow TLS 1.0 or 1.1.
var elbTLS12Policy = &Regexp{Expr: `^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)-[A-Za-z0-9-]+$`}

// mlEndpointsNote is the scope sentence of the endpoint rules.
const mlEndpointsNote = " In scope: resources tagged mlTagKey (default ml-data), or every resource when requireMlTag is false."

func mlNetworkRules() []*Rule {
	return []*Rule{
		{
			ID:    "ml-endpoint-tls-policy",
			Title: "What fronts ML endpoints accepts only TLS 1.2 or later",
			Description: "Load balancer listeners (HTTPS or TLS: an SslPolicy of the TLS13-1-2, TLS13-1-3, TLS-1-2 " +
				"or FS-1-2 families; an HTTP listener that does not redirect to HTTPS serves plain text), API " +
				"Gateway custom domains (SecurityPolicy TLS_1_2 or a SecurityPolicy_TLS13/TLS12 policy, not TLS_1_0, " +
				"and set explicitly), REST APIs (SecurityPolicy, when recorded) and CloudFront distributions " +
				"(ViewerCertificate.MinimumProtocolVersion TLSv1.2_* or TLSv1.3_*; the default CloudFront " +
				"certificate allows TLS 1.0) must refuse TLS 1.0 and 1.1." + mlEndpointsNote + " A listener, which " +
				"CloudFormation cannot tag, is in scope through its load balancer's tag where the input holds both " +
				"(LoadBalancerArn). AWS's managed " +
				"rules for these services are not scoped to ML, so packs keep this rule.",
			ResourceTypes: []string{typeELBListener, typeAPIGatewayDomain, typeAPIGatewayV2Dom, typeAPIGatewayRestAPI, typeCloudFront},
			Trigger:       ChangeTriggered,
			Params:        []Param{mlTagKeyParam(), requireMLTagParam()},
			Control:       ControlEndpointEncryption,
			Severity:      SeverityHigh,
			Remediation: "Set a TLS 1.2+ policy: the listener's SslPolicy to ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09, " +
				"the domain's SecurityPolicy to TLS_1_2 (or a TLS 1.3 policy), the distribution's " +
				"MinimumProtocolVersion to TLSv1.2_2021 with your own certificate.",
			Fields: []string{
				"configuration.Protocol", "configuration.SslPolicy",
				"configuration.DefaultActions[].RedirectConfig.Protocol",
				"configuration.SecurityPolicy",
				"configuration.DomainNameConfigurations[].SecurityPolicy",
				"configuration.distributionConfig.viewerCertificate.minimumProtocolVersion",
				"configuration.distributionConfig.viewerCertificate.cloudFrontDefaultCertificate",
				"configuration.Tags",
				"supplementaryConfiguration.LoadBalancer.tags",
			},
			Check: checkEndpointTLSPolicy,
		},
		{
			ID:    "ml-vpc-endpoint-policy-restricted",
			Title: "Interface endpoints of the ML services resolve privately and are not open to every principal",
			Description: "An interface VPC endpoint for the SageMaker API or runtime, Bedrock runtime or the " +
				"Bedrock agent runtime (com.amazonaws.<region>.sagemaker.api, sagemaker.runtime, bedrock-runtime, " +
				"bedrock-agent-runtime, and the services in extraServiceNames) must have private DNS enabled, so " +
				"that SDKs use it, and a policy that does not allow every principal everything: a statement " +
				"allowing Principal \"*\" must be tied to known callers (aws:PrincipalOrgID, aws:PrincipalAccount, " +
				"aws:PrincipalArn and the like). No policy means the full-access default. Other endpoints are " +
				"NOT_APPLICABLE. Prowler checks the endpoints exist; AWS has no managed rule for their policy.",
			ResourceTypes: []string{typeVPCEndpoint},
			Trigger:       ChangeTriggered,
			Params: []Param{{
				Name:        "extraServiceNames",
				Type:        CSV,
				Description: "Further service name suffixes judged the same way (bedrock, bedrock-agent, sagemaker.featurestore-runtime).",
				Pattern:     &Regexp{Expr: `^[a-z0-9.-]{1,100}$`},
				PatternHelp: "a service name suffix (bedrock-agent)",
			}},
			Control:  ControlVPCOnly,
			Severity: SeverityMedium,
			Remediation: "Enable private DNS on the endpoint (ModifyVpcEndpoint --private-dns-enabled) and replace " +
				"its policy with one that allows only your organization's principals (aws:PrincipalOrgID).",
			Fields: []string{"configuration.serviceName", "configuration.vpcEndpointType",
				"configuration.privateDnsEnabled", "configuration.policyDocument"},
			Check: checkVPCEndpointPolicy,
		},
	}
}

func requireMLTagParam() Param {
	return Param{
		Name:        "requireMlTag",
		Type:        Bool,
		Description: "Whether only resources tagged mlTagKey are judged; false judges every resource of the rule's types.",
		Default:     "true",
	}
}

// mlEndpointScope decides whether a resource fronts an ML endpoint. A
// listener, which CloudFormation cannot tag, takes the tags of its load
// balancer where the input holds both (related.go); via then says so.
func mlEndpointScope(item *configitem.Item, p Params) (in bool, why, via string) {
	if p.IsSet("requireMlTag") && !p.Bool("requireMlTag") {
		return true, "", ""
	}
	key := mlTagKey(p)
	v, ok := lookupTag(resourceTags(item), key)
	whose := "it has"
	if !ok && item.ResourceType == typeELBListener {
		if lbs, carried := relatedOf(item, RelatedLoadBalancer); carried && len(lbs) > 0 {
			lb := lbs[0]
			if lb.item == nil {
				return false, fmt.Sprintf("Not known to front an ML endpoint: it has no %s tag, and %s.", key, lb.missing()), ""
			}
			whose = "neither it nor its " + lb.label() + " has"
			if v, ok = lookupTag(lb.item.Tags, key); ok {
				whose = "its " + lb.label() + " has"
				via = fmt.Sprintf("In ML scope through its %s's %s tag. ", lb.label(), key)
			}
		}
	}
	if !ok {
		return false, fmt.Sprintf("Not an ML endpoint: %s no %s tag.", whose, key), ""
	}
	if t := strings.TrimSpace(v); strings.EqualFold(t, "false") || strings.EqualFold(t, "no") {
		if via != "" {
			return false, fmt.Sprintf("Not an ML endpoint: %s a %s tag %q.", whose, key, t), ""
		}
		return false, fmt.Sprintf("Not an ML endpoint: its %s tag is %q.", key, t), ""
	}
	return true, "", via
}

func checkEndpointTLSPolicy(item *configitem.Item, p Params) Verdict {
	cfg := item.Config()
	if !cfg.Present() {
		return mlEmptyConfig()
	}
	in, why, via := mlEndpointScope(item, p)
	if !in {
		return Skip("%s", why)
	}
	switch item.ResourceType {
	case typeELBListener:
		v := checkListenerTLS(cfg)
		if via != "" && v.Compliance != NotApplicable {
			v.Annotation = strings.TrimSpace(via + v.Annotation)
		}
		return v
	case typeAPIGatewayDomain:
		return checkAPIGatewayPolicy(cfg.Field("SecurityPolicy"), "Domain", true)
	case typeAPIGatewayRestAPI:
		return checkAPIGatewayPolicy(cfg.Field("SecurityPolicy"), "REST API", false)
	case typeAPIGatewayV2Dom:
		confs := cfg.Field("DomainNameConfigurations").List()
		if len(confs) == 0 {
			return Skip("The domain records no DomainNameConfigurations, so its TLS policy cannot be judged.")
		}
		for _, c := range confs {
			if v := checkAPIGatewayPolicy(c.Field("SecurityPolicy"), "Domain", true); v.Compliance != Compliant {
				return v
			}
		}
		return Pass()
	case typeCloudFront:
		return checkCloudFrontTLS(cfg)
	}
	return Skip("Rule ml-endpoint-tls-policy does not evaluate %s resources.", item.ResourceType)
}

func checkListenerTLS(cfg configitem.Value) Verdict {
	protocol := strings.ToUpper(strings.TrimSpace(cfg.Field("Protocol").Str()))
	switch protocol {
	case "HTTPS", "TLS":
	case "HTTP":
		for _, a := range cfg.Field("DefaultActions").List() {
			if strings.EqualFold(strings.TrimSpace(mlPath(a, "RedirectConfig.Protocol").Str()), "HTTPS") {
				return Skip("An HTTP listener that redirects to HTTPS; the HTTPS listener is judged on its own.")
			}
		}
		return Fail("Listener serves HTTP without redirecting to HTTPS, so traffic to the ML endpoint is not " +
			"encrypted. Serve HTTPS with a TLS 1.2+ SslPolicy and redirect HTTP to it.")
	case "":
		return Skip("The listener records no Protocol, so its TLS policy cannot be judged.")
	default:
		return Skip("A %s listener does not terminate TLS.", mlClip(protocol, 12))
	}
	policy := strings.TrimSpace(cfg.Field("SslPolicy").Str())
	switch {
	case policy == "":
		return Fail("%s listener has no SslPolicy, so it gets ELBSecurityPolicy-2016-08, which allows TLS 1.0. "+
			"Set SslPolicy to a TLS 1.2+ policy (ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09).", protocol)
	case elbTLS12Policy.MatchString(policy):
		return Pass()
	}
	return Fail("%s listener's SslPolicy %s allows TLS versions below 1.2. Set a TLS 1.2+ policy "+
		"(ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09).", protocol, mlClip(policy, 60))
}

// checkAPIGatewayPolicy judges an API Gateway SecurityPolicy: every value
// but TLS_1_0 has TLS 1.2 as its lowest version. required says whether an
// unset policy fails (custom domains, where the setting is the only
// guarantee) or is not judged (REST APIs, whose field is recent).
func checkAPIGatewayPolicy(v configitem.Value, what string, required bool) Verdict {
	policy, ok := v.Text()
	policy = strings.TrimSpace(policy)
	switch {
	case !v.Present() && required:
		return Fail("%s has no SecurityPolicy, so its TLS minimum is left to API Gateway's default. Set "+
			"SecurityPolicy to TLS_1_2 or a TLS 1.3 policy.", what)
	case !v.Present():
		return Skip("The %s records no SecurityPolicy, so its TLS minimum cannot be judged.", what)
	case !ok:
		return Fail("%s SecurityPolicy is %s. Set it to TLS_1_2 or a TLS 1.3 policy.", what, mlDescribe(v))
	case strings.EqualFold(policy, "TLS_1_0"):
		return Fail("%s SecurityPolicy is TLS_1_0, which accepts TLS 1.0 and 1.1. Set it to TLS_1_2 or a TLS 1.3 "+
			"policy.", what)
	case strings.EqualFold(policy, "TLS_1_2"), strings.HasPrefix(policy, "SecurityPolicy_TLS13_"),
		strings.HasPrefix(policy, "SecurityPolicy_TLS12_"):
		return Pass()
	}
	return Fail("%s SecurityPolicy %s is not one with a TLS 1.2 minimum. Set it to TLS_1_2 or a TLS 1.3 policy.",
		what, mlClip(policy, 48))
}

func checkCloudFrontTLS(cfg configitem.Value) Verdict {
	vc := mlPath(cfg, "distributionConfig.viewerCertificate")
	if !vc.Present() {
		if !cfg.Field("distributionConfig").Present() {
			return Skip("The distribution records no distributionConfig, so its TLS minimum cannot be judged.")
		}
		return Fail("Distribution uses the default CloudFront certificate, whose minimum is TLS 1.0. Use your own " +
			"certificate with MinimumProtocolVersion TLSv1.2_2021 or later.")
	}
	if def, ok := vc.Field("cloudFrontDefaultCertificate").Bool(); ok && def {
		return Fail("Distribution uses the default CloudFront certificate, whose minimum is TLS 1.0. Use your own " +
			"certificate with MinimumProtocolVersion TLSv1.2_2021 or later.")
	}
	min := strings.TrimSpace(vc.Field("minimumProtocolVersion").Str())
	switch {
	case strings.HasPrefix(min, "TLSv1.2_"), strings.HasPrefix(min, "TLSv1.3_"):
		return Pass()
	case min == "":
		return Fail("Distribution sets no MinimumProtocolVersion, so CloudFront's default (TLSv1) applies. Set " +
			"TLSv1.2_2021 or later.")
	}
	return Fail("Distribution's MinimumProtocolVersion is %s, below TLS 1.2. Set TLSv1.2_2021 or later.", mlClip(min, 16))
}

// mlVPCEndpointServices are the service name suffixes of the interface
// endpoints whose policy ml-vpc-endpoint-policy-restricted judges.
var mlVPCEndpointServices = []string{"sagemaker.api", "sagemaker.runtime", "bedrock-runtime", "bedrock-agent-runtime"}

// endpointServiceSuffix returns what follows com.amazonaws.<region>. in an
// AWS service name (also cn.com.amazonaws.<region>. and the like).
func endpointServiceSuffix(name string) string {
	name = strings.TrimSpace(name)
	i := strings.Index(name, "amazonaws.")
	if i < 0 {
		return ""
	}
	rest := name[i+len("amazonaws."):]
	_, suffix, ok := strings.Cut(rest, ".") // the Region
	if !ok {
		return ""
	}
	return suffix
}

func checkVPCEndpointPolicy(item *configitem.Item, p Params) Verdict {
	cfg := item.Config()
	if !cfg.Present() {
		return mlEmptyConfig()
	}
	service := strings.TrimSpace(cfg.Field("serviceName").Str())
	suffix := endpointServiceSuffix(service)
	services := append(slices.Clone(mlVPCEndpointServices), p.List("extraServiceNames")...)
	if !slices.Contains(services, suffix) {
		return Skip("Not an endpoint of an ML service (%s).", mlClip(service, 80))
	}
	if t := strings.TrimSpace(cfg.Field("vpcEndpointType").Str()); t != "" && !strings.EqualFold(t, "Interface") {
		return Skip("A %s endpoint; only interface endpoints are judged.", mlClip(t, 24))
	}
	var problems []string
	dns := cfg.Field("privateDnsEnabled")
	if on, ok := dns.Bool(); !ok || !on {
		if !dns.Exists() || dns.IsNull() {
			problems = append(problems, "private DNS is not recorded as enabled")
		} else {
			problems = append(problems, "private DNS is off, so SDKs reach the service's public endpoint")
		}
	}
	pol := cfg.Field("policyDocument")
	if !pol.Present() {
		problems = append(problems, "it has no policy, so the full-access default applies")
	} else if doc, err := parsePolicy(pol); err != nil {
		problems = append(problems, "its policy cannot be read ("+mlClip(err.Error(), 60)+")")
	} else {
		for i := range doc.Statement {
			s := &doc.Statement[i]
			if allows(s) && appliesToEveryone(s) && !restrictsCallers(doc.tests[i]) && !guardedByDeny(doc, "*") {
				problems = append(problems, label(i, s)+" allows every principal with no condition limiting the callers")
			}
		}
	}
	if len(problems) == 0 {
		return Pass()
	}
	return Fail("Endpoint for %s: %s. Enable private DNS and allow only your organization's principals.",
		suffix, mlClip(strings.Join(problems, "; "), 180))
}
