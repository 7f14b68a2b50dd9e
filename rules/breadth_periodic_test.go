package rules

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

// breadthFakes satisfies the second wave's sources with fixed data.
type breadthFakes struct {
	flows      []FlowDefinition
	lifecycles []LifecycleConfig
	schedules  []MonitoringSchedule
	endpoints  []Endpoint
	recognizer []ComprehendModel
	classifier []ComprehendModel
	guardrails []Guardrail
	creds      []ServiceCredential
	vpcs       []string
	vpces      []VPCEndpointInfo
	listeners  []Listener
	domains    []APIDomain
	dists      []Distribution
	certs      map[string]*Certificate
	err        error
}

func (f *breadthFakes) FlowDefinitions(context.Context) ([]FlowDefinition, error) {
	return f.flows, f.err
}
func (f *breadthFakes) NotebookLifecycleConfigs(context.Context) ([]LifecycleConfig, error) {
	return f.lifecycles, f.err
}
func (f *breadthFakes) MonitoringSchedules(context.Context) ([]MonitoringSchedule, error) {
	return f.schedules, f.err
}
func (f *breadthFakes) InServiceEndpoints(context.Context) ([]Endpoint, error) {
	return f.endpoints, f.err
}
func (f *breadthFakes) Models(context.Context) ([]Model, error) { return nil, f.err }
func (f *breadthFakes) EntityRecognizers(context.Context) ([]ComprehendModel, error) {
	return f.recognizer, f.err
}
func (f *breadthFakes) DocumentClassifiers(context.Context) ([]ComprehendModel, error) {
	return f.classifier, f.err
}
func (f *breadthFakes) Guardrails(context.Context) ([]Guardrail, error) { return f.guardrails, f.err }
func (f *breadthFakes) ServiceCredentials(context.Context, string) ([]ServiceCredential, error) {
	return f.creds, f.err
}
func (f *breadthFakes) VPCs(_ context.Context, ids []string) ([]string, error) {
	var out []string
	for _, id := range ids {
		for _, v := range f.vpcs {
			if v == id {
				out = append(out, id)
			}
		}
	}
	return out, f.err
}
func (f *breadthFakes) Endpoints(context.Context, []string) ([]VPCEndpointInfo, error) {
	return f.vpces, f.err
}
func (f *breadthFakes) Listeners(context.Context) ([]Listener, error)         { return f.listeners, f.err }
func (f *breadthFakes) APIDomains(context.Context) ([]APIDomain, error)       { return f.domains, f.err }
func (f *breadthFakes) Distributions(context.Context) ([]Distribution, error) { return f.dists, f.err }
func (f *breadthFakes) Certificate(_ context.Context, arn string) (*Certificate, error) {
	return f.certs[arn], f.err
}

var breadthNow = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func runBreadthPeriodic(t *testing.T, ruleID string, f *breadthFakes, params map[string]string) map[string]Evaluation {
	t.Helper()
	env := Env{AccountID: "111122223333", Region: "us-east-1", Time: breadthNow, Sources: Sources{
		SageMakerGovernance: f, SageMakerInference: f, ComprehendModels: f, BedrockGuardrails: f,
		IAMCredentials: f, VPCEndpoints: f, MLFronts: f, Certificates: f}}
	evs, err := runPeriodic(t, ruleID, env, params)
	if err != nil {
		t.Fatalf("%s: %v", ruleID, err)
	}
	out := map[string]Evaluation{}
	for _, e := range evs {
		out[e.ResourceID] = e
	}
	return out
}

func wantBreadthEval(t *testing.T, got map[string]Evaluation, id string, want Compliance, contains string) {
	t.Helper()
	e, ok := got[id]
	if !ok {
		t.Errorf("no evaluation of %s", id)
		return
	}
	if e.Compliance != want || !strings.Contains(e.Annotation, contains) {
		t.Errorf("%s: %s %q, want %s with %q", id, e.Compliance, e.Annotation, want, contains)
	}
}

const breadthKeyArn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

func TestFlowDefinitionCMK(t *testing.T) {
	got := runBreadthPeriodic(t, "sagemaker-flow-definition-cmk", &breadthFakes{flows: []FlowDefinition{
		{Name: "review", ARN: "arn:f/review", OutputKMSKey: breadthKeyArn},
		{Name: "open", ARN: "arn:f/open"},
		{Name: "managed", ARN: "arn:f/managed", OutputKMSKey: "alias/aws/s3"},
	}}, nil)
	wantBreadthEval(t, got, "arn:f/review", Compliant, "Flow definition review")
	wantBreadthEval(t, got, "arn:f/open", NonCompliant, "no customer managed OutputConfig.KmsKeyId")
	wantBreadthEval(t, got, "arn:f/managed", NonCompliant, "AWS managed")
}

func TestComprehendModelCMK(t *testing.T) {
	got := runBreadthPeriodic(t, "comprehend-model-cmk", &breadthFakes{
		recognizer: []ComprehendModel{{ARN: "arn:er/ok", ModelKMSKey: breadthKeyArn, VolumeKMSKey: breadthKeyArn}},
		classifier: []ComprehendModel{{ARN: "arn:dc/nokeys", Classifier: true}},
	}, nil)
	wantBreadthEval(t, got, "arn:er/ok", Compliant, "Entity recognizer ok")
	wantBreadthEval(t, got, "arn:dc/nokeys", NonCompliant, "ModelKmsKeyId; no customer managed VolumeKmsKeyId")
}

func TestBedrockAPIKeys(t *testing.T) {
	in := func(d int) *time.Time { x := breadthNow.Add(time.Duration(d) * 24 * time.Hour); return &x }
	created := breadthNow.Add(-24 * time.Hour)
	f := &breadthFakes{creds: []ServiceCredential{
		{ID: "K1", UserName: "alice", UserID: "AIDA1", Status: "Active", Created: created},
		{ID: "K2", UserName: "bob", UserID: "AIDA2", Status: "Active", Created: created, Expires: in(10)},
		{ID: "K3", UserName: "carol", UserID: "AIDA3", Status: "Inactive", Created: created},
		{ID: "K4", UserName: "dave", UserID: "AIDA4", Status: "Active", Created: created, Expires: in(400)},
	}}
	got := runBreadthPeriodic(t, "bedrock-api-key-restricted", f, nil)
	wantBreadthEval(t, got, "AIDA1", NonCompliant, "active long-term key")
	wantBreadthEval(t, got, "AIDA2", NonCompliant, "active long-term key")
	wantBreadthEval(t, got, "AIDA3", Compliant, "0 active")
	got = runBreadthPeriodic(t, "bedrock-api-key-restricted", f, map[string]string{"maxApiKeyAgeDays": "30"})
	wantBreadthEval(t, got, "AIDA1", NonCompliant, "never expires")
	wantBreadthEval(t, got, "AIDA2", Compliant, "1 active")
	wantBreadthEval(t, got, "AIDA4", NonCompliant, "more than 30")
	if got["AIDA1"].ResourceType != TypeIAMUser {
		t.Errorf("type %s", got["AIDA1"].ResourceType)
	}
}

func TestGuardrailConfigured(t *testing.T) {
	on := true
	strong := Guardrail{ID: "g1", ARN: "arn:g1", Name: "strong", ContentFilters: []GuardrailContentFilter{
		{Type: "PROMPT_ATTACK", InputStrength: "HIGH", OutputStrength: "NONE"},
		{Type: "HATE", InputStrength: "HIGH", OutputStrength: "HIGH", InputEnabled: &on},
		{Type: "INSULTS", InputStrength: "HIGH", OutputStrength: "HIGH"},
		{Type: "SEXUAL", InputStrength: "HIGH", OutputStrength: "HIGH"},
		{Type: "VIOLENCE", InputStrength: "HIGH", OutputStrength: "HIGH"},
		{Type: "MISCONDUCT", InputStrength: "MEDIUM", OutputStrength: "MEDIUM"},
	}, PIIEntities: []GuardrailPIIEntity{{Type: "EMAIL", Action: "ANONYMIZE"}}}
	weak := Guardrail{ID: "g2", ARN: "arn:g2", Name: "weak"}
	got := runBreadthPeriodic(t, "bedrock-guardrail-configured", &breadthFakes{guardrails: []Guardrail{weak, strong}}, nil)
	wantBreadthEval(t, got, "111122223333", Compliant, "guardrail strong meets")
	got = runBreadthPeriodic(t, "bedrock-guardrail-configured", &breadthFakes{guardrails: []Guardrail{weak}}, nil)
	wantBreadthEval(t, got, "111122223333", NonCompliant, "none of the 1 guardrails")
	got = runBreadthPeriodic(t, "bedrock-guardrail-configured", &breadthFakes{}, nil)
	wantBreadthEval(t, got, "111122223333", NonCompliant, "no guardrail exists")
	got = runBreadthPeriodic(t, "bedrock-guardrail-configured", &breadthFakes{guardrails: []Guardrail{strong}},
		map[string]string{"requireGrounding": "true"})
	wantBreadthEval(t, got, "111122223333", NonCompliant, "strong")
}

func TestLifecycleSecrets(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	got := runBreadthPeriodic(t, "sagemaker-notebook-lifecycle-no-secrets", &breadthFakes{lifecycles: []LifecycleConfig{
		{Name: "clean", ARN: "arn:l/clean", Scripts: []LifecycleScript{{Hook: "OnStart", Content: b64("#!/bin/bash\npip install -q pandas\n")}}},
		{Name: "keys", ARN: "arn:l/keys", Scripts: []LifecycleScript{{Hook: "OnCreate", Content: b64(
			"export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")}}},
		{Name: "pem", ARN: "arn:l/pem", Scripts: []LifecycleScript{{Hook: "OnStart", Content: b64("cat > k <<EOF\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\nEOF\n")}}},
		{Name: "hf", ARN: "arn:l/hf", Scripts: []LifecycleScript{{Hook: "OnStart", Content: "huggingface-cli login --token hf_abcdefghijklmnopqrstuvwxyzABCDEFGH"}}},
	}}, nil)
	wantBreadthEval(t, got, "arn:l/clean", Compliant, "no credentials")
	wantBreadthEval(t, got, "arn:l/keys", NonCompliant, "OnCreate holds an AWS secret access key and an AWS access key ID")
	wantBreadthEval(t, got, "arn:l/pem", NonCompliant, "a private key")
	wantBreadthEval(t, got, "arn:l/hf", NonCompliant, "Hugging Face")
	for _, e := range got {
		if strings.Contains(e.Annotation, "AKIA") || strings.Contains(e.Annotation, "hf_") {
			t.Errorf("annotation leaks the secret: %q", e.Annotation)
		}
	}
}

func TestEndpointMonitored(t *testing.T) {
	cfg := &EndpointConfig{Variants: []EndpointVariant{{Name: "v", InstanceType: "ml.m5.xlarge", InitialInstanceCount: 2}}}
	serverless := &EndpointConfig{Variants: []EndpointVariant{{Name: "v", Serverless: true}}}
	f := &breadthFakes{
		endpoints: []Endpoint{{Name: "prod-scorer", ARN: "arn:e/prod-scorer", Config: cfg}, {Name: "prod-new", ARN: "arn:e/prod-new", Config: cfg},
			{Name: "dev-x", ARN: "arn:e/dev-x", Config: cfg}, {Name: "prod-sl", ARN: "arn:e/prod-sl", Config: serverless}},
		schedules: []MonitoringSchedule{{Name: "dq", EndpointName: "prod-scorer", Status: "Scheduled"},
			{Name: "stopped", EndpointName: "prod-new", Status: "Stopped"}},
	}
	got := runBreadthPeriodic(t, "sagemaker-endpoint-monitored", f, map[string]string{"productionEndpointPatterns": "prod-*"})
	wantBreadthEval(t, got, "arn:e/prod-scorer", Compliant, "monitored by dq")
	wantBreadthEval(t, got, "arn:e/prod-new", NonCompliant, "no monitoring schedule")
	wantBreadthEval(t, got, "arn:e/prod-sl", NotApplicable, "serverless")
	if _, ok := got["arn:e/dev-x"]; ok {
		t.Error("dev-x matches no production pattern but was judged")
	}
}

func TestVPCEndpointsPresent(t *testing.T) {
	ep := func(vpc, svc string, dns bool) VPCEndpointInfo {
		return VPCEndpointInfo{ID: "vpce-" + svc, VPCID: vpc, ServiceName: "com.amazonaws.us-east-1." + svc, Type: "Interface", State: "available", PrivateDNS: dns}
	}
	f := &breadthFakes{vpcs: []string{"vpc-0a1b2c3d", "vpc-0b1b2c3d"}, vpces: []VPCEndpointInfo{
		ep("vpc-0a1b2c3d", "sagemaker.api", true), ep("vpc-0a1b2c3d", "sagemaker.runtime", true), ep("vpc-0a1b2c3d", "bedrock-runtime", true),
		ep("vpc-0b1b2c3d", "sagemaker.api", true), ep("vpc-0b1b2c3d", "bedrock-runtime", false),
	}}
	got := runBreadthPeriodic(t, "ml-vpc-endpoints-present", f, map[string]string{"vpcIds": "vpc-0a1b2c3d,vpc-0b1b2c3d,vpc-0c1b2c3d"})
	wantBreadthEval(t, got, "vpc-0a1b2c3d", Compliant, "has interface endpoints")
	wantBreadthEval(t, got, "vpc-0b1b2c3d", NonCompliant, "sagemaker.runtime, bedrock-runtime")
	if len(got) != 2 {
		t.Errorf("evaluations %v, want the two VPCs of the Region", got)
	}
	if got := runBreadthPeriodic(t, "ml-vpc-endpoints-present", f, nil); len(got) != 0 {
		t.Errorf("no vpcIds: %v, want nothing", got)
	}
}

func TestEndpointCertificates(t *testing.T) {
	ml := map[string]string{"ml-data": "true"}
	acmOK, acmSoon, acmPriv := "arn:aws:acm:us-east-1:111122223333:certificate/ok", "arn:aws:acm:us-east-1:111122223333:certificate/soon", "arn:aws:acm:us-east-1:111122223333:certificate/priv"
	ca := "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555"
	f := &breadthFakes{
		listeners: []Listener{
			{ARN: "arn:l/good", LoadBalancerName: "ml-alb", Protocol: "HTTPS", Tags: ml, Certificates: []string{acmOK}},
			{ARN: "arn:l/iam", LoadBalancerName: "ml-alb", Protocol: "HTTPS", Tags: ml, Certificates: []string{"arn:aws:iam::111122223333:server-certificate/legacy"}},
			{ARN: "arn:l/untagged", LoadBalancerName: "web", Protocol: "HTTPS", Certificates: []string{"arn:aws:iam::111122223333:server-certificate/x"}},
		},
		domains: []APIDomain{{Name: "api.ml", ARN: "arn:d/api", Tags: ml, Certificates: []string{acmSoon}},
			{Name: "priv.ml", ARN: "arn:d/priv", Tags: ml, Certificates: []string{acmPriv}}},
		dists: []Distribution{{ID: "E1", ARN: "arn:cf/E1", Tags: ml, DefaultCertificate: true}},
		certs: map[string]*Certificate{
			acmOK:   {ARN: acmOK, Type: "AMAZON_ISSUED", NotAfter: breadthNow.Add(200 * 24 * time.Hour)},
			acmSoon: {ARN: acmSoon, Type: "IMPORTED", NotAfter: breadthNow.Add(5 * 24 * time.Hour)},
			acmPriv: {ARN: acmPriv, Type: "PRIVATE", CAARN: "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/other", NotAfter: breadthNow.Add(90 * 24 * time.Hour)},
		},
	}
	got := runBreadthPeriodic(t, "ml-endpoint-certificate", f, map[string]string{"allowedCertificateAuthorities": ca})
	wantBreadthEval(t, got, "arn:l/good", Compliant, "ACM certificates")
	wantBreadthEval(t, got, "arn:l/iam", NonCompliant, "IAM server certificate legacy")
	wantBreadthEval(t, got, "arn:d/api", NonCompliant, "within 30 days")
	wantBreadthEval(t, got, "arn:d/priv", NonCompliant, "outside allowedCertificateAuthorities")
	wantBreadthEval(t, got, "arn:cf/E1", NonCompliant, "default certificate")
	if _, ok := got["arn:l/untagged"]; ok {
		t.Error("an untagged listener was judged")
	}
	got = runBreadthPeriodic(t, "ml-endpoint-certificate", f, map[string]string{"requireMlTag": "false"})
	wantBreadthEval(t, got, "arn:l/untagged", NonCompliant, "IAM server certificate")
	wantBreadthEval(t, got, "arn:d/priv", Compliant, "")
}

func TestBreadthPeriodicWithoutSources(t *testing.T) {
	for _, id := range []string{"sagemaker-flow-definition-cmk", "comprehend-model-cmk", "bedrock-api-key-restricted",
		"bedrock-guardrail-configured", "sagemaker-notebook-lifecycle-no-secrets", "sagemaker-endpoint-monitored",
		"ml-endpoint-certificate"} {
		r, _ := Catalog().Get(id)
		_, err := r.Run(context.Background(), Env{Time: breadthNow}, r.DefaultParams())
		if err == nil || !strings.Contains(err.Error(), "provides no") {
			t.Errorf("%s without sources: %v", id, err)
		}
	}
	r, _ := Catalog().Get("sagemaker-flow-definition-cmk")
	_, err := r.Run(context.Background(), Env{Sources: Sources{SageMakerGovernance: &breadthFakes{err: errors.New("boom")}}}, r.DefaultParams())
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("source failure: %v", err)
	}
}
